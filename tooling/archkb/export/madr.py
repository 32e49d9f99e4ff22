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


def madr_markdown(rec: Decision) -> str:
    """One decision as a MADR 4 document."""
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
    out = ["---", yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100).rstrip(), "---",
           f"# {rec.title}", "", "## Context and Problem Statement", "", rec.context.strip(), ""]
    if rec.drivers:
        out += ["## Decision Drivers", "", *[f"* {d}" for d in rec.drivers], ""]
    if rec.options:
        out += ["## Considered Options", "", *[f"* {o.title}" for o in rec.options], ""]
    if rec.outcome is not None:
        out += ["## Decision Outcome", ""]
        if rec.outcome.chosen and not rec.outcome.rationale.lstrip().lower().startswith("chosen option"):
            out += [f'Chosen option: "{rec.outcome.chosen}"', ""]
        out += [rec.outcome.rationale.strip(), ""]
    cons = rec.consequences
    if cons.positive or cons.negative or cons.neutral:
        out += ["### Consequences", "",
                *[f"* Good, because {c}" for c in cons.positive],
                *[f"* Bad, because {c}" for c in cons.negative],
                *[f"* Neutral, because {c}" for c in cons.neutral], ""]
    if rec.confirmation:
        out += ["## Confirmation", "", rec.confirmation.strip(), ""]
    detailed = [o for o in rec.options if o.summary or o.pros or o.cons or o.neutral]
    if detailed:
        out += ["## Pros and Cons of the Options", ""]
        for o in detailed:
            out += [f"### {o.title}", ""]
            if o.summary:
                out += [o.summary.strip(), ""]
            out += [*[f"* Good, because {p}" for p in o.pros], *[f"* Bad, because {c}" for c in o.cons],
                    *[f"* Neutral, because {n}" for n in o.neutral], ""]
    for section in rec.sections:
        out += [f"## {section.title}", "", section.body.strip(), ""]
    return "\n".join(out).rstrip() + "\n"
