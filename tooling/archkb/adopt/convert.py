"""Turn a folder of Markdown ADRs into Decision records: ids, fields, merged links and a report.

Policies (also in docs/reference/import.md): ids come from the number in the file (or
folder) name, else are assigned in date order after the highest number; duplicates get the
next free number. Sections map by heading; anything unmapped, or too long for a list
field, is kept verbatim in `sections`, never dropped. Supersession and amendment are read
from every line that states them (status lines, link sections, prose, front matter),
resolved to records, and stated once on the newer record; partial supersession becomes
`amends`. Statuses map to the enum with the wording kept in `provenance`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from archkb.adopt.dates import import_date
from archkb.adopt.markdown_adr import MD_LINK, ParsedAdr, parse
from archkb.adopt.normalise import (
    DEFAULT_STATUS,
    date_from_name,
    map_status,
    normalise_date,
    number_from_name,
)
from archkb.adopt.options import intro_and_list, name_and_summary, option_by_number
from archkb.adopt.references import source_number
from archkb.adopt.titles import import_title
from archkb.core.trusted import Untrusted, read_inside

NON_RECORD_NAMES = {"readme", "index", "toc", "_sidebar", "summary", "changelog", "contributing", "license"}
LINE_MAX = 500
FORMATS = ("auto", "adr-tools", "madr", "log4brains")


@dataclass
class FileReport:
    """What happened to one source file."""

    path: str
    id: str | None = None
    skipped: str | None = None
    mapped: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    """Records ready to validate and write, keyed by id, with the source file of each and a report."""

    records: dict[str, dict[str, Any]]
    sources: dict[str, str]
    reports: list[FileReport]
    format: str


def find_markdown(src: str) -> list[str]:
    """Markdown files under `src` (two levels deep: one folder per decision is common), sorted."""
    out = []
    for folder, dirs, names in os.walk(src):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("node_modules", "assets", "images"))
        depth = os.path.relpath(folder, src).count(os.sep) + (0 if folder == src else 1)
        if depth > 1:
            dirs[:] = []
        for name in sorted(names):
            if name.lower().endswith((".md", ".markdown")):
                out.append(os.path.relpath(os.path.join(folder, name), src).replace(os.sep, "/"))
    return sorted(out)


def non_record_reason(rel: str, parsed: ParsedAdr, text: str) -> str | None:
    """Why a Markdown file is not a decision record (index, README, template), or None."""
    parts = rel.split("/")
    stem = parts[-1].rsplit(".", 1)[0].lower()
    in_decision_folder = len(parts) > 1 and (number_from_name(parts[-2]) is not None or date_from_name(parts[-2]))
    if re.search(r"(^|[-_ ])template($|[-_ ])", stem) or re.match(r"^(adr|ad)?-?x{3,}", stem):
        return "template"
    if stem in NON_RECORD_NAMES and not in_decision_folder:
        return "index or README"
    links = len(MD_LINK.findall(text))
    if parsed.status is None and links >= 5 and links > len(text) / 400 and number_from_name(parts[-1]) is None:
        return "index (a list of links)"
    if parsed.title and re.search(r"\{[a-z ]+\}|\[short title", parsed.title, re.I):
        return "template (placeholder title)"
    return None


def detect_format(parsed: list[ParsedAdr], names: list[str]) -> str:
    """The folder's dialect, by majority: front-matter status (madr 3/4), date-prefixed names (log4brains),
    `- Status:` bullets (madr 2), otherwise adr-tools / Nygard."""
    votes: dict[str, int] = {}
    for p, name in zip(parsed, names, strict=True):
        if "status" in {str(k).lower() for k in p.front_matter}:
            fmt = "madr"
        elif date_from_name(name.split("/")[-1]):
            fmt = "log4brains"
        elif any(h.lower().startswith(("considered options", "decision drivers", "pros and cons"))
                 for _, h, _ in p.sections):
            fmt = "madr"
        else:
            fmt = "adr-tools"
        votes[fmt] = votes.get(fmt, 0) + 1
    return max(sorted(votes), key=lambda f: votes[f]) if votes else "adr-tools"


def _items(body: str) -> list[str] | None:
    """The top-level list items of a section body, or None when it is prose or an item is too long."""
    items: list[str] = []
    for line in body.splitlines():
        if not line.strip():
            continue
        m = re.match(r"^[*+-]\s+(.*)$", line) or re.match(r"^\d+[.)]\s+(.*)$", line)
        if m:
            items.append(m[1].strip())
        elif line.startswith((" ", "\t")) and items:
            items[-1] += " " + line.strip()
        else:
            return None
    if not items or any(len(i) > LINE_MAX for i in items):
        return None
    return items


def _key(heading: str) -> str:
    return re.sub(r"[^a-z ]", "", heading.lower()).strip()


CONTEXT = ("context", "context and problem statement", "problem statement", "problem", "background", "motivation",
           "context and problem", "issue", "why", "summary")
DECISION = ("decision", "decision outcome", "outcome", "the decision", "resolution")
CONSEQUENCES = ("consequences", "implications")


@dataclass
class _Draft:
    """What the section readers have taken from an ADR so far (None/empty: not seen yet)."""

    title: str
    report: FileReport
    context: str | None = None
    drivers: list[str] = field(default_factory=list)
    options: list[dict[str, Any]] = field(default_factory=list)
    outcome: dict[str, str] | None = None
    consequences: dict[str, list[str]] = field(default_factory=dict)
    confirmation: str | None = None
    kept: list[dict[str, str]] = field(default_factory=list)


SectionReader = Callable[[_Draft, str, str], bool]
"""Takes (draft, section key, body); returns True when it consumed the section."""


def _read_context(d: _Draft, key: str, body: str) -> bool:
    if key not in CONTEXT or d.context is not None:
        return False
    d.context = body
    d.report.mapped.append("context")
    return True


def _read_drivers(d: _Draft, key: str, body: str) -> bool:
    if key not in ("decision drivers", "drivers", "forces") or d.drivers or (items := _items(body)) is None:
        return False
    d.drivers = items
    d.report.mapped.append("drivers")
    return True


def _read_options(d: _Draft, key: str, body: str) -> bool:
    if key not in ("considered options", "options", "options considered", "alternatives") or d.options:
        return False
    items = _items(body)
    if items is not None:
        d.options = [{"title": _option_title(i)} for i in items]
    elif (split := intro_and_list(body, _items)) is not None:
        # Prose, then the options as a list: the options become structured, the prose stays in its place.
        intro, items = split
        d.options = []
        for item in items:
            name, summary = name_and_summary(item)
            d.options.append({"title": _option_title(name), **({"summary": summary} if summary else {})})
        d.kept.append({"title": "Considered options", "body": intro})
    else:
        return False
    d.report.mapped.append("options")
    return True


def _read_outcome(d: _Draft, key: str, body: str) -> bool:
    if key not in DECISION or d.outcome is not None:
        return False
    d.outcome = _outcome(body, d.options, d.title)
    d.report.mapped.append("outcome")
    return True


def _read_consequences(d: _Draft, key: str, body: str) -> bool:
    if key in CONSEQUENCES and not d.consequences and (split := _consequences(body)) is not None:
        d.consequences = split
        d.report.mapped.append("consequences")
        return True
    for names, side in ((("positive consequences", "good consequences"), "positive"),
                        (("negative consequences", "bad consequences"), "negative")):
        if key in names and (items := _items(body)) is not None:
            d.consequences.setdefault(side, []).extend(items)
            return True
    return False


def _read_confirmation(d: _Draft, key: str, body: str) -> bool:
    if key != "confirmation" or d.confirmation is not None:
        return False
    d.confirmation = body
    d.report.mapped.append("confirmation")
    return True


SECTION_READERS: tuple[SectionReader, ...] = (
    _read_context, _read_drivers, _read_options, _read_outcome, _read_consequences, _read_confirmation,
)
"""The section readers, tried in order; a section none consumes is kept verbatim."""


def _status_and_date(rel: str, parsed: ParsedAdr, today: dt.date, report: FileReport) -> tuple[str, dt.date | None]:
    status, understood = map_status(parsed.status)
    if parsed.status is None:
        report.warnings.append(f"no status in the source: imported as '{DEFAULT_STATUS}'")
    elif not understood:
        report.warnings.append(f"status {parsed.status!r} not understood: imported as '{DEFAULT_STATUS}'")
    date, note = import_date(parsed.date, rel)  # never today's date: undated (W011) when nothing can be read
    if note:
        report.warnings.append(note)
    return status, date


def _people(parsed: ParsedAdr) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    front = parsed.front_matter
    for key, names in (("decision_makers", ("decision-makers", "deciders")), ("consulted", ("consulted",)),
                       ("informed", ("informed",))):
        value = next((front[n] for n in names if isinstance(front.get(n), list)), None)
        if isinstance(value, list) and value:
            out[key] = [str(v) for v in value]
    if "decision_makers" not in out and parsed.deciders:
        out["decision_makers"] = [d.strip() for d in re.split(r",|;|\band\b", parsed.deciders) if d.strip()][:20]
    return out


def _read_sections(d: _Draft, parsed: ParsedAdr) -> None:
    pros_cons_level = 0
    for level, heading, raw in parsed.sections[1:]:
        key, body = _key(heading), raw.strip()
        if pros_cons_level and level > pros_cons_level and _option_details(heading, body, d.options):
            continue
        pros_cons_level = 0
        if key == "status":
            if "\n".join(body.splitlines()[1:]).strip():
                d.kept.append({"title": heading, "body": body})
            continue
        if key.startswith("pros and cons"):
            pros_cons_level = level
            d.report.mapped.append("pros and cons")
        if not body:
            continue
        if not any(reader(d, key, body) for reader in SECTION_READERS):
            d.kept.append({"title": heading[:LINE_MAX], "body": body})
            d.report.kept.append(heading)


def _settle_context(d: _Draft, preamble: str) -> None:
    if d.context is None:
        if preamble:
            d.context, preamble = preamble, ""
            d.report.mapped.append("context (from the text before the first heading)")
        else:
            d.context = "(The source has no context section.)"
            d.report.warnings.append("no context section: a placeholder says so")
    if preamble:
        d.kept.insert(0, {"title": "Introduction", "body": preamble})


def _settle_outcome(d: _Draft) -> None:
    if not d.outcome or not d.options:
        return
    titles = [o["title"] for o in d.options]
    chosen = d.outcome.get("chosen")
    numbered = option_by_number(chosen, titles) if chosen else option_by_number(d.outcome["rationale"], titles,
                                                                                  named=True)
    if numbered:  # "Chosen option (3)", "Selected option 2)": the options' own numbering
        d.outcome["chosen"] = numbered
    if not d.outcome.get("chosen"):
        return
    if d.outcome["chosen"] not in titles:
        d.outcome["chosen"] = _match_option(d.outcome["chosen"], d.options) or d.outcome["chosen"]
        if d.outcome["chosen"] not in titles:
            d.options.append({"title": d.outcome["chosen"], "summary": "Named as the chosen option in the source."})


def _tags(parsed: ParsedAdr) -> list[str] | None:
    tags = parsed.front_matter.get("tags")
    if not isinstance(tags, list) and parsed.tags:
        tags = re.split(r"[,;\s]+", parsed.tags)  # log4brains: "space and/or comma separated"
    if isinstance(tags, list):
        return sorted({t for t in (_kebab(str(x)) for x in tags) if t})
    return None


def _provenance(rel: str, parsed: ParsedAdr, fmt: str) -> dict[str, str]:
    return {
        "source_path": rel, "format": fmt,
        **({"original_status": parsed.status[:LINE_MAX]} if parsed.status else {}),
        **({"original_date": parsed.date[:LINE_MAX]} if parsed.date else {}),
        **({"original_title": parsed.title[:LINE_MAX]} if parsed.title else {}),
    }


def build_record(rid: str, rel: str, parsed: ParsedAdr, fmt: str, today: dt.date,
                 report: FileReport) -> dict[str, Any]:
    """One Decision's data (plain dict in model field order) from a parsed ADR."""
    title, title_notes = import_title(parsed.title, rel)
    report.warnings.extend(title_notes)
    status, date = _status_and_date(rel, parsed, today, report)
    record: dict[str, Any] = {"id": rid, "title": title, "status": status, **({"date": date} if date else {}),
                              **_people(parsed)}
    d = _Draft(title, report)
    _read_sections(d, parsed)
    _settle_context(d, _preamble(parsed.sections[0][2]))
    _settle_outcome(d)
    record["context"] = d.context
    optional = {"drivers": d.drivers, "options": d.options, "outcome": d.outcome,
                "consequences": {k: v for k, v in d.consequences.items() if v}, "confirmation": d.confirmation,
                "tags": _tags(parsed), "sections": d.kept}
    record.update({k: v for k, v in optional.items() if v})
    front = parsed.front_matter
    own: dict[str, Any] = front["archkb"] if isinstance(front.get("archkb"), dict) else {}  # type: ignore[assignment]
    record.update({key: own[key] for key in ("category", "review_by", "risks") if own.get(key)})
    if isinstance(own.get("links"), list):
        record["links"] = [dict(link) for link in own["links"] if isinstance(link, dict)]
    record["provenance"] = dict(own["provenance"]) if isinstance(own.get("provenance"), dict) \
        else _provenance(rel, parsed, fmt)
    return _ordered(record)


def _ordered(record: dict[str, Any]) -> dict[str, Any]:
    from archkb.models.decision import Decision

    return {k: record[k] for k in Decision.model_fields if k in record}


def _preamble(body: str) -> str:
    lines = [ln for ln in body.splitlines()
             if not re.match(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?(status|date|deciders|decision[- ]makers|technical story|"
                             r"consulted|informed|author|tags|updates)\b", ln, re.I)
             and not re.match(r"^\s*\|", ln)]
    return "\n".join(lines).strip()


def _option_title(item: str) -> str:
    text = MD_LINK.sub(r"\1", item)
    text = re.sub(r"[*_`]", "", text).strip()
    return text[:LINE_MAX] or "Option"


def _match_option(chosen: str, options: list[dict[str, Any]]) -> str | None:
    low = chosen.lower()
    for o in options:
        t = o["title"].lower()
        if t == low or t.startswith(low) or low.startswith(t):
            return str(o["title"])
    return None


def _outcome(body: str, options: list[dict[str, Any]], title: str) -> dict[str, str]:
    bare = re.match(r'^Chosen option: "([^"\n]+)"\n\n(.+)$', body, re.S)
    if bare:
        return {"chosen": bare[1], "rationale": bare[2].strip()}
    m = re.search(r"chosen option:?\s*\"?\**\"?([^\"*,\n]+?)\"?\**\"?(?:,|\s+because|\n|$)", body, re.I)
    if m:
        chosen = _option_title(m[1].strip().strip('"“”'))
        return {"chosen": chosen, "rationale": body}
    # adr-tools / Nygard: the section states the decision; there is no option to name (never the title).
    return {"rationale": body}


def _option_details(heading: str, body: str, options: list[dict[str, Any]]) -> bool:
    title = _option_title(heading)
    pros: list[str] = []
    cons: list[str] = []
    neutral: list[str] = []
    rest: list[str] = []
    paragraphs = [ln for ln in body.split("\n\n") if ln.strip()]
    if paragraphs and _items(paragraphs[0]) is None and len(paragraphs) > 1:
        rest.append(paragraphs[0].strip())
        body = "\n\n".join(paragraphs[1:])
    for item in _items(body) or []:
        low = item.lower()
        text = re.sub(r"^(good|bad|neutral),?\s*(because)?\s*", "", item, flags=re.I).strip() or item
        (pros if low.startswith("good") else cons if low.startswith("bad") else
         neutral if low.startswith("neutral") else rest).append(text)
    if not (pros or cons or neutral):
        return False
    option = next((o for o in options if o["title"] == title), None) or next(
        (o for o in options if _match_option(title, [o])), None)
    if option is None:
        option = {"title": title}
        options.append(option)
    if rest:
        option["summary"] = "\n".join(rest)
    for key, values in (("pros", pros), ("cons", cons), ("neutral", neutral)):
        if values:
            option[key] = values
    return True


def _consequences(body: str) -> dict[str, list[str]] | None:
    items = _items(body)
    if items is None:
        return None
    out: dict[str, list[str]] = {"positive": [], "negative": [], "neutral": []}
    for item in items:
        low = item.lower()
        text = re.sub(r"^(good|bad|neutral|positive|negative),?\s*(because)?\s*", "", item, flags=re.I).strip() or item
        key = "positive" if low.startswith(("good", "positive")) else "negative" if low.startswith(
            ("bad", "negative")) else "neutral"
        out[key].append(text)
    return out


def _kebab(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48].strip("-")


def assign_ids(entries: list[tuple[str, ParsedAdr]], offset: int = 0) -> dict[str, str]:
    """Source path -> `ADR-NNNN`: the file's number (plus `offset`), else the next free number in date order."""
    ids: dict[str, str] = {}
    taken: set[int] = set()
    later: list[tuple[str, str]] = []
    for rel, parsed in entries:
        parts = rel.split("/")
        number = number_from_name(parts[-1])
        if number is None and len(parts) > 1:
            number = number_from_name(parts[-2])
        if number is None or number + offset in taken:
            date = normalise_date(parsed.date) or date_from_name(parts[-1]) or date_from_name(parts[0])
            later.append((date.isoformat() if date else "9999", rel))
            continue
        taken.add(number + offset)
        ids[rel] = f"ADR-{number + offset:04d}"
    nxt = max(taken, default=offset) + 1 if taken else max(offset, 1)
    for _, rel in sorted(later):
        while nxt in taken:
            nxt += 1
        taken.add(nxt)
        ids[rel] = f"ADR-{nxt:04d}"
    return ids


@dataclass
class _Index:
    """Imported records by file name, by folder name (one ADR per folder) and by number."""

    by_base: dict[str, str]
    by_folder: dict[str, str]
    by_number: dict[int, str]

    @classmethod
    def of(cls, ids: dict[str, str]) -> _Index:
        by_number: dict[int, str] = {}
        for rel, rid in ids.items():
            n = source_number(rel)
            if n is not None:
                by_number.setdefault(n, rid)
        return cls({rel.split("/")[-1].lower(): rid for rel, rid in ids.items()},
                   {rel.split("/")[-2].lower(): rid for rel, rid in ids.items() if "/" in rel}, by_number)

    def file(self, name: str) -> str | None:
        base = name.split("#")[0].rstrip("/").split("/")[-1].lower()
        target = self.by_base.get(base) or self.by_folder.get(base)
        if target is None and (n := number_from_name(base)) is not None:
            target = self.by_number.get(n)
        return target


def _statement_targets(st: Any, index: _Index, report: FileReport) -> list[str]:
    targets = []
    for f in st.files:
        target = index.file(f)
        if target:
            targets.append(target)
        elif f.split("#")[0].rstrip("/").lower().endswith(".md"):
            report.warnings.append(f"line {st.line}: link target {f!r} is not a record here; dropped")
    return targets or [index.by_number[n] for n in st.numbers if n in index.by_number]


def _stated_links(rid: str, p: ParsedAdr, index: _Index, report: FileReport) -> set[tuple[str, str, str]]:
    """(newer, type, older) for every relation statement of one file."""
    out: set[tuple[str, str, str]] = set()
    # "Partly superseded" in the status makes every "superseded by" in the file partial.
    partly = bool(p.status and re.search(r"\b(partly|partially|in part)\b", p.status, re.I))
    for st in p.statements:
        for target in _statement_targets(st, index, report):
            if target == rid:
                continue
            newer, older = (target, rid) if st.relation in ("superseded_by", "amended_by") else (rid, target)
            partial = st.partial or (partly and st.relation == "superseded_by")
            kind = "amends" if partial or st.relation in ("amends", "amended_by") else "supersedes"
            out.add((newer, kind, older))
    return out


def _state_once(records: dict[str, dict[str, Any]], links: set[tuple[str, str, str]]) -> None:
    # A pair stated both ways round: keep the direction where the later record is the newer one.
    for newer, kind, older in sorted(links):
        if (older, kind, newer) in links and newer < older:
            links.discard((newer, kind, older))
    for newer, kind, older in sorted(links):
        if kind == "amends" and (newer, "supersedes", older) in links:
            continue
        records[newer].setdefault("links", []).append({"type": kind, "target": older})
    for rec in records.values():
        if "links" in rec:
            unique = {(link["type"], link["target"]): link for link in rec["links"] if link.get("target") in records}
            rec["links"] = [unique[k] for k in sorted(unique)]
            if not rec["links"]:
                del rec["links"]


def resolve_links(records: dict[str, dict[str, Any]], parsed: dict[str, ParsedAdr], ids: dict[str, str],
                  reports: dict[str, FileReport]) -> None:
    """Read every relation statement, resolve its targets and state each link once on the newer record."""
    index = _Index.of(ids)
    links: set[tuple[str, str, str]] = set()
    for rel, p in parsed.items():
        links |= _stated_links(ids[rel], p, index, reports[rel])
    _state_once(records, links)


def reconcile_statuses(records: dict[str, dict[str, Any]], sources: dict[str, str],
                       reports: dict[str, FileReport]) -> None:
    """Make status and supersession agree, as `archkb check` requires, and say so in the report."""
    superseded_by: dict[str, list[str]] = {}
    for rid, rec in records.items():
        for link in rec.get("links", []):
            if link["type"] == "supersedes":
                superseded_by.setdefault(link["target"], []).append(rid)
    for rid, rec in records.items():
        report = reports[sources[rid]]
        succ = superseded_by.get(rid, [])
        if rec["status"] == "superseded" and not succ:
            rec["status"] = "deprecated"
            report.warnings.append("says superseded but names no record here that supersedes it: imported as "
                                   "'deprecated' (the wording is kept in provenance)")
        elif succ and rec["status"] in ("accepted", "proposed") and any(
                records[s]["status"] == "accepted" for s in succ):
            report.warnings.append(f"status {rec['status']!r} but superseded by {', '.join(sorted(succ))}: "
                                   "imported as 'superseded'")
            rec["status"] = "superseded"


def import_folder(src: str, *, fmt: str = "auto", today: dt.date | None = None, offset: int = 0) -> ImportResult:
    """Parse every Markdown ADR under `src` into Decision data; nothing is written here."""
    today = today or dt.date.today()
    reports: dict[str, FileReport] = {}
    parsed: dict[str, ParsedAdr] = {}
    for rel in find_markdown(src):
        report = reports[rel] = FileReport(rel)
        try:  # the one reading policy: regular files inside the source, no symlinks, no FIFOs
            text = read_inside(src, rel, 2_000_000)[:2_000_000].decode("utf-8-sig", errors="replace")
        except Untrusted as exc:
            report.skipped = f"not read: {exc.reason}"
            continue
        except OSError as exc:
            report.skipped = f"cannot read: {exc.strerror}"
            continue
        p = parse(text)
        reason = non_record_reason(rel, p, text)
        if reason:
            report.skipped = reason
            continue
        parsed[rel] = p
    names = sorted(parsed)
    detected = detect_format([parsed[n] for n in names], names) if fmt == "auto" else fmt
    ids = assign_ids([(n, parsed[n]) for n in names], offset)
    records: dict[str, dict[str, Any]] = {}
    sources: dict[str, str] = {}
    for rel in names:
        rid = ids[rel]
        reports[rel].id = rid
        number = number_from_name(rel.split("/")[-1])
        if number is not None and f"ADR-{number + offset:04d}" != rid:
            reports[rel].warnings.append(f"number {number} is used by another file: imported as {rid}")
        records[rid] = build_record(rid, rel, parsed[rel], detected, today, reports[rel])
        sources[rid] = rel
    resolve_links(records, parsed, ids, reports)
    reconcile_statuses(records, sources, reports)
    return ImportResult(records, sources, [reports[r] for r in sorted(reports)], detected)
