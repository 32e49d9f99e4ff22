"""Export a checklist as an AWS Well-Architected Tool custom lens (JSON, `schemaVersion` 2021-11-01).

Mapping: each checklist section becomes a pillar (split into parts of at most 20
questions), each question a lens question whose choices are the evidence it expects (one
"met" choice when it lists none) plus a `_no` "None of these" choice. Risk rules follow
`archkb.reviews.review`'s scoring: for a high-severity question all evidence selected is no risk,
some is a medium risk and none a high risk; for a medium one anything short of all
evidence is a medium risk; a low one is never a risk. The limits and id rules are those
of the published lens format specification
(https://docs.aws.amazon.com/wellarchitected/latest/userguide/lenses-format-specification.html);
`lens_problems` checks an exported lens against them.
"""

from __future__ import annotations

import json
import re
from typing import Any

SCHEMA_VERSION = "2021-11-01"
MAX_NAME = 128
MAX_TEXT = 2048
MAX_PILLARS = 10
MAX_QUESTIONS = 20
MAX_CHOICES = 15
MAX_RULES = 3
MAX_BYTES = 500 * 1024
"""ImportLens: a custom lens cannot exceed 500 KB."""
ID_RE = re.compile(r"^[A-Za-z0-9_]{3,128}$")
RISKS = ("HIGH_RISK", "MEDIUM_RISK", "NO_RISK")
# Leaves a choice id room for its suffix within 128 characters.
_BASE_MAX = 100


class LensError(ValueError):
    """The checklist cannot be expressed within the lens format's limits."""


def _flat(text: str | None) -> str:
    return " ".join((text or "").split())


def _cut(text: str, limit: int) -> str:
    text = _flat(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def lens_id(slug: str, prefix: str) -> str:
    """A lens id (letters, digits, underscores; 3-128 characters) from a kebab-case slug."""
    out = re.sub(r"[^A-Za-z0-9_]", "_", slug)[:_BASE_MAX]
    return out if len(out) >= 3 else f"{prefix}_{out}"


def _description(q: Any) -> str:
    parts = [_flat(q.text), f"Severity: {q.severity.value}."]
    if q.rationale:
        parts.append(f"Why: {_flat(q.rationale)}")
    if q.maps_to:
        parts.append("Maps to: " + "; ".join(f"{k} {', '.join(v)}" for k, v in sorted(q.maps_to.items())) + ".")
    if q.mitigated_by:
        parts.append("Mitigated by the patterns: " + ", ".join(q.mitigated_by) + ".")
    return _cut(" ".join(parts), MAX_TEXT)


def _choices(q: Any, qid: str) -> list[dict[str, Any]]:
    plan = _flat(q.improvement)
    evidence = [_flat(e) for e in q.evidence if _flat(e)]
    if len(evidence) > MAX_CHOICES - 1:  # keep the "None of these" choice: fold the rest into the last one
        evidence = [*evidence[: MAX_CHOICES - 2], "; ".join(evidence[MAX_CHOICES - 2:])]
    out = []
    if evidence:
        for n, ev in enumerate(evidence, 1):
            out.append({"id": f"{qid}_e{n}", "title": _cut(ev, MAX_NAME),
                        "helpfulResource": {"displayText": _cut(f"Evidence expected: {ev}", MAX_TEXT)},
                        "improvementPlan": {"displayText": _cut(plan or f"Put in place and record: {ev}", MAX_TEXT)}})
    else:
        out.append({"id": f"{qid}_met", "title": _cut(f"Met: {q.text}", MAX_NAME),
                    "improvementPlan": {"displayText": _cut(plan or f"Meet the question: {q.text}", MAX_TEXT)}})
    out.append({"id": f"{qid}_no", "title": "None of these",
                "helpfulResource": {"displayText": "Choose this when none of the evidence above is in place."}})
    return out


def _risk_rules(severity: str, ids: list[str]) -> list[dict[str, str]]:
    every = " && ".join(ids)
    if severity == "low":
        return [{"condition": "default", "risk": "NO_RISK"}]
    rules = [{"condition": every, "risk": "NO_RISK"}]
    if severity == "high":
        if len(ids) > 1:
            rules.append({"condition": " || ".join(ids), "risk": "MEDIUM_RISK"})
        rules.append({"condition": "default", "risk": "HIGH_RISK"})
    else:
        rules.append({"condition": "default", "risk": "MEDIUM_RISK"})
    return rules


def checklist_lens(checklist: Any) -> dict[str, Any]:
    """The custom lens of a checklist; raises LensError when it needs more than 10 pillars."""
    pillars: list[dict[str, Any]] = []
    for section in checklist.sections:
        base = lens_id(section.id, "s")
        chunks = [section.questions[i:i + MAX_QUESTIONS] for i in range(0, len(section.questions), MAX_QUESTIONS)]
        for n, chunk in enumerate(chunks, 1):
            questions = []
            for q in chunk:
                qid = lens_id(q.id, "q")
                choices = _choices(q, qid)
                ids = [c["id"] for c in choices if not c["id"].endswith("_no")]
                question: dict[str, Any] = {"id": qid, "title": _cut(q.text, MAX_NAME),
                                            "description": _description(q)}
                if q.rationale:
                    question["helpfulResource"] = {"displayText": _cut(q.rationale, MAX_TEXT)}
                question["choices"] = choices
                question["riskRules"] = _risk_rules(q.severity.value, ids)
                questions.append(question)
            suffix = f" (part {n})" if len(chunks) > 1 else ""
            pillars.append({"id": base if n == 1 else f"{base}_part{n}",
                            "name": _cut(section.title, MAX_NAME - len(suffix)) + suffix,
                            "questions": questions})
    if len(pillars) > MAX_PILLARS:
        raise LensError(f"checklist {checklist.id!r} needs {len(pillars)} pillars; a custom lens has at most "
                        f"{MAX_PILLARS} (sections of more than {MAX_QUESTIONS} questions are split)")
    description = _cut(f"{_flat(checklist.description)} (archkb checklist {checklist.id}, version "
                       f"{_flat(checklist.version)})", MAX_TEXT)
    lens = {"schemaVersion": SCHEMA_VERSION, "name": _cut(checklist.title, MAX_NAME),
            "description": description, "pillars": pillars}
    problems = lens_problems(lens)
    if problems:
        raise LensError(f"checklist {checklist.id!r} does not fit the lens format: " + "; ".join(problems))
    return lens


def lens_json(lens: dict[str, Any]) -> str:
    """The lens as stable, readable JSON text."""
    return json.dumps(lens, indent=2, ensure_ascii=False) + "\n"


def _text(value: Any, limit: int, where: str, out: list[str], required: bool = True) -> None:
    if value is None and not required:
        return
    if not isinstance(value, str) or not value:
        out.append(f"{where}: missing or not text")
    elif len(value) > limit:
        out.append(f"{where}: {len(value)} characters (limit {limit})")


def _resource(res: Any, where: str, out: list[str]) -> None:
    if not isinstance(res, dict):
        out.append(f"{where}: not an object")
        return
    _text(res.get("displayText"), MAX_TEXT, f"{where}.displayText", out, required="url" in res)
    url = res.get("url")
    if url is not None and not (isinstance(url, str) and url.startswith(("http://", "https://"))):
        out.append(f"{where}.url: must start with http:// or https://")


_TOKEN_RE = re.compile(r"\s*(\(|\)|&&|\|\||!|[A-Za-z0-9_]+)")


def _condition_ids(condition: str) -> list[str] | None:
    """The choice ids a risk-rule condition names; None when it is not a boolean expression of ids."""
    pos, ids, depth = 0, [], 0
    expect_operand = True
    text = condition.rstrip()
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if m is None:
            return None
        tok, pos = m.group(1), m.end()
        if tok == "(" or tok == "!":
            if not expect_operand:
                return None
            depth += tok == "("
        elif tok == ")":
            depth -= 1
            if depth < 0 or expect_operand:
                return None
        elif tok in ("&&", "||"):
            if expect_operand:
                return None
            expect_operand = True
        else:
            if not expect_operand:
                return None
            ids.append(tok)
            expect_operand = False
    return ids if depth == 0 and not expect_operand else None


def _unique_id(value: object, seen: set[str], where: str, out: list[str], scope: str = "") -> None:
    if not isinstance(value, str) or not ID_RE.match(value):
        out.append(f"{where}.id: {value!r} is not 3-128 letters, digits or underscores")
    elif value in seen:
        out.append(f"{where}.id: {value!r} is used twice{scope}")
    seen.add(str(value))


def _count(items: list[Any], limit: int, where: str, out: list[str], *, required: bool = True) -> None:
    if required and not items:
        out.append(f"{where}: empty")
    if len(items) > limit:
        out.append(f"{where}: {len(items)} (limit {limit})")


def _choice_problems(c: dict[str, Any], cw: str, choice_ids: set[str], out: list[str]) -> None:
    cid = c.get("id")
    _unique_id(cid, choice_ids, cw, out, " in the question")
    _text(c.get("title"), MAX_NAME, f"{cw}.title", out)
    if "helpfulResource" in c:
        _resource(c["helpfulResource"], f"{cw}.helpfulResource", out)
    if str(cid).endswith("_no"):
        return
    if "improvementPlan" not in c:
        out.append(f"{cw}.improvementPlan: required for every choice but 'None of these'")
    else:
        _resource(c["improvementPlan"], f"{cw}.improvementPlan", out)
        _text(c["improvementPlan"].get("displayText"), MAX_TEXT, f"{cw}.improvementPlan.displayText", out)


def _rule_problems(rules: list[dict[str, Any]], qw: str, choice_ids: set[str], out: list[str]) -> None:
    _count(rules, MAX_RULES, f"{qw}.riskRules", out, required=False)
    if not any(r.get("condition") == "default" for r in rules):
        out.append(f"{qw}.riskRules: no 'default' rule")
    elif rules[-1].get("condition") != "default":
        out.append(f"{qw}.riskRules: the 'default' rule must come last (the first true condition wins)")
    risks = [r.get("risk") for r in rules]
    if len(set(risks)) != len(risks) and len(rules) > 1:
        out.append(f"{qw}.riskRules: one rule per risk level")
    for m, rule in enumerate(rules):
        rw = f"{qw}.riskRules[{m}]"
        if rule.get("risk") not in RISKS:
            out.append(f"{rw}.risk: {rule.get('risk')!r} is not one of {', '.join(RISKS)}")
        cond = rule.get("condition")
        if cond == "default":
            continue
        ids = _condition_ids(cond) if isinstance(cond, str) else None
        if ids is None:
            out.append(f"{rw}.condition: not a boolean expression of choice ids")
        elif unknown := sorted(set(ids) - choice_ids):
            out.append(f"{rw}.condition: names no choice {', '.join(unknown)}")


def _question_problems(q: dict[str, Any], qw: str, question_ids: set[str], out: list[str]) -> None:
    _unique_id(q.get("id"), question_ids, qw, out)
    _text(q.get("title"), MAX_NAME, f"{qw}.title", out)
    _text(q.get("description"), MAX_TEXT, f"{qw}.description", out, required=False)
    if "helpfulResource" in q:
        _resource(q["helpfulResource"], f"{qw}.helpfulResource", out)
    choices = q.get("choices") or []
    _count(choices, MAX_CHOICES, f"{qw}.choices", out)
    choice_ids: set[str] = set()
    for k, c in enumerate(choices):
        _choice_problems(c, f"{qw}.choices[{k}]", choice_ids, out)
    _rule_problems(q.get("riskRules") or [], qw, choice_ids, out)


def lens_problems(lens: dict[str, Any]) -> list[str]:
    """Every way `lens` breaks the published custom-lens format: fields, limits, id rules, risk rules."""
    out: list[str] = []
    if lens.get("schemaVersion") != SCHEMA_VERSION:
        out.append(f"schemaVersion: must be {SCHEMA_VERSION!r}")
    _text(lens.get("name"), MAX_NAME, "name", out)
    _text(lens.get("description"), MAX_TEXT, "description", out)
    pillars = lens.get("pillars")
    if not isinstance(pillars, list) or not pillars:
        return [*out, "pillars: missing or empty"]
    _count(pillars, MAX_PILLARS, "pillars", out)
    pillar_ids: set[str] = set()
    question_ids: set[str] = set()
    for i, pillar in enumerate(pillars):
        where = f"pillars[{i}]"
        _unique_id(pillar.get("id"), pillar_ids, where, out)
        _text(pillar.get("name"), MAX_NAME, f"{where}.name", out)
        questions = pillar.get("questions") or []
        _count(questions, MAX_QUESTIONS, f"{where}.questions", out)
        for j, q in enumerate(questions):
            _question_problems(q, f"{where}.questions[{j}]", question_ids, out)
    size = len(lens_json(lens).encode("utf-8"))
    if size > MAX_BYTES:
        out.append(f"lens: {size} bytes (limit {MAX_BYTES})")
    return out
