"""Turn DOT text into SVG with Graphviz, cached by the DOT text's hash and batched across cores.

One `dot` process per graph costs more in start-up than in layout for the small graphs
of a record page, so uncached graphs of one engine are sent to a few processes, many
graphs each (Graphviz draws every graph of its input and prints the SVG documents one
after another). The result of each graph is stored under its hash, so a second build
with no record changed runs Graphviz not at all. The cache folder is private (outside the
repository, see `core/cache.py`), and every SVG, cached or fresh, passes the active-content
refusal of `clean_svg` on its way out: a cached file that fails it is drawn again.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field

from archkb.core.cache import read_private, write_private
from archkb.core.errors import ArchkbError

ENGINES = frozenset({"dot", "sfdp", "neato", "fdp", "circo", "twopi"})
_XML_PROLOGUE = re.compile(r"<\?xml[^>]*\?>\s*|<!DOCTYPE[^>]*>\s*|<!--.*?-->\s*", re.S)
_TAG = re.compile(r"<[^>]*>")
_UNSAFE_NAME = re.compile(r"^<\s*/?\s*(script|foreignObject|iframe)|\son[a-z]+\s*=", re.I)
_UNSAFE_HREF = re.compile(r"href\s*=\s*\"\s*(javascript|data|vbscript):", re.I)
_QUOTED = re.compile(r'"[^"]*"')
_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([0-9.]+)pt"[^>]*?\bheight="([0-9.]+)pt"', re.S)
PX_PER_PT = 4 / 3
LEGIBLE_SCALE = 0.75
"""Graphviz's smallest labels are 9 pt, 12 CSS px at natural size: shown at 3/4 of it or more they stay >= 9 px."""
# Graphs per process: large enough to amortise start-up, small enough to spread over cores.
BATCH = 40


@dataclass
class RenderStats:
    """How many diagrams were drawn and how many came from the cache (the second build must draw none)."""

    rendered: int = 0
    cached: int = 0
    engines: dict[str, int] = field(default_factory=dict)


def dot_key(dot: str, engine: str = "dot") -> str:
    """The cache key of one diagram: a hash of the engine and the DOT text."""
    return hashlib.sha256(f"{engine}\0{dot}".encode()).hexdigest()


def graphviz_available() -> bool:
    return shutil.which("dot") is not None


def clean_svg(svg: str) -> str:
    """The SVG element alone, without XML prologue, doctype or comments (which name the Graphviz version)."""
    svg = _XML_PROLOGUE.sub("", svg).strip()
    if any(_UNSAFE_NAME.search(_QUOTED.sub('""', tag)) or _UNSAFE_HREF.search(tag) for tag in _TAG.findall(svg)):
        # Labels are escaped by dot.py and URLs are built from checked ids; this is the last guard.
        raise ArchkbError("refusing a diagram with active content (script, event handler or javascript: URL)")
    return svg + "\n"


def svg_size(svg: str) -> tuple[float, float]:
    """The natural size of a Graphviz SVG in CSS px (its `width`/`height` are in pt); (0, 0) when unknown."""
    found = _SIZE.search(svg)
    if not found:
        return 0.0, 0.0
    return round(float(found.group(1)) * PX_PER_PT, 1), round(float(found.group(2)) * PX_PER_PT, 1)


def _run(engine: str, dots: list[str]) -> list[str]:
    """Draw several graphs with one Graphviz process; one SVG per graph, in order."""
    exe = shutil.which(engine)
    if exe is None:
        raise ArchkbError(f"Graphviz '{engine}' was not found on PATH: install Graphviz (Debian: apt-get install graphviz)")
    proc = subprocess.run([exe, "-Tsvg"], input="\n".join(dots).encode(), capture_output=True, check=False)
    if proc.returncode != 0:
        if len(dots) > 1:
            # Find the graph that fails, so the message names it.
            return [svg for one in dots for svg in _run(engine, [one])]
        raise ArchkbError(f"Graphviz {engine} failed: {proc.stderr.decode(errors='replace').strip()[:500]}")
    out = proc.stdout.decode("utf-8")
    parts = [p for p in re.split(r"(?=<\?xml )", out) if p.strip()]
    if len(parts) != len(dots):
        raise ArchkbError(f"Graphviz {engine} returned {len(parts)} drawings for {len(dots)} graphs")
    return [clean_svg(p) for p in parts]


def _store(cache_dir: str | None, key: str, svg: str) -> None:
    if cache_dir:
        write_private(os.path.join(cache_dir, f"{key}.svg"), svg.encode("utf-8"))  # unwritable: not cached


def _load(cache_dir: str | None, key: str) -> str | None:
    """A cached drawing that is still clean, or None (missing, unreadable, or refused: draw it again)."""
    if not cache_dir:
        return None
    raw = read_private(os.path.join(cache_dir, f"{key}.svg"), limit=16 * 1024 * 1024)
    if raw is None:
        return None
    try:
        return clean_svg(raw.decode("utf-8"))
    except (UnicodeDecodeError, ArchkbError):
        return None


def render_many(graphs: list[tuple[str, str]], *, cache_dir: str | None = None,
                workers: int | None = None, stats: RenderStats | None = None) -> list[str]:
    """SVG for each (dot_text, engine), in order; cached ones are read, the rest drawn in parallel batches."""
    stats = stats if stats is not None else RenderStats()
    results: list[str | None] = [None] * len(graphs)
    todo: dict[tuple[str, str], list[int]] = {}
    for i, (dot, engine) in enumerate(graphs):
        if engine not in ENGINES:
            raise ArchkbError(f"unknown Graphviz engine {engine!r}")
        key = dot_key(dot, engine)
        svg = _load(cache_dir, key)
        if svg is not None:
            results[i] = svg
            stats.cached += 1
        else:
            todo.setdefault((engine, dot), []).append(i)
    jobs: list[tuple[str, list[str]]] = []
    by_engine: dict[str, list[str]] = {}
    for engine, dot in todo:
        by_engine.setdefault(engine, []).append(dot)
    workers = max(1, workers or os.cpu_count() or 1)
    for engine, dots in sorted(by_engine.items()):
        size = max(1, min(BATCH, -(-len(dots) // workers)))
        jobs.extend((engine, dots[i:i + size]) for i in range(0, len(dots), size))
    if jobs:
        with concurrent.futures.ThreadPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            drawn = list(pool.map(lambda job: _run(*job), jobs))
        for (engine, dots), svgs in zip(jobs, drawn, strict=True):
            for dot, svg in zip(dots, svgs, strict=True):
                _store(cache_dir, dot_key(dot, engine), svg)
                for i in todo[(engine, dot)]:
                    results[i] = svg
                stats.rendered += 1
                stats.engines[engine] = stats.engines.get(engine, 0) + 1
    return [r or "" for r in results]


def render_svg(dot: str, engine: str = "dot", *, cache_dir: str | None = None) -> str:
    """SVG of one DOT graph (cached like `render_many`)."""
    return render_many([(dot, engine)], cache_dir=cache_dir)[0]
