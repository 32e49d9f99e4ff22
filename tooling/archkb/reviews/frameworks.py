"""The registry of crosswalk frameworks that checklist questions map to, and the rules that check those maps.

A checklist question's `maps_to` is keyed by a framework key from `FRAMEWORKS`; each value
is a list of that framework's identifiers. Small frameworks list every identifier (with a
short title, so pages and exports can show it); the EU AI Act is checked by pattern
(articles 1..113, optionally with a paragraph and point, and annexes I..XIII). The lists
were checked against the frameworks' own publications or, for the paywalled ISO standard,
against several independent secondary sources that agree on the control numbering.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from archkb.core.problems import Position, Problem, error

if TYPE_CHECKING:
    from archkb.rules.core import RuleContext


@dataclass(frozen=True)
class Framework:
    """One crosswalk framework: its key, title, URL and what counts as a valid identifier."""

    key: str
    title: str
    url: str
    ids: dict[str, str] = field(default_factory=dict)
    """Every valid identifier with its short title, in the framework's own order (empty when checked by pattern)."""
    pattern: re.Pattern[str] | None = None
    """For large identifier spaces: the form an identifier must take (further checked by `_extra_check`)."""
    form: str = ""
    """The identifier form in words, for messages (`Art. N`, `LLM01:2025`)."""

    def __contains__(self, ident: object) -> bool:
        if not isinstance(ident, str):
            return False
        if self.ids:
            return ident in self.ids
        return self.pattern is not None and _pattern_ok(self, ident)

    def title_of(self, ident: str) -> str | None:
        """The identifier's short title when the registry knows it."""
        return self.ids.get(ident)

    def suggest(self, ident: str) -> str | None:
        """The closest valid identifier, for a hint (only for enumerated frameworks)."""
        close = difflib.get_close_matches(ident, list(self.ids), n=1, cutoff=0.6)
        return close[0] if close else None


# --- ML Test Score (Breck et al., IEEE Big Data 2017): 28 tests, 7 per section -----------
_ML_TEST_SCORE = {
    "Data 1": "Feature expectations are captured in a schema",
    "Data 2": "All features are beneficial",
    "Data 3": "No feature's cost is too much",
    "Data 4": "Features adhere to meta-level requirements",
    "Data 5": "The data pipeline has appropriate privacy controls",
    "Data 6": "New features can be added quickly",
    "Data 7": "All input feature code is tested",
    "Model 1": "Model specs are reviewed and submitted",
    "Model 2": "Offline and online metrics correlate",
    "Model 3": "All hyperparameters have been tuned",
    "Model 4": "The impact of model staleness is known",
    "Model 5": "A simpler model is not better",
    "Model 6": "Model quality is sufficient on important data slices",
    "Model 7": "The model is tested for considerations of inclusion",
    "Infra 1": "Training is reproducible",
    "Infra 2": "Model specs are unit tested",
    "Infra 3": "The ML pipeline is integration tested",
    "Infra 4": "Model quality is validated before serving",
    "Infra 5": "The model is debuggable on a single example",
    "Infra 6": "Models are canaried before serving",
    "Infra 7": "Serving models can be rolled back",
    "Monitor 1": "Dependency changes result in notification",
    "Monitor 2": "Data invariants hold for inputs",
    "Monitor 3": "Training and serving are not skewed",
    "Monitor 4": "Models are not too stale",
    "Monitor 5": "Models are numerically stable",
    "Monitor 6": "Computing performance has not regressed",
    "Monitor 7": "Prediction quality has not regressed",
}

# --- NIST AI RMF 1.0 (NIST AI 100-1): the 72 subcategories of the Core, with their categories
# Subcategory counts per category, in the Core's order.
_NIST_CATEGORIES: dict[str, tuple[str, int]] = {
    "GOVERN 1": ("Policies, processes and practices for AI risk are in place", 7),
    "GOVERN 2": ("Accountability structures", 3),
    "GOVERN 3": ("Workforce diversity, equity, inclusion and accessibility", 2),
    "GOVERN 4": ("A culture that considers and communicates AI risk", 3),
    "GOVERN 5": ("Engagement with relevant AI actors", 2),
    "GOVERN 6": ("Third-party software, data and supply chain", 2),
    "MAP 1": ("Context is established and understood", 6),
    "MAP 2": ("Categorisation of the AI system", 3),
    "MAP 3": ("Capabilities, usage, goals, benefits and costs", 5),
    "MAP 4": ("Risks and benefits of all components, including third parties", 2),
    "MAP 5": ("Impacts on individuals, groups, organisations and society", 2),
    "MEASURE 1": ("Methods and metrics are identified and applied", 3),
    "MEASURE 2": ("Evaluation for trustworthy characteristics", 13),
    "MEASURE 3": ("Tracking identified risks over time", 3),
    "MEASURE 4": ("Feedback about the efficacy of measurement", 3),
    "MANAGE 1": ("Risks are prioritised, responded to and managed", 4),
    "MANAGE 2": ("Strategies to maximise benefits and minimise harms", 4),
    "MANAGE 3": ("Third-party risks and benefits are managed", 2),
    "MANAGE 4": ("Risk treatments, response, recovery and communication", 3),
}
_NIST_AI_RMF = {
    f"{category}.{n}": title
    for category, (title, count) in _NIST_CATEGORIES.items()
    for n in range(1, count + 1)
}

# --- OWASP Top 10 for LLM Applications 2025 -------------------------------------------
_OWASP_LLM_2025 = {
    "LLM01:2025": "Prompt Injection",
    "LLM02:2025": "Sensitive Information Disclosure",
    "LLM03:2025": "Supply Chain",
    "LLM04:2025": "Data and Model Poisoning",
    "LLM05:2025": "Improper Output Handling",
    "LLM06:2025": "Excessive Agency",
    "LLM07:2025": "System Prompt Leakage",
    "LLM08:2025": "Vector and Embedding Weaknesses",
    "LLM09:2025": "Misinformation",
    "LLM10:2025": "Unbounded Consumption",
}

# --- OWASP Top 10 for LLM Applications 2026 (published 2026-08-04; renumbered) ---------
# Checked against the final list in the project's source repository
# (GenAI-Security-Project/GenAI-LLM-Top10, 2026/README.md). The same number names a
# different risk than in 2025 (LLM03 is Supply Chain in 2025, Excessive Agency in 2026),
# which is why every id in the knowledge base carries its year.
_OWASP_LLM_2026 = {
    "LLM01:2026": "Prompt Injection",
    "LLM02:2026": "Sensitive Information Disclosure",
    "LLM03:2026": "Excessive Agency",
    "LLM04:2026": "Supply Chain",
    "LLM05:2026": "Data and Model Poisoning",
    "LLM06:2026": "Unbounded Consumption",
    "LLM07:2026": "Misinformation",
    "LLM08:2026": "Hidden Context Exposure",
    "LLM09:2026": "Vector and Embedding Weaknesses",
    "LLM10:2026": "Improper Output Handling",
}

# --- OWASP Top 10 for Agentic Applications 2026 (Agentic Security Initiative, December 2025)
# The official PDF's list pages were not available to check; ids and titles agree across
# several independent copies (tool documentation that maps to the list, the public draft's
# ids), and the `ASInn:2026` form is the one those copies use. Recheck against the PDF.
_OWASP_AGENTIC_2026 = {
    "ASI01:2026": "Agent Goal Hijack",
    "ASI02:2026": "Tool Misuse and Exploitation",
    "ASI03:2026": "Identity and Privilege Abuse",
    "ASI04:2026": "Agentic Supply Chain Vulnerabilities",
    "ASI05:2026": "Unexpected Code Execution",
    "ASI06:2026": "Memory and Context Poisoning",
    "ASI07:2026": "Insecure Inter-Agent Communication",
    "ASI08:2026": "Cascading Failures",
    "ASI09:2026": "Human-Agent Trust Exploitation",
    "ASI10:2026": "Rogue Agents",
}

# --- ISO/IEC 42001:2023 Annex A: 38 reference controls under 9 objectives (A.2..A.10) ---
_ISO_42001 = {
    "A.2.2": "AI policy",
    "A.2.3": "Alignment with other organizational policies",
    "A.2.4": "Review of the AI policy",
    "A.3.2": "AI roles and responsibilities",
    "A.3.3": "Reporting of concerns",
    "A.4.2": "Resource documentation",
    "A.4.3": "Data resources",
    "A.4.4": "Tooling resources",
    "A.4.5": "System and computing resources",
    "A.4.6": "Human resources",
    "A.5.2": "AI system impact assessment process",
    "A.5.3": "Documentation of AI system impact assessments",
    "A.5.4": "Assessing AI system impact on individuals or groups of individuals",
    "A.5.5": "Assessing societal impacts of AI systems",
    "A.6.1.2": "Objectives for responsible development of AI system",
    "A.6.1.3": "Processes for responsible AI system design and development",
    "A.6.2.2": "AI system requirements and specification",
    "A.6.2.3": "Documentation of AI system design and development",
    "A.6.2.4": "AI system verification and validation",
    "A.6.2.5": "AI system deployment",
    "A.6.2.6": "AI system operation and monitoring",
    "A.6.2.7": "AI system technical documentation",
    "A.6.2.8": "AI system recording of event logs",
    "A.7.2": "Data for development and enhancement of AI system",
    "A.7.3": "Acquisition of data",
    "A.7.4": "Quality of data for AI systems",
    "A.7.5": "Data provenance",
    "A.7.6": "Data preparation",
    "A.8.2": "System documentation and information for users",
    "A.8.3": "External reporting",
    "A.8.4": "Communication of incidents",
    "A.8.5": "Information for interested parties",
    "A.9.2": "Processes for responsible use of AI systems",
    "A.9.3": "Objectives for responsible use of AI system",
    "A.9.4": "Intended use of the AI system",
    "A.10.2": "Allocating responsibilities",
    "A.10.3": "Suppliers",
    "A.10.4": "Customers",
}

# --- EU AI Act (Regulation (EU) 2024/1689): 113 articles and 13 annexes ---------------
EU_AI_ACT_ARTICLES = 113
EU_AI_ACT_ANNEXES = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII")
_EU_AI_ACT_RE = re.compile(
    r"^(?:Art\. (?P<art>[1-9][0-9]{0,2})(?:\((?P<par>[1-9][0-9]?)\)(?:\((?P<pt>[a-z])\))?)?"
    r"|Annex (?P<annex>[IVX]+))$"
)


def _pattern_ok(fw: Framework, ident: str) -> bool:
    """Whether an identifier of a pattern-checked framework is well formed and in range."""
    assert fw.pattern is not None
    m = fw.pattern.match(ident)
    if m is None:
        return False
    if fw.key == "eu-ai-act":
        if m.group("annex") is not None:
            return m.group("annex") in EU_AI_ACT_ANNEXES
        return 1 <= int(m.group("art")) <= EU_AI_ACT_ARTICLES
    return True


FRAMEWORKS: dict[str, Framework] = {
    fw.key: fw
    for fw in [
        Framework("ml-test-score",
                  "The ML Test Score: A Rubric for ML Production Readiness and Technical Debt Reduction",
                  "https://research.google/pubs/pub46555/", _ML_TEST_SCORE, form="Data 1 .. Monitor 7"),
        Framework("nist-ai-rmf", "Artificial Intelligence Risk Management Framework (AI RMF 1.0), NIST AI 100-1",
                  "https://doi.org/10.6028/NIST.AI.100-1", _NIST_AI_RMF, form="GOVERN 1.1 .. MANAGE 4.3"),
        Framework("eu-ai-act", "Regulation (EU) 2024/1689 (Artificial Intelligence Act)",
                  "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32024R1689",
                  pattern=_EU_AI_ACT_RE, form="Art. N, Art. N(M), Art. N(M)(x) with N in 1..113, or Annex I..XIII"),
        Framework("owasp-llm-2025", "OWASP Top 10 for LLM Applications 2025",
                  "https://genai.owasp.org/llm-top-10/", _OWASP_LLM_2025, form="LLM01:2025 .. LLM10:2025"),
        Framework("owasp-llm-2026", "OWASP Top 10 for LLM Applications 2026",
                  "https://genai.owasp.org/resource/owasp-genai-llm-top-10-2026/", _OWASP_LLM_2026,
                  form="LLM01:2026 .. LLM10:2026"),
        Framework("owasp-agentic-2026", "OWASP Top 10 for Agentic Applications 2026",
                  "https://genai.owasp.org/resource/owasp-top-10-for-agentic-applications-for-2026/",
                  _OWASP_AGENTIC_2026, form="ASI01:2026 .. ASI10:2026"),
        Framework("iso-42001", "ISO/IEC 42001:2023 Artificial intelligence - Management system, Annex A",
                  "https://www.iso.org/standard/81230.html", _ISO_42001, form="A.2.2 .. A.10.4"),
    ]
}


def framework(key: str) -> Framework | None:
    """The framework registered under `key`, if any."""
    return FRAMEWORKS.get(key)


def is_valid(key: str, ident: str) -> bool:
    """Whether `ident` is an identifier of the framework `key` (False for an unknown key)."""
    fw = FRAMEWORKS.get(key)
    return fw is not None and ident in fw


def check_crosswalks(ctx: RuleContext) -> Iterable[Problem]:
    """E301 a `maps_to` key names no registered framework; E302 an identifier is not in its framework."""
    known = ", ".join(sorted(FRAMEWORKS))
    for checklist in ctx.catalog.records("checklist"):
        entry = ctx.entry(checklist.id)
        for i, section in enumerate(checklist.sections):
            for j, question in enumerate(section.questions):
                for key in sorted(question.maps_to):
                    loc = ("sections", i, "questions", j, "maps_to", key)
                    where = f"{section.id}/{question.id}"
                    fw = FRAMEWORKS.get(key)
                    if fw is None:
                        close = difflib.get_close_matches(key, list(FRAMEWORKS), n=1, cutoff=0.5)
                        yield error("E301", f"{where}: maps_to key {key!r} is not a known framework (known: {known})",
                                    entry.position(loc, key=True),
                                    hint=f"did you mean {close[0]!r}?" if close else None)
                        continue
                    for k, ident in enumerate(question.maps_to[key]):
                        if ident in fw:
                            continue
                        suggestion = fw.suggest(ident)
                        yield error("E302", f"{where}: {ident!r} is not an identifier of {key} (form: {fw.form})",
                                    entry.position((*loc, k)),
                                    hint=f"did you mean {suggestion!r}?" if suggestion else None)


# An OWASP risk id is `LLMnn` or `ASInn`; it is qualified when `:YYYY` follows. Upper case
# only, so URL slugs such as `llm01-prompt-injection` are not ids.
_BARE_OWASP_RE = re.compile(r"(?<![A-Za-z0-9])(?:LLM|ASI)[0-9]{2}(?![0-9])(?!:[0-9]{4})")
_OWASP_LISTS = sorted(key for key in FRAMEWORKS if key.startswith("owasp-"))


def check_bare_owasp_ids(ctx: RuleContext) -> Iterable[Problem]:
    """E303 an OWASP risk id without its year (`LLM01` for `LLM01:2025`) in any record's text.

    Editions renumber their lists (LLM03 is Supply Chain in 2025 and Excessive Agency in
    2026), so an unqualified id names no risk for certain. The file text is scanned line by
    line, so the position is the id itself, in prose, lists and `maps_to` alike.
    """
    editions = ", ".join(_OWASP_LISTS)
    for entry in ctx.catalog:
        for n, line in enumerate(entry.doc().text.splitlines(), start=1):
            for m in _BARE_OWASP_RE.finditer(line):
                ident = m.group(0)
                yield error("E303", f"{ident!r} has no edition year; write it as {ident}:YYYY "
                                    f"(lists: {editions})",
                            Position(entry.doc().path, n, m.start() + 1),
                            hint=f"for example {ident}:2025 for the 2025 list")


crosswalk_rules: list = [check_crosswalks, check_bare_owasp_ids]
"""The rules this module adds to `archkb check` (picked up by `archkb.rules.core.rule_sets`)."""
