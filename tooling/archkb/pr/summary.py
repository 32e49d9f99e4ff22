"""A pull request's effect on the knowledge base as a Markdown comment (with Mermaid) or JSON."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archkb.pr.gitdiff import KbDiff

MARKER = "<!-- archkb-pr-summary -->"
_SAFE = re.compile(r"[^A-Za-z0-9 .,:;()/+_-]")


def _md(text: str) -> str:
    """Record text in a table cell or list: no HTML, no table breaks."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("|", "\\|").replace("\n", " ").replace("`", "'"))


def _node_id(rid: str) -> str:
    return "n_" + re.sub(r"[^A-Za-z0-9]", "_", rid)


def _label(text: str) -> str:
    # Mermaid labels: keep a conservative character set, quoted.
    return _SAFE.sub("", text)[:60]


def mermaid(diff: KbDiff) -> str:
    """The affected neighbourhood: changed records (styled by change) and what they affect."""
    changed = {c.id: c.change for c in diff.changes}
    nodes = sorted(set(changed) | set(diff.impact))
    lines = ["flowchart LR"]
    for rid in nodes:
        lines.append(f'  {_node_id(rid)}["{_label(rid)}: {_label(diff.titles.get(rid, rid))}"]')
    g = diff.graph
    shown = set(nodes)
    for u, v, data in sorted(g.edges(data=True), key=lambda e: (e[0], e[1], e[2]["type"])):
        if u in shown and v in shown and not data["derived"]:
            lines.append(f"  {_node_id(u)} -->|{data['type']}| {_node_id(v)}")
    lines += ["  classDef added fill:#d4f7d4,stroke:#2a2", "  classDef changed fill:#fff3c4,stroke:#b80",
              "  classDef removed fill:#f7d4d4,stroke:#a22", "  classDef affected fill:#eef,stroke:#66a"]
    for rid in nodes:
        lines.append(f"  class {_node_id(rid)} {changed.get(rid, 'affected')}")
    return "\n".join(lines)


def to_markdown(diff: KbDiff) -> str:
    """A PR comment: changes, status transitions, impact, warnings and a Mermaid diagram."""
    out = [MARKER, "## Architecture knowledge base: what this pull request changes", ""]
    if not diff.changes:
        out.append("No record changes.")
        return "\n".join(out) + "\n"
    out += ["| change | record | kind | status | fields |", "|---|---|---|---|---|"]
    for c in diff.changes:
        if c.status_before != c.status_after and c.status_before and c.status_after:
            status = f"{c.status_before} → {c.status_after}"
        else:
            status = c.status_after or c.status_before or ""
        fields = ", ".join(c.fields) if c.change == "changed" else ""
        out.append(f"| {c.change} | `{c.id}` {_md(c.title)} | {c.kind} | {status} | {fields} |")
    transitions = [c for c in diff.changes if c.status_before and c.status_after and c.status_before != c.status_after]
    if transitions:
        out += ["", "### Status transitions", ""]
        out += [f"- `{c.id}`: {c.status_before} → {c.status_after}" for c in transitions]
    out += ["", "### Impact (records that depend on what changed, up to 2 hops)", ""]
    if diff.impact:
        out += [f"- `{rid}` {_md(diff.titles.get(rid, rid))} ({d} hop{'s' if d > 1 else ''})"
                for rid, d in diff.impact.items()]
    else:
        out.append("Nothing else depends on the changed records.")
    if diff.problems:
        out += ["", "### Pull-request checks", ""]
        out += [f"- {p.severity.value} {p.code} `{p.position}` {_md(p.message)}" for p in diff.problems]
    out += ["", "```mermaid", mermaid(diff), "```"]
    return "\n".join(out) + "\n"


def to_json(diff: KbDiff) -> str:
    return json.dumps(diff.to_json(), indent=2, sort_keys=True, ensure_ascii=False)
