"""Read one Markdown ADR (Nygard/adr-tools, MADR 2/3/4, log4brains and their variants) into its parts.

Nothing is interpreted beyond finding things: the title as written, the status and date
as written (from front matter, a Status section, `- Status:` bullets, `Status:` lines or a
metadata table), the sections by heading, and the lines that state supersession or
amendment with the targets they name. `normalise` and `convert` decide what it means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
FIELD_LINE = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?(status|date|decision[- ]date|last updated|deciders|decision[- ]makers|tags)"
                        r"(?:\*\*|__)?\s*(?::|(?=\s+\d))\s*(?:\*\*|__)?\s*(.*?)\s*$", re.IGNORECASE)
TABLE_ROW = re.compile(r"^\s*\|\s*([^|]+?)\s*\|\s*(.*?)\s*\|\s*$")
MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
ADR_REF = re.compile(r"\b(?:ADR|AD|decision)[\s#_-]*(\d{1,5})\b", re.IGNORECASE)

RELATIONS = [
    # (regex on the line, relation, partial?)
    (re.compile(r"\b(?:partly|partially|in part)\s+superseded\s+by\b", re.I), "superseded_by", True),
    (re.compile(r"\b(?:superseded|superceded|replaced)\s+by\b", re.I), "superseded_by", False),
    (re.compile(r"\b(?:in part supersedes|partially supersedes|partly supersedes|supersedes some aspects of)\b", re.I),
     "supersedes", True),
    (re.compile(r"\bsupersedes\b", re.I), "supersedes", False),
    (re.compile(r"\bamended\s+by\b", re.I), "amended_by", False),
    (re.compile(r"(?:^|[\s*>-])amends\b", re.I), "amends", False),
]


@dataclass
class Statement:
    """One line that states a relation, with the targets it names (file links and record numbers)."""

    relation: str
    partial: bool
    files: list[str]
    numbers: list[int]
    line: int


@dataclass
class ParsedAdr:
    """The parts of one Markdown ADR as written."""

    title: str | None
    title_line: int
    front_matter: dict[str, object]
    status: str | None
    date: str | None
    deciders: str | None
    sections: list[tuple[int, str, str]]
    """(heading level, heading, body) in order; level 0 is the text before the first heading."""
    statements: list[Statement] = field(default_factory=list)
    tags: str | None = None
    """A `Tags: a, b` field line (log4brains, MADR 2), as written."""


class _FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML with dates kept as written: `date: 2024-14-02` is a hand-written mistake to repair, not a crash."""


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp",
                                   lambda loader, node: loader.construct_scalar(node))  # type: ignore[arg-type]


def split_front_matter(text: str) -> tuple[dict[str, object], list[str], int]:
    """YAML front matter (a leading `---` block) and the remaining lines, with the body's first line number."""
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":
        for i in range(1, min(len(lines), 200)):
            if lines[i].strip() in ("---", "..."):
                try:
                    data = yaml.load("\n".join(lines[1:i]), Loader=_FrontMatterLoader)
                except yaml.YAMLError:
                    data = None
                return (data if isinstance(data, dict) else {}), lines[i + 1:], i + 2
    return {}, lines, 1


def _visible(lines: list[str]) -> list[tuple[int, str, bool]]:
    """(index, line, inside a code fence or HTML comment)."""
    out, fenced, comment = [], False, False
    for i, line in enumerate(lines):
        if FENCE.match(line):
            out.append((i, line, True))
            fenced = not fenced
            continue
        if "<!--" in line and "-->" not in line.split("<!--", 1)[1]:
            comment = True
        hidden = fenced or comment
        if comment and "-->" in line:
            comment = False
        out.append((i, line, hidden))
    return out


def _headings(visible: list[tuple[int, str, bool]], first: int) -> tuple[str | None, int, list[tuple[int, str, list[str]]]]:
    """The H1 title (and its line), and the sections under it; text before the first section is section 0."""
    title, title_line = None, 0
    sections: list[tuple[int, str, list[str]]] = [(0, "", [])]
    for i, line, hidden in visible:
        m = HEADING.match(line) if not hidden else None
        if m and len(m[1]) == 1 and title is None:
            title, title_line = m[2].strip(), first + i
        elif m and (title is not None or len(m[1]) <= 2):
            sections.append((len(m[1]), m[2].strip(), []))
        else:
            sections[-1][2].append(line)
    return title, title_line, sections


# Field names as written before the first section -> the field they fill (first one wins).
_FIELD_KEYS = {"status": "status", "deciders": "deciders", "decision makers": "deciders",
               "decision-makers": "deciders", "tags": "tags"}


def _preamble_fields(preamble: list[str], fields: dict[str, str | None]) -> None:
    """Fill unset fields from `Status: x`, `- Date: x`, `**Date:** x` lines and `| Status | x |` rows."""
    for line in preamble:
        m = FIELD_LINE.match(line)
        if not m or not m[2]:
            continue
        key = m[1].lower()
        name = "date" if "date" in key and key != "last updated" else _FIELD_KEYS.get(key)
        if name and fields.get(name) is None:
            fields[name] = m[2]
    for line in preamble:
        m = TABLE_ROW.match(line)
        key = m[1].strip("* ").lower() if m else ""
        if m and key in ("status", "date") and fields.get(key) is None:
            fields[key] = m[2]


def _status_section(sections: list[tuple[int, str, list[str]]]) -> str | None:
    """The first line of a `## Status` section (adr-tools style)."""
    for _, heading, body in sections[1:]:
        if _plain(heading) == "status":
            return next((ln.strip() for ln in body if ln.strip() and not FENCE.match(ln)), None)
    return None


def _text(value: object) -> str | None:
    return str(value).strip() if value is not None and str(value).strip() else None


def parse(text: str) -> ParsedAdr:
    """Find title, status, date, sections and relation statements in one ADR's Markdown."""
    front, lines, first = split_front_matter(text.replace("\r\n", "\n").lstrip("\ufeff"))
    visible = _visible(lines)
    title, title_line, sections = _headings(visible, first)
    if title is None and isinstance(front.get("title"), str):
        title = str(front["title"]).strip()
    fields: dict[str, str | None] = {
        "status": _front(front, "status"), "date": _front(front, "date"),
        "deciders": _front(front, "deciders") or _front(front, "decision-makers"), "tags": None,
    }
    _preamble_fields(sections[0][2], fields)
    if fields["status"] is None:
        fields["status"] = _status_section(sections)
    parsed = ParsedAdr(title, title_line, front, _text(fields["status"]), _text(fields["date"]), fields["deciders"],
                       [(lvl, h, "\n".join(b).strip("\n")) for lvl, h, b in sections])
    parsed.statements = _statements(visible, first, front)
    parsed.tags = fields["tags"]
    return parsed


def _front(front: dict[str, object], key: str) -> str | None:
    for k, v in front.items():
        if str(k).lower().replace("_", "-") == key and v not in (None, ""):
            return str(v)
    return None


def _plain(heading: str) -> str:
    return re.sub(r"[^a-z ]", "", heading.lower()).strip()


def _statements(visible: list[tuple[int, str, bool]], first: int, front: dict[str, object]) -> list[Statement]:
    out: list[Statement] = []
    for i, line, hidden in visible:
        if hidden or re.search(r"\[[^\]]*\|[^\]]*\]", line):  # template option lists: [a | b | c]
            continue
        for pattern, relation, partial in RELATIONS:
            m = pattern.search(line)
            if not m:
                continue
            if re.search(r"\b(?:not|never|nor|or)\s+(?:\w+\s+){0,3}$", line[:m.start()], re.I):
                break  # "does not overlap or supersede", "neither amends"
            tail = line[m.end():]
            files = [t for _, t in MD_LINK.findall(tail)]
            numbers = [int(n) for n in ADR_REF.findall(MD_LINK.sub(" ", tail))]
            if files or numbers:
                out.append(Statement(relation, partial, files, numbers, first + i))
            break
    for key, relation in (("superseded-by", "superseded_by"), ("supersedes", "supersedes"),
                          ("amends", "amends"), ("amended-by", "amended_by")):
        value = _front(front, key)
        if value:
            files = [t for _, t in MD_LINK.findall(value)] or re.findall(r"[\w./-]+\.md\b", value)
            numbers = [int(n) for n in ADR_REF.findall(value)]
            if files or numbers:
                out.append(Statement(relation, False, files, numbers, 1))
    return out
