"""Keep the site's generated static files (the diagrams' SVG) on disk, not in memory, while MkDocs builds.

At 10,000 records the diagrams are 12,000 SVG files, ~220 MB of text that would otherwise
stay in memory from planning to the very end of the build (MkDocs copies static files after
it has rendered every page). Each SVG is written once to `.archkb_cache/site/` under its
site path, rewritten only when its content changes, and handed to MkDocs as a file to copy.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable

_MANIFEST = ".manifest.json"


def _digest(content: str | bytes) -> str:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def stage(folder: str, assets: Iterable[tuple[str, str | bytes]]) -> dict[str, str]:
    """Write each (site path, content) under `folder` unless already there; return site path -> file path.

    Returns an empty mapping (so the caller keeps the contents in memory) when `folder`
    cannot be written, e.g. in a read-only checkout. Site paths come from record ids, which
    are checked against their patterns, so they cannot leave `folder`.
    """
    try:
        with open(os.path.join(folder, _MANIFEST), encoding="utf-8") as fh:
            loaded = json.load(fh)
        manifest: dict[str, str] = loaded if isinstance(loaded, dict) else {}
    except (OSError, ValueError):  # missing or corrupt: write everything again
        manifest = {}
    out: dict[str, str] = {}
    fresh: dict[str, str] = {}
    try:
        for uri, content in assets:
            path = os.path.join(folder, *uri.split("/"))
            digest = _digest(content)
            fresh[uri] = digest
            if manifest.get(uri) != digest or not os.path.exists(path):
                os.makedirs(os.path.dirname(path), exist_ok=True)
                data = content.encode("utf-8") if isinstance(content, str) else content
                with open(path, "wb") as fh:
                    fh.write(data)
            out[uri] = path
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".manifest-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(fresh, fh, sort_keys=True)
        os.replace(tmp, os.path.join(folder, _MANIFEST))
    except OSError:
        return {}
    return out
