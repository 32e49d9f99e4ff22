"""Consistent multi-file edits of a knowledge base (supersede, renumber), written all-or-nothing.

Edits are exact line edits, so every comment, key order and formatting choice of the
author survives; each edited file is parsed again and checked before anything is written.
A plan is written by `core.fileio.Transaction`: all files or none, even when killed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field

from archkb.core.catalog import Catalog
from archkb.core.errors import ArchkbError
from archkb.core.fileio import Transaction
from archkb.core.yaml_source import load_bytes
from archkb.models.common import ADR_ID_RE, SLUG_ID_RE


@dataclass
class Plan:
    """Files to write (path -> new text) and files to remove, all relative to `root`."""

    root: str
    writes: dict[str, str] = field(default_factory=dict)
    removes: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        lines = [f"wrote {p}" for p in sorted(self.writes)]
        return lines + [f"removed {p}" for p in sorted(self.removes)]


def _check_parse(path: str, text: str) -> dict:
    doc = load_bytes(path, text.encode("utf-8"))
    if not doc.ok or not isinstance(doc.data, dict):
        raise ArchkbError(f"{path}: the edited file does not parse", doc.problems)
    return doc.data


def _require_clean(catalog: Catalog) -> None:
    bad = [e.path for e in catalog.entries if e.record is None]
    if bad:
        raise ArchkbError(f"refusing to edit: unparseable or invalid record file(s): {', '.join(sorted(bad))}")


def set_status(text: str, status: str) -> str:
    """Replace the top-level `status:` value, keeping any trailing comment."""
    new, n = re.subn(r"(?m)^(status:[ \t]*)([^#\n]*?)([ \t]*(#.*)?)$", lambda m: m.group(1) + status + m.group(3),
                     text, count=1)
    if n != 1:
        raise ArchkbError("no top-level status: line")
    return new


def set_date(text: str, day: dt.date) -> str:
    """Replace the top-level `date:` value (when the status last changed), keeping any trailing comment."""
    new, n = re.subn(r"(?m)^(date:[ \t]*)([^#\n]*?)([ \t]*(#.*)?)$", lambda m: m.group(1) + day.isoformat() + m.group(3),
                     text, count=1)
    if n == 1:
        return new
    # An undated record (an import whose source gave no date) gets its date after the status line.
    new, n = re.subn(r"(?m)^(status:[^\n]*\n)", lambda m: m.group(1) + f"date: {day.isoformat()}\n", text, count=1)
    if n != 1:
        raise ArchkbError("no top-level date: or status: line")
    return new


def today() -> dt.date:
    """The edit date: ARCHKB_TODAY when set (reproducible tests), else today."""
    override = os.environ.get("ARCHKB_TODAY")
    return dt.date.fromisoformat(override) if override else dt.date.today()


def add_link(text: str, link_type: str, target: str) -> str:
    """Append `{type, target}` to the top-level `links:` list, creating it when absent."""
    item = f"{{type: {link_type}, target: {target}}}"
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        m = re.match(r"^links:[ \t]*(\[\s*\])?[ \t]*(#.*)?$", line.rstrip("\n"))
        if not m:
            continue
        if m.group(1):
            lines[i] = f"links:\n  - {item}\n"
            return "".join(lines)
        end, indent = i + 1, None
        while end < len(lines):
            s = lines[end]
            if s.strip() and not s.startswith((" ", "\t", "-", "#")):
                break
            if indent is None and s.lstrip().startswith("- "):
                indent = s[: len(s) - len(s.lstrip())]
            end += 1
        while end > i + 1 and not lines[end - 1].strip():
            end -= 1
        if lines[end - 1] and not lines[end - 1].endswith("\n"):
            lines[end - 1] += "\n"
        lines.insert(end, f"{indent if indent is not None else '  '}- {item}\n")
        return "".join(lines)
    if any(re.match(r"^links:", ln) for ln in lines):
        raise ArchkbError("links: is written in a form this tool does not edit (flow style); edit it by hand")
    sep = "" if text.endswith("\n") or not text else "\n"
    return f"{text}{sep}links:\n  - {item}\n"


def plan_supersede(catalog: Catalog, old: str, new: str, on: dt.date | None = None) -> Plan:
    """NEW states `supersedes: OLD`; OLD's status becomes superseded and its `date` (status last changed)
    becomes `on` (default: today), so the site and the checks date the change correctly."""
    _require_clean(catalog)
    eo, en = catalog.entry(old), catalog.entry(new)
    if eo is None or en is None:
        raise ArchkbError(f"no record {old if eo is None else new!r}")
    if eo.kind.name != "decision" or en.kind.name != "decision":
        raise ArchkbError("supersede works on decisions (ADRs)")
    if old == new:
        raise ArchkbError("a decision cannot supersede itself")
    plan = Plan(catalog.root)
    links = [(lk.type.value if hasattr(lk.type, "value") else lk.type, lk.target) for lk in en.record.links]
    text_new = en.doc().text
    if ("supersedes", old) not in links:
        text_new = add_link(text_new, "supersedes", old)
        data = _check_parse(en.path, text_new)
        if {"type": "supersedes", "target": old} not in (data.get("links") or []):
            raise ArchkbError(f"{en.path}: could not add the link safely; edit it by hand")
        plan.writes[en.path] = text_new
    day = on or today()
    text_old = set_status(eo.doc().text, "superseded")
    if getattr(eo.record, "decided", None) is None and eo.record.date is not None \
            and eo.record.status.value != "proposed":
        # The old `date` was when it was decided; keep that as `decided` before `date` moves to today.
        text_old = re.sub(r"(?m)^(date:[^\n]*\n)", lambda m: m.group(1) + f"decided: {eo.record.date.isoformat()}\n",
                          text_old, count=1)
    text_old = set_date(text_old, day)
    parsed = _check_parse(eo.path, text_old)
    if str(parsed.get("date")) != day.isoformat():
        raise ArchkbError(f"{eo.path}: could not set the date safely; edit it by hand")
    if parsed.get("status") != "superseded":
        raise ArchkbError(f"{eo.path}: could not set the status safely; edit it by hand")
    plan.writes[eo.path] = text_old
    return plan


def _id_pattern(rid: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(rid)}(?![\w])")


def plan_renumber(catalog: Catalog, rid: str, to: str) -> Plan:
    """Give record `rid` the id `to`: its id line, its file name and every reference in the KB."""
    _require_clean(catalog)
    entry = catalog.entry(rid)
    if entry is None:
        raise ArchkbError(f"no record {rid!r}")
    form = ADR_ID_RE if entry.kind.name == "decision" else SLUG_ID_RE
    if not form.match(to) or len(to) > 80:
        raise ArchkbError(f"{to!r} is not a valid {entry.kind.name} id")
    if catalog.entry(to) is not None:
        raise ArchkbError(f"{to} already exists ({catalog.entry(to).path})")  # type: ignore[union-attr]
    folder, name = os.path.split(entry.path)
    if not name.startswith(rid):
        raise ArchkbError(f"{entry.path}: file name does not start with {rid}")
    target = f"{folder}/{to}{name[len(rid):]}"
    if os.path.lexists(os.path.join(catalog.root, target)):
        raise ArchkbError(f"refusing to overwrite {target}")
    pat = _id_pattern(rid)
    plan = Plan(catalog.root)
    for e in catalog.entries:
        text = e.doc().text
        new = pat.sub(to, text)
        if new == text:
            continue
        data = _check_parse(e.path, new)
        if e is entry and data.get("id") != to:
            raise ArchkbError(f"{e.path}: could not change the id safely")
        plan.writes[target if e is entry else e.path] = new
    plan.writes.setdefault(target, entry.doc().text)
    plan.removes.append(entry.path)
    return plan


def apply(plan: Plan) -> list[str]:
    """Write every file of the plan, or none (through the one writer); returns the paths changed."""
    txn = Transaction(plan.root)
    for rel, text in sorted(plan.writes.items()):
        if os.path.lexists(os.path.join(plan.root, rel)):
            txn.replace(rel, text)
        else:
            txn.create(rel, text)
    for rel in sorted(plan.removes):
        if rel not in plan.writes:
            txn.remove(rel)
    return txn.commit()
