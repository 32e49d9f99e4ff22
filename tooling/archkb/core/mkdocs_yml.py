"""Read `mkdocs.yml` without executing anything: the folders MkDocs publishes, and the tags that would run code.

MkDocs loads its configuration with PyYAML's full `Loader`, so a `!!python/object/apply:...`
tag in a pull request's `mkdocs.yml` runs code during `mkdocs build`; archkb itself never
constructs that file. Here it is only composed (a node tree: tags are names, nothing is
built), which is enough to find `docs_dir` and the theme's `custom_dir` (both published
as they are, symlinks included) and to refuse the code-running tags in `export-site`.
"""

from __future__ import annotations

import os

import yaml

from archkb.core.problems import Position, Problem, warning
from archkb.core.trusted import Untrusted, read_regular

CONFIG_NAME = "mkdocs.yml"
_PYTHON_TAG = "tag:yaml.org,2002:python/"
_LIMIT = 1024 * 1024


def compose(path: str) -> yaml.Node | None:
    """The node tree of a YAML file (regular files only); None when it is missing, refused or not YAML."""
    try:
        raw = read_regular(path, _LIMIT)
    except (Untrusted, OSError):
        return None
    try:
        return yaml.compose(raw.decode("utf-8", "replace"), Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return None


def python_tags(path: str, _depth: int = 0) -> list[tuple[str, int, int, str]]:
    """(file, line, column, tag) of every `!!python/...` tag in the file and the files it INHERITs, in order."""
    node = compose(path)
    found: list[tuple[str, int, int, str]] = []
    parent = _scalar(node, "INHERIT")
    if parent and _depth < 10:
        found.extend(python_tags(os.path.join(os.path.dirname(path), parent), _depth + 1))
    seen: set[int] = set()
    stack = [node] if node is not None else []
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if n.tag.startswith(_PYTHON_TAG):
            found.append((path, n.start_mark.line + 1, n.start_mark.column + 1, "!!" + n.tag[len(_PYTHON_TAG) - 7:]))
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                stack.extend((k, v))
        elif isinstance(n, yaml.SequenceNode):
            stack.extend(n.value)
    return sorted(found)


class _InertLoader(yaml.SafeLoader):
    """SafeLoader that builds every tag it does not know (`!!python/...`, `!ENV`, `!relative`) as None."""


def _inert(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_InertLoader.add_multi_constructor("!", _inert)
_InertLoader.add_multi_constructor("tag:yaml.org,2002:python/", _inert)


def load_inert(text: str) -> dict[str, object]:
    """`mkdocs.yml` as plain data with nothing executed: unknown and Python tags become None; {} when not YAML."""
    try:
        data = yaml.load(text, Loader=_InertLoader)  # a SafeLoader subclass: nothing is executed
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _scalar(node: yaml.Node | None, *path: str) -> str | None:
    for key in path:
        if not isinstance(node, yaml.MappingNode):
            return None
        node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
    return node.value if isinstance(node, yaml.ScalarNode) and isinstance(node.value, str) else None


def published_folders(root: str) -> list[str]:
    """Folders (relative to `root`) that MkDocs copies into the site: `docs_dir` and the theme's `custom_dir`."""
    node = compose(os.path.join(root, CONFIG_NAME))
    folders = [_scalar(node, "docs_dir") or "docs"]
    custom = _scalar(node, "theme", "custom_dir")
    if custom:
        folders.append(custom)
    out = []
    for folder in folders:
        rel = os.path.normpath(folder)
        if not os.path.isabs(rel) and not rel.startswith("..") and rel != ".":  # MkDocs refuses "." itself
            out.append(rel.replace(os.sep, "/"))
    return sorted(set(out))


def symlinks_under(root: str, rel: str) -> list[str]:
    """Every symlink (to a file or a folder) under `root/rel`, as paths relative to `root`, sorted."""
    base = os.path.join(root, rel)
    if os.path.islink(base):
        return [rel]
    out: list[str] = []
    for folder, dirs, names in os.walk(base):  # never follows symlinked folders
        for name in dirs + names:
            full = os.path.join(folder, name)
            if os.path.islink(full):
                out.append(os.path.relpath(full, root).replace(os.sep, "/"))
    return sorted(out)


def publish_symlink_warnings(root: str) -> list[Problem]:
    """W009 for each symlink MkDocs would publish (it copies what the link points at, a host file included)."""
    return [warning("W009", "symlink in a folder MkDocs publishes: the site would contain the file it points at",
                    Position(rel, 1, 1), hint="commit the file itself, or remove the link")
            for folder in published_folders(root) for rel in symlinks_under(root, folder)]


__all__ = ["compose", "load_inert", "publish_symlink_warnings", "published_folders", "python_tags", "symlinks_under"]
