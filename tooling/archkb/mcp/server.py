"""The MCP server: the read tools, draft tools, record resources and prompts of one knowledge base, on the `mcp` SDK.

Every call loads the knowledge base afresh through the public API (its parse cache makes
that cheap), so answers follow the files as they change, drafts included. Failures the
client can act on (an id that is not an id, a record that does not exist) come back as
tool errors with the reason, never a traceback; nothing is ever printed to stdout, which
carries the protocol.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp_types import ToolAnnotations

from archkb import __version__
from archkb.api import KnowledgeBase, load
from archkb.core.errors import ArchkbError
from archkb.mcp import drafts, queries

INSTRUCTIONS = (
    "archkb: an architecture knowledge base of typed records (decisions/ADRs, patterns, checklists, "
    "principles, reviews) kept as YAML in git. Ground answers in these tools: search and get_record "
    "before citing a record; a record with current=false (superseded, deprecated, rejected, retired) is "
    "not policy in force, follow superseded_by. Changes land only as new or edited files in the working "
    "tree for a pull request: draft_adr writes one new proposed ADR after it passes the checks, "
    "propose_supersede shows a diff and writes only with apply=true. Nothing is committed or pushed."
)

READ = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
WRITE_NEW = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False,
                            open_world_hint=False)
EDIT = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=False, open_world_hint=False)


def _message(exc: ArchkbError) -> str:
    lines = [exc.message, *(p.format_text() for p in exc.problems)]
    if exc.hint:
        lines.append(f"hint: {exc.hint}")
    return "\n".join(lines)


def build_server(root: str) -> MCPServer:
    """An MCP server over the knowledge base at `root` (not started)."""
    root = os.path.abspath(root)
    # WARNING: the SDK logs every refused call at INFO to stderr, which clients show as noise.
    server = MCPServer("archkb", title="archkb knowledge base", version=__version__, instructions=INSTRUCTIONS,
                       log_level="WARNING")

    def answer(fn: Callable[[KnowledgeBase], dict[str, Any]]) -> dict[str, Any]:
        try:
            return fn(load(root))
        except ArchkbError as exc:
            raise ToolError(_message(exc)) from None

    def write(fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        try:
            return fn()
        except ArchkbError as exc:
            raise ToolError(_message(exc)) from None

    @server.tool(annotations=READ)
    def search(query: str, kind: str | None = None, status: str | None = None, tag: str | None = None,
               limit: int = 20) -> dict[str, Any]:
        """Find records by words: an exact id first, then matches in title, tags, summary and body.

        Returns `results` (id, kind, status, title, summary, score, current and, when replaced,
        superseded_by) best first. `kind` is decision, pattern, checklist, principle or review.
        """
        return answer(lambda kb: queries.search(kb, query, kind, status, tag, limit))

    @server.tool(annotations=READ)
    def get_record(id: str) -> dict[str, Any]:
        """One record: all its fields, its links out and in (typed, with titles), file path, currency, page URL."""
        return answer(lambda kb: queries.get_record(kb, id))

    @server.tool(annotations=READ)
    def list_records(kind: str | None = None, status: str | None = None, tag: str | None = None,
                     category: str | None = None) -> dict[str, Any]:
        """Every record matching the filters, by id (id, kind, status, title, category, tags, current)."""
        return answer(lambda kb: queries.list_records(kb, kind, status, tag, category))

    @server.tool(annotations=READ)
    def impact(id: str) -> dict[str, Any]:
        """What a change to record `id` may affect: the records that depend on it, nearest first."""
        return answer(lambda kb: queries.impact_of(kb, id))

    @server.tool(annotations=READ)
    def supersession_chain(id: str) -> dict[str, Any]:
        """The supersession history through `id`, oldest first, and which record of it is in force."""
        return answer(lambda kb: queries.chain_of(kb, id))

    @server.tool(annotations=READ)
    def check() -> dict[str, Any]:
        """Run every check (`archkb check`): problems with file, line, column, code, severity, message."""
        return answer(queries.check)

    @server.tool(annotations=READ)
    def review_checklist(review_id: str) -> dict[str, Any]:
        """The checklist assembled for a review from its profile, patterns and adopted decisions."""
        return answer(lambda kb: queries.review_checklist(kb, review_id))

    @server.tool(annotations=READ)
    def review_score(review_id: str, milestone: str | None = None) -> dict[str, Any]:
        """A review's scorecard at a milestone (default: latest): totals, sections, high and medium risks, plan."""
        return answer(lambda kb: queries.review_score(kb, review_id, milestone))

    @server.tool(annotations=READ)
    def risk_register() -> dict[str, Any]:
        """The open risks of current decisions and of reviews (latest milestone), ranked high to low."""
        return answer(queries.risk_register)

    @server.tool(annotations=WRITE_NEW)
    def draft_adr(title: str, context: str, options: list[dict[str, Any] | str] | None = None,
                  outcome: dict[str, str] | None = None, links: list[dict[str, str]] | None = None,
                  tags: list[str] | None = None, category: str | None = None, drivers: list[str] | None = None,
                  consequences: dict[str, list[str]] | None = None) -> dict[str, Any]:
        """Draft a proposed ADR: checked against the schema and the graph first, written as ONE new file only if clean.

        options: [{title, summary?, pros?, cons?}] or titles; outcome: {chosen, rationale};
        links: [{type, target, note?}] (types: supersedes, amends, depends_on, relates_to, applies);
        consequences: {positive, negative, neutral}. Returns written, id, path, content and, when
        not written, the problems (code, message, file, line, column).
        """
        fields = {"title": title, "context": context, "options": options, "outcome": outcome, "links": links,
                  "tags": tags, "category": category, "drivers": drivers, "consequences": consequences}
        return write(lambda: drafts.draft_adr(root, fields))

    @server.tool(annotations=EDIT)
    def propose_supersede(old: str, new: str, apply: bool = False) -> dict[str, Any]:
        """Mark decision `old` superseded by `new`: returns the edits as a unified diff; writes them only if apply=true."""
        return write(lambda: drafts.propose_supersede(root, old, new, apply))

    @server.resource("archkb://record/{id}", name="record", mime_type="application/json",
                     description="A record as get_record returns it (fields, links, currency).")
    def record_resource(id: str) -> str:
        try:
            return json.dumps(queries.get_record(load(root), id), ensure_ascii=False, indent=2)
        except ArchkbError as exc:
            raise ResourceError(_message(exc)) from None

    @server.prompt(name="write_decision_record", title="Write a decision record")
    def write_decision_record(topic: str) -> str:
        """Draft an ADR on a topic, grounded in the records that already exist."""
        return (
            f"Help me write an architecture decision record about: {topic}\n\n"
            "1. Call `search` with the key words of the topic, and `get_record` on the closest decisions and "
            "patterns. Treat records with current=false as history, not policy.\n"
            "2. Ask me what is missing: the forces (drivers), at least two real options with pros and cons, "
            "the chosen option and why.\n"
            "3. Call `draft_adr` with title, context, drivers, options, outcome, consequences, tags, category "
            "and links to the records it depends on or applies (patterns via `applies`).\n"
            "4. If it returns problems, fix each one by its code and message and call it again; nothing is "
            "written until the draft is clean.\n"
            "5. When it is written, show me the path and content. If the new decision replaces an older one, "
            "call `propose_supersede` without apply and show me the diff before anything else is changed."
        )

    @server.prompt(name="prepare_review_meeting", title="Prepare a review meeting")
    def prepare_review_meeting(review_id: str) -> str:
        """Prepare the agenda of an architecture review meeting from a review's checklist and scorecard."""
        return (
            f"Prepare the architecture review meeting for review `{review_id}`.\n\n"
            f"1. Call `get_record` on {review_id} for the project profile, patterns and adopted decisions.\n"
            f"2. Call `review_score` on {review_id}: list the high risks, then the medium risks, each with its "
            "owner and due date, and the improvement plan in its order.\n"
            f"3. Call `review_checklist` on {review_id} and list the items still unanswered, by section.\n"
            "4. Call `risk_register` and add the open risks of the decisions this review adopts.\n"
            "5. Write an agenda: decisions needed, risks to accept or mitigate, evidence to bring, and for each "
            "item the record id it comes from. Do not invent answers or evidence."
        )

    return server


def serve(root: str) -> None:
    """Run the server on stdio until the client closes the connection."""
    build_server(root).run("stdio")
