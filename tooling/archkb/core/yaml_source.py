"""Read one untrusted YAML file into plain data, with value positions computed on demand.

PyYAML's C loader (`CSafeLoader`) does the parsing: the pure-Python loader is many times
slower. Positions are not collected while loading (that would double the cost for the
common case of a valid file); `SourceDoc.position` composes the node tree again only when
a problem needs a line and column. Limits guard against hostile input from pull requests:
file size, alias expansion ("billion laughs", counted whenever the file has an anchor, wherever
it is written), nesting depth (on both construction paths), and integer size (text longer
than Python's 4,300-digit conversion limit, or a value past it, such as a long hex or base-60
literal, which would also cost quadratic time) — each a positioned problem, never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from archkb.core.problems import Position, Problem, error
from archkb.core.snapshot import MAX_FILE_BYTES
from archkb.core.trusted import Untrusted, read_regular

MAX_EXPANDED_NODES = 100_000
MAX_INT_CHARS = 4300  # Python's default int/str conversion limit (sys.get_int_max_str_digits)
_INT_CEILING = 10**MAX_INT_CHARS  # every int below it has at most 4,300 digits and can be printed
SCHEMA_COMMENT_PREFIX = "# yaml-language-server: $schema="

_BOMS = {
    b"\xef\xbb\xbf": "utf-8",
    b"\xff\xfe": "utf-16-le",
    b"\xfe\xff": "utf-16-be",
}
# Characters YAML 1.1 does not allow in a stream (libyaml reports them without a usable position).
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class _TooLarge(Exception):
    """An integer scalar whose text or value is past the limit."""

    def __init__(self, mark: yaml.Mark, what: str) -> None:
        super().__init__(what)
        self.mark = mark
        self.what = what


class _GuardedConstructor(yaml.constructor.SafeConstructor):
    """SafeConstructor whose integers are bounded (the text is checked before any work is done)."""

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        return _guarded_int(self, node)


def _guarded_int(ctor: yaml.constructor.SafeConstructor, node: yaml.ScalarNode) -> int:
    if len(node.value) > MAX_INT_CHARS:
        raise _TooLarge(node.start_mark, f"an integer written with {len(node.value):,} characters "
                                         f"(the limit is {MAX_INT_CHARS:,})")
    value: int = yaml.constructor.SafeConstructor.construct_yaml_int(ctor, node)
    if abs(value) >= _INT_CEILING:
        raise _TooLarge(node.start_mark, f"an integer of {value.bit_length():,} bits "
                                         f"(more than {MAX_INT_CHARS:,} decimal digits)")
    return value


class _DuplicateKey(yaml.MarkedYAMLError):
    def __init__(self, key: object, first: yaml.Mark, again: yaml.Mark) -> None:
        super().__init__(problem=f"duplicate key {key!r}", problem_mark=again)
        self.key = key
        self.first = first


class _Loader(yaml.CSafeLoader):
    """CSafeLoader that rejects duplicate keys instead of keeping the last one, with bounded integers (the slow path)."""

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        return _guarded_int(self, node)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        own = node.value  # flatten_mapping replaces node.value when merge keys (<<) are present
        mapping = super().construct_mapping(node, deep=deep)
        # Cheap common case: as many entries as keys written means no key repeated.
        if isinstance(node, yaml.MappingNode) and (len(mapping) != len(own) or node.value is not own):
            _reject_duplicates(self, own)
        return mapping


class _Composer(yaml.CSafeLoader):
    """The C composer without path resolvers (archkb registers none), for the fast path."""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


def _reject_duplicates(ctor: yaml.constructor.BaseConstructor, pairs: list[tuple[yaml.Node, yaml.Node]]) -> None:
    seen: dict[Any, yaml.Mark] = {}
    for key_node, _ in pairs:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE:
            continue
        key = ctor.construct_object(key_node)
        if key in seen:
            raise _DuplicateKey(key, seen[key], key_node.start_mark)
        seen[key] = key_node.start_mark


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
_GuardedConstructor.add_constructor("tag:yaml.org,2002:int",  # type: ignore[type-var]
                                    _GuardedConstructor.construct_yaml_int)


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_SAFE = _GuardedConstructor()
_SCALARS = {
    tag: _SAFE.yaml_constructors[tag]
    for tag in ("tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
                "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")
}
_MAX_DEPTH = 100


class _Unusual(Exception):
    """The document uses a YAML feature the fast constructor leaves to PyYAML (merge keys, sets, ...)."""


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__("too deep")
        self.mark = mark


def _construct(node: yaml.Node, memo: dict[int, Any], depth: int = 0) -> Any:
    """Plain data from a composed node tree; equivalent to SafeConstructor for what records use.

    Several times faster than PyYAML's generic constructor because it dispatches on the
    node's class and tag directly; anything unusual raises `_Unusual` for the slow path.
    """
    cls = node.__class__
    if cls is yaml.ScalarNode:
        tag = node.tag
        if tag == _STR:
            return node.value
        ctor = _SCALARS.get(tag)
        if ctor is None:
            raise _Unusual(tag)
        try:
            return ctor(_SAFE, node)
        except ValueError:
            # `2025-13-45` looks like a timestamp but is none: keep the text so the schema
            # reports it as a bad date at its own line instead of failing the whole file.
            return node.value
    if depth > _MAX_DEPTH:
        raise _TooDeep(node.start_mark)
    key = id(node)
    if key in memo:
        value = memo[key]
        if value is None:  # an alias to an enclosing node: a recursive structure
            raise _Unusual("recursive alias")
        return value
    memo[key] = None
    if cls is yaml.MappingNode and node.tag == _MAP:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not yaml.ScalarNode or key_node.tag == _MERGE:
                raise _Unusual("complex or merge key")
            out[_construct(key_node, memo, depth + 1)] = _construct(value_node, memo, depth + 1)
        if len(out) != len(node.value):
            _reject_duplicates(_SAFE, node.value)
        memo[key] = out
        return out
    if cls is yaml.SequenceNode and node.tag == _SEQ:
        seq = [_construct(child, memo, depth + 1) for child in node.value]
        memo[key] = seq
        return seq
    raise _Unusual(node.tag)


def _parse(text: str) -> Any:
    """YAML text -> plain data: C composer plus the fast constructor, PyYAML's own as fallback."""
    node = yaml.compose(text, Loader=_Composer)
    if node is None:
        return None
    try:
        return _construct(node, {})
    except _Unusual:
        _check_depth(node)
        return yaml.load(text, Loader=_Loader)


def _check_depth(root: yaml.Node) -> None:
    """Raise `_TooDeep` at the first node nested past the limit (iterative; each node visited once)."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen or isinstance(node, yaml.ScalarNode):
            continue
        seen.add(id(node))
        if depth > _MAX_DEPTH:
            raise _TooDeep(node.start_mark)
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.append((k, depth + 1))
                stack.append((v, depth + 1))
        else:
            stack.extend((child, depth + 1) for child in node.value)


@dataclass
class SourceDoc:
    """One YAML file: its display path, text, parsed data (None when it failed) and problems."""

    path: str
    text: str
    data: Any = None
    problems: list[Problem] = field(default_factory=list)
    _nodes: yaml.Node | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems and isinstance(self.data, dict)

    @property
    def first_line(self) -> str:
        end = self.text.find("\n")
        return self.text if end < 0 else self.text[:end]

    def position(self, loc: tuple[Any, ...] = (), *, key: bool = False) -> Position:
        """Line and column of the value at `loc` (a path of keys and indexes).

        Falls back to the deepest part of the path that exists, so a missing field points
        at the mapping that lacks it. With `key=True` the position of the last key is given
        instead of its value.
        """
        node = self._root()
        if node is None:
            return Position(self.path, 1, 1)
        mark = node.start_mark
        for part in loc:
            child, key_mark = _child(node, part)
            if child is None:
                break
            node = child
            mark = key_mark if (key and key_mark is not None and part == loc[-1]) else child.start_mark
        return Position(self.path, mark.line + 1, mark.column + 1)

    def _root(self) -> yaml.Node | None:
        if self._nodes is None:
            try:
                self._nodes = yaml.compose(self.text, Loader=yaml.CSafeLoader)
            except yaml.YAMLError:
                return None
        return self._nodes


def _child(node: yaml.Node, part: Any) -> tuple[yaml.Node | None, yaml.Mark | None]:
    if isinstance(node, yaml.MappingNode):
        index = _key_index(node)
        found = index.get(str(part))
        if found is not None:
            return found[1], found[0].start_mark
        if not isinstance(part, str) or part == "":
            # A null, number, boolean or date key (`~: x`, `0x1: y`): compare the value it constructs to.
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and _key_value(key_node) == (type(part), part):
                    return value_node, key_node.start_mark
        return None, None
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
        if 0 <= part < len(node.value):
            return node.value[part], None
    return None, None


_INDEXES: dict[int, tuple[yaml.MappingNode, dict[str, tuple[yaml.Node, yaml.Node]]]] = {}


def _key_index(node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """The first key node and value node of each key text, built once per mapping (lookups stay linear overall)."""
    held = _INDEXES.get(id(node))
    if held is not None and held[0] is node:
        return held[1]
    index: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            index.setdefault(key_node.value, (key_node, value_node))
    if len(node.value) > 32:  # small mappings are cheaper to scan than to index
        if len(_INDEXES) > 256:
            _INDEXES.clear()
        _INDEXES[id(node)] = (node, index)
    return index


def _key_value(node: yaml.ScalarNode) -> tuple[type, Any]:
    try:
        value = node.value if node.tag == _STR else _SAFE.construct_object(node)
    except (yaml.YAMLError, _TooLarge, ValueError, TypeError):
        return (type(None), object())
    return (type(value), value)


def decode(path: str, raw: bytes) -> tuple[str | None, list[Problem]]:
    """Bytes -> text: size limit, BOMs, NUL bytes and invalid UTF-8, each a positioned problem."""
    if len(raw) > MAX_FILE_BYTES:
        return None, [error("E012", f"file is larger than the limit of {MAX_FILE_BYTES:,} bytes",
                            Position(path, 1, 1), hint="a record is a few kilobytes; split or trim it")]
    encoding = "utf-8"
    for bom, enc in _BOMS.items():
        if raw.startswith(bom):
            raw, encoding = raw[len(bom):], enc
            break
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, [error("E011", f"not {encoding.upper()}: byte 0x{raw[exc.start]:02x} cannot be decoded",
                            Position(path, line, col), hint="save the file as UTF-8")]
    nul = text.find("\x00")
    if nul >= 0:
        head = text[:nul]
        line = head.count("\n") + 1
        col = nul - (head.rfind("\n") + 1) + 1
        return None, [error("E011", "NUL byte in a text file", Position(path, line, col))]
    return text, []


def load_text(path: str, text: str, raw: bytes | None = None) -> SourceDoc:
    """Parse decoded text; every failure becomes a positioned problem, never an exception."""
    doc = SourceDoc(path, text)
    try:
        data = _parse(text)
    except _DuplicateKey as exc:
        m = exc.problem_mark
        line, col = (m.line + 1, m.column + 1) if m is not None else (1, 1)
        doc.problems.append(error("E002", f"duplicate key {exc.key!r} (first at line {exc.first.line + 1})",
                                  Position(path, line, col)))
        return doc
    except _TooDeep as exc:
        doc.problems.append(error("E014", f"nesting deeper than {_MAX_DEPTH} levels",
                                  Position(path, exc.mark.line + 1, exc.mark.column + 1)))
        return doc
    except _TooLarge as exc:
        doc.problems.append(error("E024", f"value too large: {exc.what}",
                                  Position(path, exc.mark.line + 1, exc.mark.column + 1),
                                  hint="quote it if it is text; records hold no numbers this large"))
        return doc
    except yaml.reader.ReaderError:
        doc.problems.append(_reader_problem(path, text))
        return doc
    except yaml.MarkedYAMLError as exc:
        doc.problems.append(_syntax_problem(path, exc))
        return doc
    except yaml.YAMLError as exc:
        doc.problems.append(error("E001", f"YAML syntax: {exc}", Position(path, 1, 1)))
        return doc
    except (RecursionError, MemoryError, ValueError, TypeError, OverflowError) as exc:
        # Constructors raise these on absurd scalars (e.g. out-of-range timestamps).
        doc.problems.append(error("E001", f"YAML value cannot be read: {exc}", Position(path, 1, 1)))
        return doc
    # Any '&' may be an anchor (YAML also breaks lines at U+0085, U+2028 and U+2029, so no
    # pattern over the text can rule one out); the count is linear in the unique nodes.
    if "&" in text and _expanded_size(data) > MAX_EXPANDED_NODES:
        doc.problems.append(error("E013", f"aliases expand to more than {MAX_EXPANDED_NODES:,} nodes",
                                  Position(path, 1, 1), hint="records do not need YAML anchors and aliases"))
        return doc
    if data is None and (not text.strip() or _only_comments(text)):
        doc.problems.append(error("E015", "file is empty; a record is a mapping of fields", Position(path, 1, 1)))
        return doc
    if not isinstance(data, dict):
        kind = {list: "a list", str: "a single value", type(None): "empty"}.get(type(data), "a single value")
        doc.problems.append(error("E015", f"top level is {kind}; a record is a mapping of fields",
                                  Position(path, 1, 1)))
        return doc
    missing = object()
    bad_key = next((k for k in data if not isinstance(k, str)), missing)
    if bad_key is not missing:
        doc.problems.append(error("E003", f"top-level key {bad_key!r} is not text",
                                  doc.position((bad_key,), key=True)))
        return doc
    doc.data = data
    return doc


def load_bytes(path: str, raw: bytes) -> SourceDoc:
    """Decode and parse one file's bytes."""
    text, problems = decode(path, raw)
    if text is None:
        return SourceDoc(path, "", None, problems)
    return load_text(path, text, raw)


def load_file(path: str, display: str | None = None) -> SourceDoc:
    """Read and parse one file; `display` is the path shown in problems."""
    shown = display or path
    try:
        raw = read_regular(path, MAX_FILE_BYTES)  # one byte more than allowed is enough to refuse it
    except Untrusted as exc:
        return SourceDoc(shown, "", None, [error("E023", f"not read: {exc.reason}; only regular files are read",
                                                 Position(shown, 1, 1))])
    except OSError as exc:
        return SourceDoc(shown, "", None, [error("E011", f"cannot read file: {exc.strerror}", Position(shown, 1, 1))])
    return load_bytes(shown, raw)


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def _reader_problem(path: str, text: str) -> Problem:
    """A character YAML does not allow, at its own line and column (libyaml's reader error has none)."""
    match = _NOT_PRINTABLE.search(text)
    if match is None:
        return error("E001", "YAML syntax: a character that YAML does not allow", Position(path, 1, 1))
    before = text[:match.start()]
    line = before.count("\n") + 1
    col = match.start() - (before.rfind("\n") + 1) + 1
    return error("E001", f"YAML syntax: character U+{ord(match.group()):04X} is not allowed in YAML",
                 Position(path, line, col), hint="remove the control character")


def _syntax_problem(path: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = " ".join(x for x in (exc.context, exc.problem) if x)
    if "maximum nesting depth" in what:
        return error("E014", "nesting deeper than the limit", Position(path, line, col))
    if "'\\t'" in what or "\\t" in what:
        what += " (YAML does not allow tabs for indentation; use spaces)"
    return error("E001", f"YAML syntax: {what}", Position(path, line, col))


def _expanded_size(data: Any, limit: int = MAX_EXPANDED_NODES) -> int:
    """Node count of `data` with every shared (aliased) object counted each time it appears.

    Memoised on object identity, so it is linear in the unique objects even for a
    billion-laughs document; it stops counting once past `limit`.
    """
    memo: dict[int, int] = {}

    def size(obj: Any, depth: int) -> int:
        if depth > 200:
            return limit + 1
        key = id(obj)
        if key in memo:
            return memo[key]
        if isinstance(obj, dict):
            total = 1 + sum(size(k, depth + 1) + size(v, depth + 1) for k, v in obj.items())
        elif isinstance(obj, list):
            total = 1 + sum(size(v, depth + 1) for v in obj)
        else:
            return 1
        total = min(total, limit + 1)
        memo[key] = total
        return total

    return size(data, 0)
