"""Project reviews: assemble a review's checklist from its profile, score its milestones, check its answers.

Assembly: the applicable questions of the review's checklists (or, when it lists none, of
every checklist with at least one applicable question) + the review questions of the
patterns it uses + one item per adopted decision that states a `confirmation`. Items carry
qualified ids (`CHECKLIST/QUESTION`, `PATTERN/QUESTION`, `ADR-0007/confirmation`) and
their source. `applies_when` is data matched field by field, never evaluated as code.

Scoring (after the AWS Well-Architected Tool's risk levels): a high-severity item not met
is a high risk and one partly met a medium risk; a medium-severity item not met or partly
met is a medium risk; low-severity items are never risks but join the improvement plan.
Unanswered items are counted on their own and are not risks. Each milestone is a full
snapshot: an item it does not answer is unanswered at that milestone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from archkb.core.problems import Problem, error, warning
from archkb.models.decision import Decision
from archkb.models.pattern import Pattern

if TYPE_CHECKING:
    from archkb.core.catalog import Catalog
    from archkb.rules.core import RuleContext

CONFIRMATION = "confirmation"
ADR_SEVERITY = "medium"
"""Severity of an adopted decision's confirmation item: a decision has no severity of its own;
an unconfirmed adoption is a real gap (a medium risk) but not, by itself, a high one."""
DECISIONS_SECTION = "adopted-decisions"
STATUSES = ("met", "partial", "not_met", "not_applicable")
COUNT_KEYS = ("met", "partial", "not_met", "not_applicable", "unanswered")
# Progress order used for "improved" and "regressed"; not_applicable and unanswered are off the scale.
RANK = {"not_met": 0, "partial": 1, "met": 2}


@dataclass(frozen=True)
class Item:
    """One item of an assembled checklist, with its source."""

    qid: str
    """Qualified id: `CHECKLIST/QUESTION`, `PATTERN/QUESTION` or `ADR-0007/confirmation`."""
    kind: str
    """The source record's kind: checklist, pattern or decision."""
    record_id: str
    """The source record's id (the link back)."""
    section: str
    """Scoring section key: `CHECKLIST/SECTION`, the pattern id, or `adopted-decisions`."""
    section_title: str
    question_id: str
    text: str
    severity: str
    rationale: str | None = None
    evidence: tuple[str, ...] = ()
    maps_to: tuple[tuple[str, tuple[str, ...]], ...] = ()
    mitigated_by: tuple[str, ...] = ()
    improvement: str | None = None
    source_path: str = ""
    """The source record's YAML file, relative to the knowledge-base root."""
    scoring: str = "severity"
    """The source checklist's scoring method (`severity` or `ml-test-score`)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.qid, "text": self.text, "severity": self.severity,
            "section": self.section, "section_title": self.section_title,
            "source": {"kind": self.kind, "id": self.record_id, "question": self.question_id,
                       "path": self.source_path},
            "rationale": self.rationale, "evidence": list(self.evidence),
            "maps_to": {k: list(v) for k, v in self.maps_to},
            "mitigated_by": list(self.mitigated_by), "improvement": self.improvement,
        }


@dataclass
class Assembly:
    """A review's assembled checklist: its items in order and the checklists chosen."""

    review_id: str
    items: list[Item]
    checklists: list[str]
    """Checklists the items come from (listed by the review, or chosen by applicability)."""
    missing: list[str] = field(default_factory=list)
    """Records the review names that do not exist (reported by the core rules as E006)."""

    @property
    def by_qid(self) -> dict[str, Item]:
        return {i.qid: i for i in self.items}

    def sections(self) -> list[tuple[str, str]]:
        """(key, title) of each section, in item order."""
        seen: dict[str, str] = {}
        for item in self.items:
            seen.setdefault(item.section, item.section_title)
        return list(seen.items())


def _value(v: Any) -> Any:
    return getattr(v, "value", v)


def applies(applies_when: Any, project: Any) -> bool:
    """Whether a question applies to a project: AND across fields, OR within a field's list, absent = all."""
    if applies_when is None:
        return True
    for name, allowed in applies_when.model_dump(exclude_none=True).items():
        actual = _value(getattr(project, name))
        if isinstance(allowed, bool):
            if actual is not allowed:
                return False
        elif actual not in [_value(a) for a in allowed]:
            return False
    return True


def _path(catalog: Catalog, rid: str) -> str:
    entry = catalog.entry(rid)
    return entry.path if entry else ""


def checklist_items(checklist: Any, project: Any | None, path: str = "") -> list[Item]:
    """The questions of a checklist that apply to `project` (all of them when it is None)."""
    out = []
    for section in checklist.sections:
        for q in section.questions:
            if project is not None and not applies(q.applies_when, project):
                continue
            out.append(Item(
                qid=f"{checklist.id}/{q.id}", kind="checklist", record_id=checklist.id,
                section=f"{checklist.id}/{section.id}", section_title=f"{checklist.title}: {section.title}",
                question_id=q.id, text=q.text, severity=_value(q.severity), rationale=q.rationale,
                evidence=tuple(q.evidence), maps_to=tuple((k, tuple(v)) for k, v in sorted(q.maps_to.items())),
                mitigated_by=tuple(q.mitigated_by), improvement=q.improvement, source_path=path,
                scoring=_value(checklist.scoring)))
    return out


def assemble(review: Any, catalog: Catalog) -> Assembly:
    """The checklist for a review, in a stable order: checklists by id (section, then question
    order), then the patterns' review questions by pattern id, then decisions' confirmations by id."""
    items: list[Item] = []
    missing: list[str] = []
    project = review.project
    chosen: list[str] = []
    if review.checklists:
        for cid in sorted(set(review.checklists)):
            rec = catalog.get(cid)
            if rec is None or catalog.kind_of(cid) != "checklist":
                missing.append(cid)
                continue
            chosen.append(cid)
            items.extend(checklist_items(rec, project, _path(catalog, cid)))
    else:
        for rec in catalog.records("checklist"):
            found = checklist_items(rec, project, _path(catalog, rec.id))
            if found:
                chosen.append(rec.id)
                items.extend(found)
    for pid in sorted(set(review.patterns)):
        rec = catalog.get(pid)
        if not isinstance(rec, Pattern):
            missing.append(pid)
            continue
        for q in rec.review_questions:
            items.append(Item(
                qid=f"{pid}/{q.id}", kind="pattern", record_id=pid, section=pid,
                section_title=f"Pattern: {rec.name}", question_id=q.id, text=q.text,
                severity=_value(q.severity), rationale=q.rationale, source_path=_path(catalog, pid)))
    for did in sorted(set(review.decisions)):
        rec = catalog.get(did)
        if not isinstance(rec, Decision):
            missing.append(did)
            continue
        if not rec.confirmation:
            continue
        items.append(Item(
            qid=f"{did}/{CONFIRMATION}", kind="decision", record_id=did, section=DECISIONS_SECTION,
            section_title="Adopted decisions", question_id=CONFIRMATION,
            text=f"Is the project's compliance with {did} ({rec.title}) confirmed?",
            severity=ADR_SEVERITY, rationale="The project adopts this decision; its confirmation says how "
            "compliance is verified.", evidence=(" ".join(rec.confirmation.split()),),
            source_path=_path(catalog, did)))
    return Assembly(review.id, items, chosen, sorted(missing))


# ---------------------------------------------------------------- scoring


@dataclass
class SectionScore:
    """Counts of one section at one milestone."""

    key: str
    title: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Finding:
    """An item with its answer at a milestone (a risk, a plan entry or a change)."""

    item: Item
    status: str
    """met, partial, not_met, not_applicable or unanswered."""
    answer: Any = None
    before: str | None = None
    """The status at the previous milestone (for changes)."""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.item.qid, "text": self.item.text, "severity": self.item.severity,
                               "section": self.item.section, "status": self.status}
        if self.before is not None:
            out["before"] = self.before
        if self.answer is not None:
            out["owner"] = self.answer.owner
            out["due"] = self.answer.due.isoformat() if self.answer.due else None
            if self.answer.reason:
                out["reason"] = self.answer.reason
        if self.status in ("not_met", "partial"):
            out["improvement"] = self.item.improvement
        return out


@dataclass
class Score:
    """The scorecard of a review at one milestone (or with no milestone: everything unanswered)."""

    review_id: str
    milestone: str | None
    date: dt.date | None
    previous: str | None
    sections: list[SectionScore]
    high_risks: list[Finding]
    medium_risks: list[Finding]
    plan: list[Finding]
    improved: list[Finding]
    regressed: list[Finding]
    new: list[Item]
    """Items no milestone up to this one has answered (new since the previous milestone)."""
    unknown: list[str]
    """Answer keys that are not in the assembled checklist (E201)."""
    ml_test_scores: list[MlTestScore] = field(default_factory=list)
    """The ML Test Score of each checklist that declares `scoring: ml-test-score`."""

    @property
    def totals(self) -> dict[str, int]:
        out = dict.fromkeys(COUNT_KEYS, 0)
        for s in self.sections:
            for k, v in s.counts.items():
                out[k] += v
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "review": self.review_id, "milestone": self.milestone,
            "date": self.date.isoformat() if self.date else None, "previous": self.previous,
            "totals": self.totals,
            "sections": [{"id": s.key, "title": s.title, **s.counts} for s in self.sections],
            "high_risks": [f.to_json() for f in self.high_risks],
            "medium_risks": [f.to_json() for f in self.medium_risks],
            "improvement_plan": [f.to_json() for f in self.plan],
            "improved": [f.to_json() for f in self.improved],
            "regressed": [f.to_json() for f in self.regressed],
            "new": [i.qid for i in self.new], "unknown_answers": self.unknown,
            "ml_test_score": [m.to_json() for m in self.ml_test_scores],
        }


@dataclass
class MlTestSection:
    """One section's ML Test Score points: half a point per test met by hand, one per automated test met."""

    key: str
    title: str
    tests: int
    manual: int
    automated: int

    @property
    def points(self) -> float:
        return self.automated + 0.5 * self.manual


@dataclass
class MlTestScore:
    """The ML Test Score of one checklist at a milestone: the lowest section's points (Breck et al., 2017)."""

    checklist: str
    sections: list[MlTestSection]

    @property
    def final(self) -> float:
        return min((s.points for s in self.sections), default=0.0)

    @property
    def weakest(self) -> list[str]:
        """Titles of the sections whose points are the final score."""
        return [s.title for s in self.sections if s.points == self.final]

    def to_json(self) -> dict[str, Any]:
        return {"checklist": self.checklist, "final": self.final, "weakest": self.weakest,
                "sections": [{"id": s.key, "title": s.title, "tests": s.tests, "manual": s.manual,
                              "automated": s.automated, "points": s.points} for s in self.sections]}


def ml_test_scores(asm: Assembly, milestone: Any | None) -> list[MlTestScore]:
    """The ML Test Score of every checklist in the assembly that declares it.

    A test counts only when its answer is `met`: one point when `automated: true`, half a
    point otherwise (a test run by hand with its results shared; an answer that does not say
    is counted as manual, the cautious reading). Partly met, unmet, not applicable and
    unanswered tests score nothing.
    """
    out: dict[str, dict[str, MlTestSection]] = {}
    for item in asm.items:
        if item.scoring != "ml-test-score":
            continue
        sec = out.setdefault(item.record_id, {}).setdefault(
            item.section, MlTestSection(item.section, item.section_title, 0, 0, 0))
        sec.tests += 1
        status, answer = _status(milestone, item.qid)
        if status == "met":
            if answer.automated:
                sec.automated += 1
            else:
                sec.manual += 1
    return [MlTestScore(cid, list(secs.values())) for cid, secs in sorted(out.items())]


def risk_of(severity: str, status: str) -> str | None:
    """The risk an item carries: 'high', 'medium' or None (see the module docstring)."""
    if severity == "high":
        return {"not_met": "high", "partial": "medium"}.get(status)
    if severity == "medium" and status in ("not_met", "partial"):
        return "medium"
    return None


SEVERITY_WORDS = {"high": "high-severity", "medium": "medium-severity", "low": "low-severity"}
STATUS_WORDS = {"met": "met", "partial": "partly met", "not_met": "not met", "not_applicable": "not applicable",
                "unanswered": "unanswered"}


def risk_reason(severity: str, status: str) -> str:
    """The risk rule spelled out for one item: "high-severity question, partly met: medium risk"."""
    risk = risk_of(severity, status)
    outcome = f"{risk} risk" if risk else ("no risk (joins the improvement plan)"
                                          if status in ("partial", "not_met") else "no risk")
    return f"{SEVERITY_WORDS.get(severity, severity)} question, {STATUS_WORDS.get(status, status)}: {outcome}"


LEGAL_TIER = {"prohibited": "unacceptable", "high_risk_annex_i": "high", "high_risk_annex_iii": "high",
              "transparency": "limited", "minimal": "minimal"}
"""The internal risk tier each EU AI Act classification corresponds to (`not_assessed` has none)."""


def legal_mismatch(project: Any) -> str | None:
    """Why the internal risk tier and the legal classification disagree, in words; None when they agree."""
    legal = _value(getattr(project, "legal_classification", "not_assessed"))
    tier = _value(project.risk_tier)
    if legal == "not_assessed":
        return (f"The internal risk tier is {tier}, but the EU AI Act classification has not been assessed."
                if tier in ("high", "unacceptable") else None)
    if LEGAL_TIER[legal] == tier:
        return None
    return (f"The internal risk tier is {tier}, but the EU AI Act classification is {legal.replace('_', ' ')} "
            f"(which corresponds to the {LEGAL_TIER[legal]} tier). Questions that apply by `legal_classification` "
            "follow the legal view; those that apply by `risk_tier` follow the internal one.")


def overdue(sc: Score, today: dt.date) -> list[Finding]:
    """Improvement-plan entries (not met or partly met) whose due date has passed."""
    return [f for f in sc.plan if f.answer is not None and f.answer.due and f.answer.due < today]


def milestone_index(review: Any, name: str | None) -> int | None:
    """Index of the named milestone (the last one when name is None); None when there is none."""
    if name is None:
        return len(review.milestones) - 1 if review.milestones else None
    for i, m in enumerate(review.milestones):
        if m.name == name:
            return i
    raise KeyError(name)


def _status(milestone: Any | None, qid: str) -> tuple[str, Any]:
    if milestone is None:
        return "unanswered", None
    answer = milestone.answers.get(qid)
    return (_value(answer.status), answer) if answer is not None else ("unanswered", None)


def score(review: Any, catalog: Catalog, milestone: str | None = None,
          assembly: Assembly | None = None) -> Score:
    """Score a review at a milestone (default: the latest); raises KeyError for an unknown milestone name."""
    asm = assembly or assemble(review, catalog)
    idx = milestone_index(review, milestone)
    current = review.milestones[idx] if idx is not None else None
    prev = review.milestones[idx - 1] if idx else None
    counts: dict[str, SectionScore] = {}
    high: list[Finding] = []
    medium: list[Finding] = []
    plan: list[Finding] = []
    improved: list[Finding] = []
    regressed: list[Finding] = []
    for item in asm.items:
        status, answer = _status(current, item.qid)
        sec = counts.setdefault(item.section, SectionScore(item.section, item.section_title,
                                                           dict.fromkeys(COUNT_KEYS, 0)))
        sec.counts[status] += 1
        finding = Finding(item, status, answer)
        risk = risk_of(item.severity, status)
        if risk == "high":
            high.append(finding)
        elif risk == "medium":
            medium.append(finding)
        if status in ("not_met", "partial"):
            plan.append(finding)
        if prev is not None:
            before, _ = _status(prev, item.qid)
            if before in RANK and status in RANK and RANK[before] != RANK[status]:
                change = Finding(item, status, answer, before)
                (improved if RANK[status] > RANK[before] else regressed).append(change)
    answered = set()
    for m in review.milestones[: (idx + 1) if idx is not None else 0]:
        answered.update(m.answers)
    new = [i for i in asm.items if i.qid not in answered] if current is not None else []
    known = asm.by_qid
    unknown = sorted(q for q in (current.answers if current else {}) if q not in known)
    # Plan order: what carries the most risk first, then the earliest due date, then checklist order.
    order = {i.qid: n for n, i in enumerate(asm.items)}
    sev = {"high": 0, "medium": 1, "low": 2}
    plan.sort(key=lambda f: (sev.get(f.item.severity, 3), f.status != "not_met",
                             f.answer.due or dt.date.max, order[f.item.qid]))
    return Score(review.id, current.name if current else None, current.date if current else None,
                 prev.name if prev else None, list(counts.values()), high, medium, plan,
                 improved, regressed, new, unknown, ml_test_scores(asm, current))


def history(review: Any, catalog: Catalog, assembly: Assembly | None = None) -> list[Score]:
    """The score at every milestone, oldest first."""
    asm = assembly or assemble(review, catalog)
    return [score(review, catalog, m.name, asm) for m in _unique_milestones(review)]


def risk_summary(review: Any, catalog: Catalog, today: dt.date | None = None) -> dict[str, Any]:
    """One line of a review index: items, high and medium risks, overdue actions and unanswered items
    at the latest milestone."""
    sc = score(review, catalog)
    return {"milestone": sc.milestone, "date": sc.date, "items": sum(s.total for s in sc.sections),
            "high": len(sc.high_risks), "medium": len(sc.medium_risks), "unanswered": sc.totals["unanswered"],
            "overdue": len(overdue(sc, today or dt.date.today()))}


def verdict(sc: Score, today: dt.date) -> str:
    """The one-line verdict of a milestone: "2 high risks open, 1 action overdue"."""
    def n(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"
    late = len(overdue(sc, today))
    parts = [f"{n(len(sc.high_risks), 'high risk')} open", f"{n(len(sc.medium_risks), 'medium risk')} open"]
    if late:
        parts.append(f"{n(late, 'action')} overdue")
    unanswered = sc.totals["unanswered"]
    if unanswered:
        parts.append(f"{n(unanswered, 'item')} unanswered")
    return ", ".join(parts)


def _unique_milestones(review: Any) -> list[Any]:
    seen: set[str] = set()
    out = []
    for m in review.milestones:
        if m.name not in seen:
            seen.add(m.name)
            out.append(m)
    return out


# ---------------------------------------------------------------- rules


def check_review_answers(ctx: RuleContext) -> Iterable[Problem]:
    """E201 answer to an item not in the assembled checklist; E202 not_applicable without a reason;
    E203 two milestones with one name; W201 not-met item past its due date; W202 new questions;
    W203 an earlier answer missing from the latest milestone; W204 a high risk without owner or due date."""
    catalog = ctx.catalog
    for review in catalog.records("review"):
        entry = ctx.entry(review.id)
        asm = assemble(review, catalog)
        known = asm.by_qid
        missing = set(asm.missing)
        names: dict[str, int] = {}
        for i, m in enumerate(review.milestones):
            if m.name in names:
                yield error("E203", f"milestones[{i}]: milestone name {m.name!r} is also used by "
                            f"milestones[{names[m.name]}]", entry.position(("milestones", i, "name")))
            names.setdefault(m.name, i)
            for qid, answer in m.answers.items():
                loc = ("milestones", i, "answers", qid)
                if qid not in known:
                    if qid.split("/", 1)[0] in missing:
                        continue  # the record itself is missing: E006 already says so
                    yield error("E201", f"milestones[{i}] ({m.name}): {qid!r} is not in the review's assembled "
                                "checklist", entry.position(loc, key=True), hint=_hint_unknown(qid, asm, catalog))
                status = _value(answer.status)
                if status == "not_applicable" and not (answer.reason or "").strip():
                    yield error("E202", f"milestones[{i}] ({m.name}): {qid} is not_applicable without a reason",
                                entry.position((*loc, "status")), hint="add `reason:` saying why it does not apply")
        if not review.milestones:
            continue
        last_i = len(review.milestones) - 1
        last = review.milestones[last_i]
        for qid, answer in sorted(last.answers.items()):
            if qid in known and _value(answer.status) == "not_met" and answer.due and answer.due < ctx.today:
                yield warning("W201", f"milestones[{last_i}] ({last.name}): {qid} is not met and was due "
                              f"{answer.due.isoformat()}", entry.position(("milestones", last_i, "answers", qid, "due")),
                              hint="record progress at a new milestone, or agree a new due date")
        yield from carry_and_owner_warnings(review, entry, known)
        answered: set[str] = set()
        for m in review.milestones:
            answered.update(m.answers)
        new = [i.qid for i in asm.items if i.qid not in answered]
        if new:
            shown = ", ".join(new[:10]) + (f" and {len(new) - 10} more" if len(new) > 10 else "")
            yield warning("W202", f"{len(new)} question(s) of the assembled checklist have no answer at any "
                          f"milestone (new since {last.name!r}): {shown}",
                          entry.position(("milestones", last_i, "name")),
                          hint=f"answer them at the next milestone (archkb review checklist {review.id})")


def carry_and_owner_warnings(review: Any, entry: Any, known: dict[str, Item]) -> Iterable[Problem]:
    """W203 an item answered earlier but missing from the latest milestone (answers are snapshots, so it
    silently became unanswered); W204 a high-severity item not met at the latest milestone without owner or date."""
    last_i = len(review.milestones) - 1
    last = review.milestones[last_i]
    earlier: dict[str, tuple[str, str]] = {}
    for m in review.milestones[:last_i]:
        for qid, answer in m.answers.items():
            earlier[qid] = (m.name, _value(answer.status))
    for qid in sorted(earlier):
        if qid in known and qid not in last.answers:
            name, status = earlier[qid]
            yield warning("W203", f"milestones[{last_i}] ({last.name}): {qid} was answered at {name!r} "
                          f"({status.replace('_', ' ')}) but is missing here",
                          entry.position(("milestones", last_i, "answers"), key=True),
                          hint=f"carry answers forward: archkb review milestone {review.id} NAME --date D "
                          "(or answer it again)")
    for qid, answer in sorted(last.answers.items()):
        item = known.get(qid)
        if item is None or item.severity != "high" or _value(answer.status) != "not_met":
            continue
        lacking = [w for w, v in (("an owner", answer.owner), ("a due date", answer.due)) if not v]
        if lacking:
            yield warning("W204", f"milestones[{last_i}] ({last.name}): {qid} is a high risk without "
                          f"{' or '.join(lacking)}", entry.position(("milestones", last_i, "answers", qid), key=True),
                          hint=f"archkb review answer {review.id} {qid} --status not_met --owner WHO --due YYYY-MM-DD")


def _hint_unknown(qid: str, asm: Assembly, catalog: Catalog) -> str | None:
    prefix, _, rest = qid.partition("/")
    kind = catalog.kind_of(prefix)
    if kind == "checklist" and prefix not in asm.checklists:
        return f"the review does not use checklist {prefix!r} (add it to `checklists:`, or none of its questions apply)"
    if kind == "pattern":
        return f"the review does not list pattern {prefix!r} in `patterns:`, or it has no question {rest!r}"
    if kind == "decision":
        return f"the review does not adopt {prefix} with a confirmation (only `{prefix}/confirmation` is an item)"
    if kind == "checklist":
        return f"checklist {prefix!r} has no question {rest!r} that applies to this project's profile"
    return f"no record {prefix!r}"


review_rules = [check_review_answers]
"""Picked up by `archkb.rules.core.rule_sets()`."""
