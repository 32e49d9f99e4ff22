"""The registry of every check code: its severity, a one-line meaning and an example.

`docs/reference/checks.md` is generated from this table and a test keeps them in step,
so a code never exists without documentation. Codes are stable: never reuse or renumber.

Ranges: E0xx/W0xx core (loading, schema, graph), E1xx/W1xx pull-request rules,
E2xx/W2xx reviews, E3xx/W3xx content and crosswalks, I-prefixed codes importer notes.
"""

from __future__ import annotations

from dataclasses import dataclass

from archkb.core.problems import Severity


@dataclass(frozen=True)
class Code:
    """One check: its stable code, severity, meaning and an example message."""

    code: str
    severity: Severity
    title: str
    example: str


_E, _W = Severity.ERROR, Severity.WARNING

CODES: dict[str, Code] = {
    c.code: c
    for c in [
        # --- loading -------------------------------------------------------------------
        Code("E001", _E, "YAML syntax error (including tab indentation)",
             "adr/ADR-0003-x.yaml:4:1: error E001 YAML syntax: found character '\\t' that cannot start any token"),
        Code("E002", _E, "Duplicate key in a mapping (YAML parsers silently keep the last one)",
             "adr/ADR-0003-x.yaml:9:1: error E002 duplicate key 'status' (first at line 3)"),
        Code("E003", _E, "Schema violation: a field has the wrong type, value, or is missing or unknown",
             "adr/ADR-0003-x.yaml:3:9: error E003 status: Input should be 'proposed', 'accepted', ..."),
        Code("E004", _E, "The id does not match the file name",
             "adr/ADR-0003-x.yaml:2:5: error E004 id 'ADR-0004' does not match file name 'ADR-0003-x.yaml'"),
        Code("E005", _E, "The same id is used by two records (ids are unique across all kinds)",
             "patterns/rag.yaml:2:5: error E005 duplicate id 'rag' (also in checklists/rag.yaml)"),
        Code("E006", _E, "A link or reference names a record that does not exist",
             "adr/ADR-0003-x.yaml:40:13: error E006 links[0].target: no record 'ADR-0099'"),
        Code("E007", _E, "This link type is not allowed between these two kinds of record",
             "adr/ADR-0003-x.yaml:41:11: error E007 links[1]: 'supersedes' goes from decision to decision, not to pattern 'rag'"),
        Code("E008", _E, "Supersession, amendment or dependency links form a cycle",
             "adr/ADR-0003-x.yaml:40:13: error E008 supersedes cycle: ADR-0003 -> ADR-0002 -> ADR-0003"),
        Code("E009", _E, "A decision is marked superseded but no record supersedes it",
             "adr/ADR-0002-x.yaml:3:9: error E009 ADR-0002 is 'superseded' but no decision supersedes it"),
        Code("E010", _E, "A record is superseded by an accepted decision but is not marked superseded",
             "adr/ADR-0002-x.yaml:3:9: error E010 ADR-0002 is superseded by accepted ADR-0005 but its status is 'accepted'"),
        Code("E011", _E, "The file is not valid UTF-8 text (or holds a NUL byte), or cannot be read",
             "adr/ADR-0003-x.yaml:2:7: error E011 not UTF-8: byte 0xff cannot be decoded"),
        Code("E012", _E, "The file is larger than the size limit",
             "adr/ADR-0003-x.yaml:1:1: error E012 file is larger than the limit of 1,048,576 bytes"),
        Code("E013", _E, "Aliases expand past the limit (a 'billion laughs' document)",
             "adr/ADR-0003-x.yaml:1:1: error E013 aliases expand to more than 100,000 nodes"),
        Code("E014", _E, "The document nests deeper than the limit",
             "adr/ADR-0003-x.yaml:1:1001: error E014 nesting deeper than the limit"),
        Code("E015", _E, "The file is empty or its top level is not a mapping",
             "adr/ADR-0003-x.yaml:1:1: error E015 top level is a list; a record is a mapping of fields"),
        Code("E016", _E, "An id is not of its kind's form (checked before it is used as a path or URL)",
             "adr/x.yaml:2:5: error E016 id '../../x' is not a valid decision id (ADR-0001 form)"),
        Code("E017", _E, "A category is not in the configured vocabulary",
             "adr/ADR-0003-x.yaml:6:11: error E017 category 'mlops' is not one of: data, ..."),
        Code("E018", _E, "A decision's outcome names no option it lists",
             "adr/ADR-0003-x.yaml:30:11: error E018 outcome.chosen 'Kafka' is not the title of an option"),
        Code("E019", _E, "A record links to itself",
             "adr/ADR-0003-x.yaml:40:13: error E019 links[0]: ADR-0003 links to itself"),
        Code("E020", _E, "An id inside a record (section, question, component) is used twice",
             "checklists/x.yaml:30:9: error E020 question id 'q-1' is used twice in this checklist"),
        Code("E021", _E, "A flow of a pattern names a component the pattern does not declare",
             "patterns/rag.yaml:50:11: error E021 flows[2].from: no component 'index'"),
        Code("E022", _E, "The knowledge-base configuration (archkb.yaml) is invalid",
             "archkb.yaml:3:5: error E022 categories.decision: Input should be a valid list"),
        Code("E023", _E, "A path is not read: a symlink, a folder named like a record, a FIFO, a device or an "
             "unreadable folder (records and archkb.yaml are regular files inside the knowledge base)",
             "adr/ADR-0003-x.yaml:1:1: error E023 not read: is a symlink; records are regular files inside the "
             "knowledge base"),
        Code("E024", _E, "A value is too large to read: an integer (decimal, hex, octal or base 60) past Python's "
             "4,300-digit limit",
             "adr/ADR-0003-x.yaml:7:8: error E024 value too large: an integer written with 5,000 characters "
             "(the limit is 4,300)"),
        Code("E025", _E, "A check crashed on this input (a bug in archkb); the other checks still ran",
             "adr/ADR-0003-x.yaml:1:1: error E025 check check_links crashed on this input (KeyError: 'x'); "
             "the other checks ran"),
        Code("E026", _E, "A portal source (`sources:` in archkb.yaml) cannot be read",
             "archkb.yaml:1:1: error E026 sources[0] (payments): no folder '../payments-kb'"),
        Code("W001", _W, "An accepted decision depends on a deprecated or superseded record",
             "adr/ADR-0007-x.yaml:40:13: warning W001 accepted ADR-0007 depends on superseded ADR-0002"),
        Code("W002", _W, "A decision's review_by date has passed",
             "adr/ADR-0007-x.yaml:12:12: warning W002 review_by 2025-01-31 has passed"),
        Code("W003", _W, "A proposed decision has been open longer than the threshold",
             "adr/ADR-0007-x.yaml:4:7: warning W003 proposed since 2025-01-31 (300 days; threshold 90)"),
        Code("W004", _W, "A pattern is used by no decision, review or other pattern",
             "patterns/rag.yaml:2:5: warning W004 pattern 'rag' is used by nothing"),
        Code("W005", _W, "An approved pattern cites no source",
             "patterns/rag.yaml:5:9: warning W005 approved pattern 'rag' has no sources"),
        Code("W006", _W, "The first line does not point at the record's JSON Schema",
             "adr/ADR-0003-x.yaml:1:1: warning W006 first line should be '# yaml-language-server: $schema=...'"),
        Code("W007", _W, "A file in a record folder is not read (wrong extension)",
             "adr/ADR-0003-x.yml:1:1: warning W007 ignored: record files end in .yaml"),
        Code("W008", _W, "A tag nearly duplicates another (same without hyphens, or one letter apart on long tags)",
             "adr/ADR-0009-x.yaml:8:5: warning W008 tag 'cicd' (1 record) looks like 'ci-cd' (4 records)"),
        Code("W009", _W, "A symlink under docs/ or the theme's custom_dir: MkDocs would publish the file it points at",
             "docs/notes.md:1:1: warning W009 symlink in a folder MkDocs publishes: the site would contain the file "
             "it points at"),
        Code("W010", _W, "A relative link in a record's text points at no record and no file (a dead link on the site)",
             "adr/ADR-0003-x.yaml:12:3: warning W010 context: link to '0004-y.md': no record or file 'adr/0004-y.md'"),
        Code("W011", _W, "A decision has no date (an import whose source gave none that could be read)",
             "adr/ADR-0003-x.yaml:4:1: warning W011 ADR-0003 has no date: add when its status last changed"),
        Code("W012", _W, "A cross-KB reference names a record its knowledge base does not have (in a portal)",
             "../claims-kb/adr/ADR-0004-x.yaml:30:13: warning W012 links[0]: source 'payments' has no record 'ADR-0099'"),
        # --- pull-request rules (archkb.pr.gitdiff, `archkb check --base REF`) ----------------
        Code("E101", _E, "A record new in this branch takes an id the base branch already gives another file",
             "adr/ADR-0005-b.yaml:2:5: error E101 ADR-0005 in adr/ADR-0005-b.yaml is new here but main already has "
             "ADR-0005 in adr/ADR-0005-a.yaml (run: archkb renumber ADR-0005 --to ADR-0006)"),
        Code("E102", _E, "An accepted decision's context, drivers, options, outcome or consequences changed",
             "adr/ADR-0002-x.yaml:12:10: error E102 ADR-0002 is accepted; its outcome changed. Decisions change "
             "by a new ADR that supersedes or amends it"),
        Code("E103", _E, "A status changed in a way the lifecycle does not allow (see docs/contributing.md)",
             "adr/ADR-0002-x.yaml:4:9: error E103 ADR-0002: status superseded -> accepted is not allowed"),
        Code("E104", _E, "A record that exists on the base revision was deleted (deprecate it instead)",
             "adr/ADR-0002-x.yaml:1:1: error E104 ADR-0002 was deleted; deprecate it (status: deprecated) instead"),
        Code("W101", _W, "A decision new in this branch does not start as proposed",
             "adr/ADR-0009-x.yaml:4:9: warning W101 new decision ADR-0009 starts as 'accepted'; propose it"),
        # --- reviews (archkb.reviews.review) -------------------------------------------------------
        Code("E201", _E, "A review answers an item that is not in its assembled checklist",
             "reviews/claims.yaml:20:7: error E201 milestones[0] (design): 'rag/chunking' is not in the review's assembled checklist"),
        Code("E202", _E, "A review answer is not_applicable but gives no reason",
             "reviews/claims.yaml:22:17: error E202 milestones[0] (design): data-readiness/lineage is not_applicable without a reason"),
        Code("E203", _E, "Two milestones of a review share a name",
             "reviews/claims.yaml:30:11: error E203 milestones[2]: milestone name 'design' is also used by milestones[0]"),
        Code("W201", _W, "An item not met at the latest milestone is past its due date",
             "reviews/claims.yaml:25:52: warning W201 milestones[1] (launch): data-readiness/lineage is not met and was due 2026-05-01"),
        Code("W202", _W, "The review's checklist has questions no milestone has answered (the checklist changed)",
             "reviews/claims.yaml:14:11: warning W202 2 question(s) of the assembled checklist have no answer at any milestone (new since 'launch'): ..."),
        Code("W203", _W, "An item answered at an earlier milestone has no answer at the latest one",
             "reviews/claims.yaml:60:7: warning W203 milestones[1] (launch): data-readiness/minimisation was answered "
             "at 'design' (partial) but is missing here"),
        Code("W204", _W, "A high-severity item not met at the latest milestone has no owner or no due date",
             "reviews/claims.yaml:70:7: warning W204 milestones[1] (launch): data-readiness/lawful-basis is a high "
             "risk without an owner"),
        Code("E211", _E, "An answer sheet (CSV) lacks a required column or has an unknown one",
             "sheet.csv:1:1: error E211 the sheet has no 'status' column"),
        Code("E212", _E, "An answer sheet row names an item that is not in the review's assembled checklist",
             "sheet.csv:7:1: error E212 'rag/chunking' is not an item of review claims-triage"),
        Code("E213", _E, "An answer sheet row has a status that is not met, partial, not_met, not_applicable or blank",
             "sheet.csv:9:5: error E213 status 'done' is not one of: met, partial, not_met, not_applicable"),
        Code("E214", _E, "An answer sheet row has a due date that is not a YYYY-MM-DD date",
             "sheet.csv:9:9: error E214 due '31/07/2026' is not a date (YYYY-MM-DD)"),
        Code("E215", _E, "An answer sheet row has a value the answer cannot take (automated, reason, length)",
             "sheet.csv:9:10: error E215 automated 'maybe' is not true or false"),
        Code("E216", _E, "An answer sheet answers one item twice",
             "sheet.csv:12:1: error E216 'data-readiness/minimisation' is also answered at row 5"),
        # --- content and crosswalks (archkb.reviews.frameworks) --------------------------------------
        Code("E301", _E, "A checklist question's maps_to names a framework that is not registered",
             "checklists/x.yaml:30:11: error E301 quality/schema: maps_to key 'nist' is not a known framework (known: ...)"),
        Code("E302", _E, "A crosswalk identifier does not belong to the framework it is listed under",
             "checklists/x.yaml:31:26: error E302 quality/schema: 'Data 8' is not an identifier of ml-test-score"),
        Code("E303", _E, "An OWASP risk id (LLMnn, ASInn) is written without its edition year",
             "patterns/rag.yaml:20:44: error E303 'LLM08' has no edition year; write it as LLM08:YYYY (lists: ...)"),
        Code("W320", _W, "A list item has unbalanced parentheses or brackets (a flow sequence split on a comma)",
             "checklists/x.yaml:99:19: warning W320 sections[1].questions[2].evidence[0]: list item 'Oversight design "
             "(who reviews what' has unbalanced parentheses or brackets"),
        Code("W321", _W, "A responsibility in archkb.yaml has no accepted decision, approved principle or pattern, "
             "or checklist serving it",
             "archkb.yaml:101:9: warning W321 responsibilities[13] 'mentoring-practice': no accepted decision, approved "
             "principle or pattern, or checklist serves it (1 other record(s) do)"),
        Code("E322", _E, "A record's `serves` names a responsibility archkb.yaml does not declare",
             "checklists/x.yaml:9:11: error E322 serves[0]: 'data-quality' is not a responsibility in archkb.yaml (...)"),
    ]
}


def severity_of(code: str) -> Severity:
    return CODES[code].severity


def checks_markdown() -> str:
    """The text of `docs/reference/checks.md`: one line per code with an example."""
    lines = [
        "# Check codes",
        "",
        "Every problem `archkb check` reports has a stable code and a `file:line:col` position.",
        "Errors fail the check (exit 1); warnings fail it only with `--strict`. This page is",
        "generated from `tooling/archkb/codes.py` (`python -m archkb.core.codes --write`) and a",
        "test keeps the two in step.",
        "",
        "| code | severity | meaning | example |",
        "|---|---|---|---|",
    ]
    for code in sorted(CODES):
        c = CODES[code]
        example = c.example.replace("|", "\\|")
        lines.append(f"| `{c.code}` | {c.severity.value} | {c.title} | `{example}` |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import os
    import sys

    target = os.path.join("docs", "reference", "checks.md")
    if "--write" in sys.argv:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as fh:
            fh.write(checks_markdown())
        print(f"wrote {target}")
    else:
        sys.stdout.write(checks_markdown())
