"""Decisions out as MADR 4 Markdown with YAML front matter, readable by people and by `archkb import`.

Prose goes in the MADR sections; what has no MADR section (id, category, links, risks,
review date, provenance) goes in an `archkb` block of the front matter, so importing the
export gives back the same records.
"""

from __future__ import annotations

from typing import Any

import yaml

from archkb.authoring.scaffold import slugify
from archkb.models.decision import Decision


def madr_file_name(rec: Decision) -> str:
    return f"{rec.id}-{slugify(rec.title) or 'decision'}.md"


def _front_matter(rec: Decision) -> list[str]:
    data = rec.model_dump(mode="json", by_alias=True, exclude_none=True)
    front: dict[str, Any] = {"status": rec.status.value, **({"date": rec.date} if rec.date else {})}
    for key, name in (("decision_makers", "decision-makers"), ("consulted", "consulted"), ("informed", "informed"),
                      ("tags", "tags")):
        if data.get(key):
            front[name] = data[key]
    extra = {k: data[k] for k in ("id", "category", "review_by", "links", "risks", "provenance") if data.get(k)}
    if rec.review_by is not None:
        extra["review_by"] = rec.review_by
    front["archkb"] = extra
    return ["---", yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100).rstrip(), "---"]


def _because(good: list[str], bad: list[str], neutral: list[str]) -> list[str]:
    return [*[f"* Good, because {c}" for c in good], *[f"* Bad, because {c}" for c in bad],
            *[f"* Neutral, because {c}" for c in neutral]]


def _outcome(rec: Decision) -> list[str]:
    if rec.outcome is None:
        return []
    out = ["## Decision Outcome", ""]
    if rec.outcome.chosen and not rec.outcome.rationale.lstrip().lower().startswith("chosen option"):
        out += [f'Chosen option: "{rec.outcome.chosen}"', ""]
    out += [rec.outcome.rationale.strip(), ""]
    cons = rec.consequences
    if cons.positive or cons.negative or cons.neutral:
        out += ["### Consequences", "", *_because(cons.positive, cons.negative, cons.neutral), ""]
    return out


def _pros_and_cons(rec: Decision) -> list[str]:
    detailed = [o for o in rec.options if o.summary or o.pros or o.cons or o.neutral]
    if not detailed:
        return []
    out = ["## Pros and Cons of the Options", ""]
    for o in detailed:
        out += [f"### {o.title}", ""]
        if o.summary:
            out += [o.summary.strip(), ""]
        out += [*_because(o.pros, o.cons, o.neutral), ""]
    return out


def madr_markdown(rec: Decision) -> str:
    """One decision as a MADR 4 document."""
    out = [*_front_matter(rec), f"# {rec.title}", "", "## Context and Problem Statement", "", rec.context.strip(), ""]
    if rec.drivers:
        out += ["## Decision Drivers", "", *[f"* {d}" for d in rec.drivers], ""]
    if rec.options:
        out += ["## Considered Options", "", *[f"* {o.title}" for o in rec.options], ""]
    out += _outcome(rec)
    if rec.outcome is None and (rec.consequences.positive or rec.consequences.negative or rec.consequences.neutral):
        c = rec.consequences
        out += ["### Consequences", "", *_because(c.positive, c.negative, c.neutral), ""]
    if rec.confirmation:
        out += ["## Confirmation", "", rec.confirmation.strip(), ""]
    out += _pros_and_cons(rec)
    for section in rec.sections:
        out += [f"## {section.title}", "", section.body.strip(), ""]
    return "\n".join(out).rstrip() + "\n"
