"""The read answers of the MCP server: search, records and links, impact, checks, reviews and risks as plain data.

Every function takes a `KnowledgeBase` from the public API and returns JSON-ready dicts,
sorted, so the same KB always gives the same answer. Ids from the client are untrusted:
`checked_id` refuses anything that is not an id form (`ADR-0007`, `kebab-case`) before it
is used at all. Superseded, deprecated, rejected and retired records carry `current: false`
and what replaces them, so an assistant does not take them for the policy in force.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from typing import Any

import yaml

from archkb.api import KnowledgeBase
from archkb.core.errors import NotFound, UsageError
from archkb.core.graph import successors_of_type
from archkb.core.kinds import KINDS
from archkb.models.common import ADR_ID_RE, INVERSE, SLUG_ID_RE
from archkb.models.decision import Decision
from archkb.site.markdown import page_url

NOT_CURRENT = frozenset({"superseded", "deprecated", "rejected", "retired"})
"""Statuses of records that are no longer (or never were) policy in force."""

SUMMARY_MAX = 280
MKDOCS_MAX_BYTES = 1_000_000

# Search weights: a query token found in the title counts most, then a tag, the summary, the rest.
W_ID, W_TITLE, W_TAG, W_SUMMARY, W_BODY = 100, 5, 4, 2, 1

_TOKEN = re.compile(r"[a-z0-9]+")
# Words too common to rank by; a query of only these still finds an exact id.
STOPWORDS = frozenset("a an and are as at be by do does for from how in is it no not of on or our the to we what "
                      "when which who why with".split())


def today() -> dt.date:
    """The check date: ARCHKB_TODAY when set (reproducible tests), else today."""
    override = os.environ.get("ARCHKB_TODAY")
    return dt.date.fromisoformat(override) if override else dt.date.today()


def checked_id(value: object, what: str = "record id") -> str:
    """`value` when it has a record id form; `UsageError` otherwise (never a path, never used unchecked)."""
    if isinstance(value, str) and len(value) <= 80 and (ADR_ID_RE.match(value) or SLUG_ID_RE.match(value)):
        return value
    shown = repr(value)[:100]
    raise UsageError(f"refused: {shown} is not a {what} (an ADR id such as ADR-0007, or a kebab-case id "
                     "such as feature-store)")


def _value(v: Any) -> Any:
    return getattr(v, "value", v)


def _first_sentence(text: str | None) -> str:
    if not text:
        return ""
    flat = " ".join(text.split())
    m = re.search(r"(?<=[.!?])\s", flat)
    out = flat[: m.start()] if m else flat
    return out if len(out) <= SUMMARY_MAX else out[: SUMMARY_MAX - 1].rstrip() + "…"


def summary_of(rec: Any) -> str:
    """A record's one-line summary: a pattern's summary, else the first sentence of its main text."""
    for attr in ("summary", "context", "statement", "description"):
        value = getattr(rec, attr, None)
        if isinstance(value, str) and value.strip():
            return _first_sentence(value)
    project = getattr(rec, "project", None)
    return _first_sentence(project.description) if project is not None else ""


def _node(kb: KnowledgeBase, rid: str) -> dict[str, Any]:
    data: dict[str, Any] = kb.graph.nodes[rid]
    return data


def currency(kb: KnowledgeBase, rid: str) -> dict[str, Any]:
    """`current` and, when there are any, the records that supersede or amend `rid` (with a notice)."""
    status = _node(kb, rid).get("status")
    out: dict[str, Any] = {"current": status not in NOT_CURRENT}
    by = successors_of_type(kb.graph, rid, "superseded_by")
    amended = successors_of_type(kb.graph, rid, "amended_by")
    if by:
        out["superseded_by"] = by
    if amended:
        out["amended_by"] = amended
    if not out["current"]:
        tail = f"; see {', '.join(by)}" if by else ""
        out["notice"] = f"{rid} is {status}: not current policy{tail}"
    return out


def brief(kb: KnowledgeBase, rid: str) -> dict[str, Any]:
    """id, kind, status, title, summary and currency of one record."""
    node = _node(kb, rid)
    return {"id": rid, "kind": node["kind"], "status": node.get("status"), "title": node["title"],
            "summary": summary_of(kb.get(rid)), **currency(kb, rid)}


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _tokens(text: str) -> set[str]:
    return set(_TOKEN.findall(text.lower()))


def _hit(token: str, words: set[str]) -> bool:
    return token in words or (len(token) >= 4 and any(w.startswith(token) for w in words))


def _filtered(kb: KnowledgeBase, kind: str | None, status: str | None, tag: str | None,
              category: str | None = None) -> list[Any]:
    records = kb.records(kind)
    return [r for r in records
            if (status is None or _value(getattr(r, "status", None)) == status)
            and (tag is None or tag in (getattr(r, "tags", None) or []))
            and (category is None or getattr(r, "category", None) == category)]


def search(kb: KnowledgeBase, query: str, kind: str | None = None, status: str | None = None,
           tag: str | None = None, limit: int = 20) -> dict[str, Any]:
    """Records ranked by a simple score: the exact id first, then query words in title, tags, summary, body."""
    words = sorted(_tokens(query) - STOPWORDS)
    wanted_id = query.strip()
    scored: list[tuple[int, bool, str]] = []
    for rec in _filtered(kb, kind, status, tag):
        score = W_ID if rec.id.lower() == wanted_id.lower() else 0
        title = _tokens(str(_node(kb, rec.id)["title"]))
        tags = set().union(*(_tokens(t) | {t} for t in (getattr(rec, "tags", None) or [])))
        summary = _tokens(summary_of(rec))
        body = _tokens(" ".join(_strings(rec.model_dump(mode="json", by_alias=True, exclude_none=True))))
        for w in words:
            score += (W_TITLE * _hit(w, title) + W_TAG * _hit(w, tags) + W_SUMMARY * _hit(w, summary)
                      + W_BODY * _hit(w, body))
        if score:
            scored.append((score, _node(kb, rec.id).get("status") in NOT_CURRENT, rec.id))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    limit = max(1, min(limit, 200))
    results = [{**brief(kb, rid), "score": score} for score, _, rid in scored[:limit]]
    return {"query": query, "total": len(scored), "results": results}


def site_base(root: str, kb: KnowledgeBase | None = None) -> tuple[str | None, bool]:
    """(site_url, use_directory_urls) from `archkb.yaml` or `mkdocs.yml`; (None, True) when not set.

    mkdocs.yml may hold `!!python/name:` or `!ENV` tags: they are read as nothing, never run.
    """
    url = getattr(kb.config, "site_url", None) if kb is not None else None
    directory_urls = True
    path = os.path.join(root, "mkdocs.yml")
    if os.path.isfile(path) and not os.path.islink(path):
        data = _read_mkdocs(path)
        url = url or data.get("site_url")
        directory_urls = data.get("use_directory_urls", True) is not False
    if not isinstance(url, str) or not re.match(r"^https?://[^\s]+$", url):
        return None, directory_urls
    return url, directory_urls


class _TaglessLoader(yaml.SafeLoader):
    """Safe YAML that reads any tag it does not know (python objects, !ENV) as null."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_TaglessLoader.add_multi_constructor("", _ignore_tag)


def _read_mkdocs(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MKDOCS_MAX_BYTES + 1)
        if len(raw) > MKDOCS_MAX_BYTES:
            return {}
        data = yaml.load(raw.decode("utf-8"), Loader=_TaglessLoader)  # SafeLoader subclass: tags read as null
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def page_url_of(kb: KnowledgeBase, rid: str) -> str | None:
    """The published page of `rid` when the site's `site_url` is set."""
    base, directory_urls = site_base(kb.root, kb)
    if base is None:
        return None
    folder = KINDS[_node(kb, rid)["kind"]].site_folder
    return f"{base.rstrip('/')}/{page_url(f'{folder}/{rid}.md', directory_urls)}"


def _require(kb: KnowledgeBase, rid: str) -> str:
    rid = checked_id(rid)
    kb.entry(rid)  # NotFound
    if rid not in kb.graph:
        raise NotFound(f"no record {rid!r}")
    return rid


def get_record(kb: KnowledgeBase, rid: str) -> dict[str, Any]:
    """A record's fields, its stated links out and in (with titles), currency, file and page URL."""
    rid = _require(kb, rid)
    entry = kb.entry(rid)
    g = kb.graph
    out_links = sorted(
        ({"type": d["type"], "target": v, "title": g.nodes[v]["title"], "status": g.nodes[v].get("status"),
          **({"note": d["note"]} if d.get("note") else {})}
         for _, v, d in g.out_edges(rid, data=True) if not d["derived"]),
        key=lambda x: (x["type"], x["target"]))
    in_links = sorted(
        ({"type": d["type"], "inverse": INVERSE[d["type"]], "source": u, "title": g.nodes[u]["title"],
          "status": g.nodes[u].get("status")}
         for u, _, d in g.in_edges(rid, data=True) if not d["derived"]),
        key=lambda x: (x["type"], x["source"]))
    out: dict[str, Any] = {**brief(kb, rid), "path": entry.path,
                           "fields": entry.record.model_dump(mode="json", by_alias=True, exclude_none=True),
                           "links_out": out_links, "links_in": in_links}
    url = page_url_of(kb, rid)
    if url:
        out["url"] = url
    return out


def list_records(kb: KnowledgeBase, kind: str | None = None, status: str | None = None, tag: str | None = None,
                 category: str | None = None) -> dict[str, Any]:
    """Every record matching the filters, by id, with kind, status, title, category, tags and currency."""
    rows = []
    for rec in _filtered(kb, kind, status, tag, category):
        b = brief(kb, rec.id)
        b.pop("summary")
        rows.append({**b, "category": getattr(rec, "category", None), "tags": list(getattr(rec, "tags", None) or [])})
    return {"count": len(rows), "records": rows}


def impact_of(kb: KnowledgeBase, rid: str) -> dict[str, Any]:
    """Records a change to `rid` may affect, nearest first, with their distance."""
    rid = _require(kb, rid)
    affected = [{**brief(kb, r), "distance": d} for r, d in kb.impact(rid).items()]
    return {"id": rid, "count": len(affected), "affected": affected}


def chain_of(kb: KnowledgeBase, rid: str) -> dict[str, Any]:
    """`rid`'s supersession history, oldest first, and the record of it now in force."""
    rid = _require(kb, rid)
    chain = [brief(kb, r) for r in kb.supersession_chain(rid)]
    in_force = next((c["id"] for c in reversed(chain) if c["current"]), None)
    return {"id": rid, "chain": chain, "in_force": in_force}


def check(kb: KnowledgeBase) -> dict[str, Any]:
    """Every problem of the KB as `archkb check` reports it: file, line, column, code, severity, message."""
    result = kb.check(today())
    problems = [{"file": p.position.path, "line": p.position.line, "column": p.position.col, "code": p.code,
                 "severity": p.severity.value, "message": p.message, **({"hint": p.hint} if p.hint else {})}
                for p in result.problems]
    return {"errors": result.errors, "warnings": result.warnings, "problems": problems}


def review_checklist(kb: KnowledgeBase, review_id: str) -> dict[str, Any]:
    """The checklist assembled for a review: the checklists chosen and every item with its source."""
    rid = _require(kb, review_id)
    asm = kb.review_checklist(rid)
    return {"review": rid, "checklists": list(asm.checklists), "count": len(asm.items),
            "items": [i.to_json() for i in asm.items], "missing": list(asm.missing)}


def review_score(kb: KnowledgeBase, review_id: str, milestone: str | None = None) -> dict[str, Any]:
    """A review's scorecard at a milestone (default: the latest): counts, high and medium risks, improvement plan."""
    rid = _require(kb, review_id)
    out: dict[str, Any] = kb.review_score(rid, milestone).to_json()
    return out


_LEVEL = {"low": 1, "medium": 2, "high": 3}
_RATING_ORDER = {"high": 0, "medium": 1, "low": 2}


def _rating(score: int) -> str:
    return "high" if score >= 6 else "medium" if score >= 3 else "low"


def risk_register(kb: KnowledgeBase) -> dict[str, Any]:
    """The open risks, ranked: those of current decisions (likelihood x impact) and of reviews (latest milestone).

    A decision's risk is open while the decision is current (proposed or accepted); a review's
    while its latest milestone answers a high or medium item `not_met` or `partial`.
    """
    rows: list[dict[str, Any]] = []
    for rec in kb.records("decision"):
        if not isinstance(rec, Decision) or _value(rec.status) in NOT_CURRENT:
            continue
        for i, risk in enumerate(rec.risks):
            score = _LEVEL[_value(risk.likelihood)] * _LEVEL[_value(risk.impact)]
            rows.append({"rating": _rating(score), "score": score, "source": {
                "kind": "decision", "id": rec.id, "title": rec.title, "status": _value(rec.status)},
                "id": f"{rec.id}/risks[{i}]", "risk": risk.description, "likelihood": _value(risk.likelihood),
                "impact": _value(risk.impact), "mitigation": risk.mitigation})
    for rec in kb.records("review"):
        sc = kb.review_score(rec.id)
        for rating, findings in (("high", sc.high_risks), ("medium", sc.medium_risks)):
            for f in findings:
                j = f.to_json()
                rows.append({"rating": rating, "score": 9 if rating == "high" else 4, "source": {
                    "kind": "review", "id": rec.id, "title": _node(kb, rec.id)["title"], "milestone": sc.milestone},
                    "id": f"{rec.id}:{f.item.qid}", "risk": f.item.text, "severity": f.item.severity,
                    "status": f.status, "owner": j.get("owner"), "due": j.get("due"),
                    "mitigation": j.get("improvement")})
    rows.sort(key=lambda r: (_RATING_ORDER[r["rating"]], -r["score"], r.get("due") or "9999-12-31", r["id"]))
    counts = {k: sum(1 for r in rows if r["rating"] == k) for k in ("high", "medium", "low")}
    return {"count": len(rows), "by_rating": counts, "risks": rows}
