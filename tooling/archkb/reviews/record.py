"""Record review answers in a review's YAML file in place: new milestones (carrying answers forward) and answers.

Reviewers answer in meetings and spreadsheets, not in YAML, so archkb writes the answers for
them. Every edit is a text edit at the lines that change (positions from the YAML node tree),
so the author's comments, key order and layout survive; one answer is written as one flow
mapping line, as the example reviews write them. The edited text is parsed again and must
give exactly the intended data and a valid Review before it is written, through
`core.fileio.Transaction` (all or nothing).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec

import yaml
from pydantic import ValidationError

from archkb.core.errors import InvalidInput, RefusedWrite
from archkb.core.fileio import Transaction
from archkb.core.yaml_source import load_text

P = ParamSpec("P")
ANSWER_KEYS = ("status", "automated", "reason", "evidence", "notes", "owner", "due", "carried_from")
"""The order an answer's fields are written in."""


_PLAIN = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _scalar(value: Any) -> str:
    if isinstance(value, str) and _PLAIN.match(value) and value not in _RESERVED:
        return value  # a kebab-case name (a milestone) reads best unquoted, and YAML reads it back as text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    # JSON string syntax is a valid YAML double-quoted scalar (the escapes JSON uses are YAML's too).
    return json.dumps(str(value), ensure_ascii=False)


def answer_flow(answer: dict[str, Any]) -> str:
    """One answer as a YAML flow mapping, fields in a fixed order (`{status: met, evidence: ["..."]}`)."""
    parts = []
    for key in ANSWER_KEYS:
        value = answer.get(key)
        if value is None or value == []:
            continue
        text = value if key == "status" else _scalar(value)
        parts.append(f"{key}: {text}")
    return "{" + ", ".join(parts) + "}"


def answer_data(answer: Any) -> dict[str, Any]:
    """An `Answer` model as the plain data the YAML holds (no empty fields)."""
    data = answer.model_dump(mode="python", exclude_none=True)
    data["status"] = getattr(answer.status, "value", answer.status)
    if not data.get("evidence"):
        data.pop("evidence", None)
    return data


# ---------------------------------------------------------------- node positions


def _compose(path: str, text: str) -> yaml.Node:
    try:
        node = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path}: does not parse as YAML ({exc}); run `archkb check`") from exc
    if not isinstance(node, yaml.MappingNode):
        raise InvalidInput(f"{path}: not a YAML mapping; run `archkb check`")
    return node


def _get(node: yaml.Node, key: str) -> tuple[yaml.Node | None, yaml.Node | None]:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return k, v
    return None, None


def _end(text: str, node: yaml.Node) -> int:
    """The index just past the last character of a node's own text (not the whitespace after it)."""
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        return _end(text, last[1] if isinstance(last, tuple) else last)
    end = node.end_mark.index
    while end > node.start_mark.index and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def _line_end(text: str, index: int) -> int:
    nl = text.find("\n", index)
    return len(text) if nl < 0 else nl


def _indent_of(text: str, index: int) -> int:
    return index - (text.rfind("\n", 0, index) + 1)


@dataclass
class _Edit:
    start: int
    end: int
    text: str


def _apply_edits(text: str, edits: list[_Edit]) -> str:
    for e in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: e.start] + e.text + text[e.end:]
    return text


def _milestone_nodes(path: str, root: yaml.Node) -> tuple[yaml.Node | None, yaml.SequenceNode | None]:
    key, seq = _get(root, "milestones")
    if seq is None:
        return key, None
    if not isinstance(seq, yaml.SequenceNode):
        raise InvalidInput(f"{path}: `milestones` is not a list; run `archkb check`")
    return key, seq


def _answers_edits(path: str, text: str, milestone: yaml.Node, updates: dict[str, dict[str, Any]]) -> list[_Edit]:
    if not isinstance(milestone, yaml.MappingNode) or milestone.flow_style:
        raise RefusedWrite(f"{path}: the milestone is written in flow style; archkb edits block-style milestones only")
    key, answers = _get(milestone, "answers")
    edits: list[_Edit] = []
    if answers is None or (isinstance(answers, yaml.MappingNode) and answers.flow_style and not answers.value) \
            or (isinstance(answers, yaml.ScalarNode) and answers.value in ("", "~", "null")):
        col = milestone.start_mark.column + 2 if answers is None else key.start_mark.column + 2  # type: ignore[union-attr]
        body = "".join(f"\n{' ' * col}{qid}: {answer_flow(a)}" for qid, a in updates.items())
        if answers is None:
            at = _line_end(text, _end(text, milestone))
            edits.append(_Edit(at, at, f"\n{' ' * milestone.start_mark.column}answers:{body}"))
        else:
            start = key.end_mark.index  # type: ignore[union-attr]
            edits.append(_Edit(start, _end(text, answers), ":" + body))
        return edits
    if not isinstance(answers, yaml.MappingNode) or answers.flow_style:
        raise RefusedWrite(f"{path}: `answers` is written in flow style; archkb edits block-style answers only",
                           hint="write each answer on its own line (`QID: {status: ...}`), then run this again")
    existing = {k.value: (k, v) for k, v in answers.value if isinstance(k, yaml.ScalarNode)}
    col = answers.value[0][0].start_mark.column
    appended = []
    for qid, answer in updates.items():
        if qid in existing:
            k, v = existing[qid]
            edits.append(_Edit(k.start_mark.index, _end(text, v), f"{k.value}: {answer_flow(answer)}"))
        else:
            appended.append(f"\n{' ' * col}{qid}: {answer_flow(answer)}")
    if appended:
        at = _line_end(text, _end(text, answers.value[-1][1]))
        edits.append(_Edit(at, at, "".join(appended)))
    return edits


def _milestone_text(indent: int, name: str, date: dt.date, answers: dict[str, dict[str, Any]]) -> str:
    pad = " " * indent
    lines = [f"{pad}- name: {_scalar(name)}", f"{pad}  date: {date.isoformat()}"]
    if answers:
        lines.append(f"{pad}  answers:")
        lines.extend(f"{pad}    {qid}: {answer_flow(a)}" for qid, a in answers.items())
    return "\n".join(lines)


# ---------------------------------------------------------------- edits


def _verify(path: str, new_text: str, expected: dict[str, Any]) -> None:
    from archkb.models.review import Review

    doc = load_text(path, new_text)
    if not doc.ok or doc.data != expected:
        raise RefusedWrite(f"{path}: the edit would not give the intended data; nothing was written",
                           doc.problems, hint="edit this file by hand, or report it as a bug")
    try:
        Review.model_validate(doc.data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidInput(f"{path}: the edited review would be invalid: "
                           f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}") from exc


def _crlf(edit: Callable[Concatenate[str, str, P], str]) -> Callable[Concatenate[str, str, P], str]:
    """Run an edit on LF text and give the result back with the file's own CRLF line ends, if it had them."""
    @functools.wraps(edit)
    def wrapped(path: str, text: str, /, *args: P.args, **kwargs: P.kwargs) -> str:
        if "\r\n" not in text:
            return edit(path, text, *args, **kwargs)
        return edit(path, text.replace("\r\n", "\n"), *args, **kwargs).replace("\n", "\r\n")
    return wrapped


@_crlf
def set_answers(path: str, text: str, data: dict[str, Any], milestone: int,
                updates: dict[str, dict[str, Any]]) -> str:
    """The text with `updates` (qualified id -> answer data) written into milestone number `milestone`."""
    if not updates:
        return text
    root = _compose(path, text)
    _, seq = _milestone_nodes(path, root)
    if seq is None or milestone >= len(seq.value):
        raise InvalidInput(f"{path}: no milestone number {milestone}")
    new = _apply_edits(text, _answers_edits(path, text, seq.value[milestone], updates))
    expected = copy.deepcopy(data)
    answers = expected["milestones"][milestone].get("answers") or {}
    answers.update(copy.deepcopy(updates))
    expected["milestones"][milestone]["answers"] = answers
    _verify(path, new, expected)
    return new


@_crlf
def add_milestone(path: str, text: str, data: dict[str, Any], name: str, date: dt.date,
                  answers: dict[str, dict[str, Any]]) -> str:
    """The text with a new last milestone `name` on `date` holding `answers`."""
    root = _compose(path, text)
    key, seq = _milestone_nodes(path, root)
    if seq is not None and seq.value:
        if seq.flow_style:
            raise RefusedWrite(f"{path}: `milestones` is written in flow style; archkb edits block-style lists only")
        first = seq.value[0]
        line_start = text.rfind("\n", 0, first.start_mark.index) + 1
        dash = text.rfind("-", line_start, first.start_mark.index)
        indent = dash - line_start if dash >= 0 else 2
        at = _line_end(text, _end(text, seq.value[-1]))
        new = text[:at] + "\n" + _milestone_text(indent, name, date, answers) + text[at:]
    elif key is not None and seq is not None:  # `milestones: []` or an empty value
        new = _apply_edits(text, [_Edit(key.end_mark.index, _end(text, seq),
                                        ":\n" + _milestone_text(2, name, date, answers))])
    else:
        sep = "" if text.endswith("\n") or not text else "\n"
        new = f"{text}{sep}milestones:\n{_milestone_text(2, name, date, answers)}\n"
    expected = copy.deepcopy(data)
    entry: dict[str, Any] = {"name": name, "date": date}
    if answers:
        entry["answers"] = copy.deepcopy(answers)
    expected["milestones"] = [*(expected.get("milestones") or []), entry]
    _verify(path, new, expected)
    return new


def carried_answers(review: Any, known: set[str], upto: int) -> dict[str, dict[str, Any]]:
    """The latest answer of every item in `known` at milestones 0..upto, marked with the milestone it came from.

    An answer already carried keeps the milestone it was first given at, so `carried_from`
    always names the meeting where the board last decided it.
    """
    out: dict[str, dict[str, Any]] = {}
    for m in review.milestones[: upto + 1]:
        for qid, answer in m.answers.items():
            if qid not in known:
                continue
            data = answer_data(answer)
            data["carried_from"] = answer.carried_from or m.name
            out[qid] = data
    return dict(sorted(out.items()))


# ---------------------------------------------------------------- plans (what the commands write)


@dataclass
class Change:
    """One review file's new text and what changed in it (for the command's message)."""

    path: str
    text: str
    milestone: str
    created: bool
    carried: int = 0
    changed: list[str] | None = None


def _review_entry(catalog: Any, review_id: str) -> Any:
    from archkb.core.errors import NotFound

    entry = catalog.entry(review_id)
    if entry is None or entry.kind.name != "review" or entry.record is None:
        known = ", ".join(r.id for r in catalog.records("review")) or "none"
        raise NotFound(f"no review {review_id!r}", hint=f"known reviews: {known}")
    doc = entry.doc()
    if not doc.ok:
        raise InvalidInput(f"{entry.path} does not load; fix it first", doc.problems)
    return entry


def _index(review: Any, name: str) -> int | None:
    return next((i for i, m in enumerate(review.milestones) if m.name == name), None)


def plan_milestone(catalog: Any, review_id: str, name: str, date: dt.date, source: str | None = None) -> Change:
    """A new milestone `name` carrying forward the latest answer of every item up to `source` (default: the last)."""
    from archkb.core.errors import Conflict, UsageError
    from archkb.reviews.review import assemble

    entry = _review_entry(catalog, review_id)
    review = entry.record
    if _index(review, name) is not None:
        raise Conflict(f"review {review_id!r} already has a milestone {name!r}")
    upto = len(review.milestones) - 1
    if source is not None:
        found = _index(review, source)
        if found is None:
            names = ", ".join(m.name for m in review.milestones) or "none recorded"
            raise UsageError(f"review {review_id!r} has no milestone {source!r} (milestones: {names})")
        upto = found
    if review.milestones and date < review.milestones[-1].date:
        raise UsageError(f"{date.isoformat()} is before the latest milestone "
                         f"({review.milestones[-1].name}, {review.milestones[-1].date.isoformat()})",
                         hint="milestones are kept oldest first")
    known = set(assemble(review, catalog).by_qid)
    answers = carried_answers(review, known, upto)
    doc = entry.doc()
    text = add_milestone(entry.path, doc.text, doc.data, name, date, answers)
    return Change(entry.path, text, name, True, carried=len(answers))


def plan_answers(catalog: Any, review_id: str, updates: dict[str, dict[str, Any]], milestone: str | None,
                 date: dt.date | None, *, merge: bool = False) -> Change:
    """Write `updates` (qualified id -> answer data) at `milestone` (default: the latest).

    A milestone that does not exist yet is created on `date`, carrying every answer forward
    first. An update equal to the answer already there (ignoring `carried_from`) is left
    alone, so a carried answer stays marked as carried. With `merge`, an update keeps the
    fields of the existing answer it does not give.
    """
    from archkb.core.errors import UsageError
    from archkb.reviews.review import assemble

    entry = _review_entry(catalog, review_id)
    review = entry.record
    name = milestone or (review.milestones[-1].name if review.milestones else None)
    if name is None:
        raise UsageError(f"review {review_id!r} has no milestone yet", hint="give --milestone NAME and --date D")
    idx = _index(review, name)
    doc = entry.doc()
    if idx is None:
        if date is None:
            raise UsageError(f"review {review_id!r} has no milestone {name!r}; give --date to create it")
        known = set(assemble(review, catalog).by_qid)
        current = carried_answers(review, known, len(review.milestones) - 1)
    else:
        held = review.milestones[idx].date
        if date is not None and date != held:
            raise UsageError(f"milestone {name!r} is dated {held.isoformat()}, not {date.isoformat()}",
                             hint="--date only dates a new milestone; leave it out to record at this one")
        current = {q: answer_data(a) for q, a in review.milestones[idx].answers.items()}
    changed: dict[str, dict[str, Any]] = {}
    for qid, update in updates.items():
        before = dict(current.get(qid) or {})
        before.pop("carried_from", None)
        after = {**before, **update} if merge else dict(update)
        after = {k: v for k, v in after.items() if v is not None and v != []}
        if after.get("status") == "not_applicable" and not after.get("reason"):
            raise InvalidInput(f"{qid}: not_applicable needs a reason (E202); nothing was written",
                               hint="say why the item does not apply (--reason, or the sheet's reason column)")
        if after != before:
            changed[qid] = after
    if idx is None:
        if date is None:  # checked above; repeated so the type is narrowed here
            raise UsageError(f"review {review_id!r} has no milestone {name!r}; give --date to create it")
        merged = {**current, **changed}
        text = add_milestone(entry.path, doc.text, doc.data, name, date, merged)
        return Change(entry.path, text, name, True, carried=len(merged) - len(changed), changed=sorted(changed))
    text = set_answers(entry.path, doc.text, doc.data, idx, changed)
    return Change(entry.path, text, name, False, changed=sorted(changed))


def write(root: str, rel: str, text: str) -> list[str]:
    """Replace one review file through the one writer."""
    txn = Transaction(root)
    txn.replace(rel, text)
    return txn.commit()


__all__ = ["Change", "add_milestone", "answer_data", "answer_flow", "carried_answers", "plan_answers",
           "plan_milestone", "set_answers", "write"]
