"""Crosswalk registry: framework sizes, valid and invalid identifiers, and E301/E302 with positions."""

from __future__ import annotations

import os
import textwrap

import pytest

from archkb.core.catalog import load_catalog
from archkb.reviews.frameworks import FRAMEWORKS, crosswalk_rules, is_valid
from archkb.rules import check_catalog, rule_sets

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_the_seven_frameworks_are_registered() -> None:
    assert sorted(FRAMEWORKS) == ["eu-ai-act", "iso-42001", "ml-test-score", "nist-ai-rmf", "owasp-agentic-2026",
                                  "owasp-llm-2025", "owasp-llm-2026"]
    for fw in FRAMEWORKS.values():
        assert fw.title and fw.url.startswith("https://")


@pytest.mark.parametrize(("key", "count"), [
    ("ml-test-score", 28), ("owasp-llm-2025", 10), ("owasp-llm-2026", 10), ("owasp-agentic-2026", 10),
    ("nist-ai-rmf", 72), ("iso-42001", 38)])
def test_framework_sizes(key: str, count: int) -> None:
    assert len(FRAMEWORKS[key].ids) == count


def test_ml_test_score_has_four_sections_of_seven() -> None:
    ids = FRAMEWORKS["ml-test-score"].ids
    for section in ("Data", "Model", "Infra", "Monitor"):
        assert [i for i in ids if i.startswith(section + " ")] == [f"{section} {n}" for n in range(1, 8)]


def test_nist_functions_have_their_subcategory_counts() -> None:
    ids = FRAMEWORKS["nist-ai-rmf"].ids
    counts = {fn: sum(1 for i in ids if i.split()[0] == fn) for fn in ("GOVERN", "MAP", "MEASURE", "MANAGE")}
    assert counts == {"GOVERN": 19, "MAP": 18, "MEASURE": 22, "MANAGE": 13}
    assert "MEASURE 2.13" in ids and "GOVERN 1.7" in ids and "MANAGE 4.3" in ids


def test_iso_objectives_have_their_control_counts() -> None:
    ids = FRAMEWORKS["iso-42001"].ids
    per = {f"A.{n}": sum(1 for i in ids if i.split(".")[1] == str(n)) for n in range(2, 11)}
    assert per == {"A.2": 3, "A.3": 2, "A.4": 5, "A.5": 4, "A.6": 9, "A.7": 5, "A.8": 4, "A.9": 3, "A.10": 3}


@pytest.mark.parametrize(("key", "ident"), [
    ("ml-test-score", "Data 1"), ("ml-test-score", "Monitor 7"), ("ml-test-score", "Infra 6"),
    ("nist-ai-rmf", "GOVERN 1.1"), ("nist-ai-rmf", "MAP 5.2"), ("nist-ai-rmf", "MEASURE 2.11"),
    ("owasp-llm-2025", "LLM01:2025"), ("owasp-llm-2025", "LLM10:2025"),
    ("owasp-llm-2026", "LLM01:2026"), ("owasp-llm-2026", "LLM10:2026"),
    ("owasp-agentic-2026", "ASI01:2026"), ("owasp-agentic-2026", "ASI10:2026"),
    ("iso-42001", "A.2.2"), ("iso-42001", "A.6.2.8"), ("iso-42001", "A.10.4"),
    ("eu-ai-act", "Art. 1"), ("eu-ai-act", "Art. 10"), ("eu-ai-act", "Art. 6(3)"), ("eu-ai-act", "Art. 6(3)(a)"),
    ("eu-ai-act", "Art. 113"), ("eu-ai-act", "Annex III"), ("eu-ai-act", "Annex XIII"),
])
def test_valid_identifiers(key: str, ident: str) -> None:
    assert is_valid(key, ident)


@pytest.mark.parametrize(("key", "ident"), [
    ("ml-test-score", "Data 8"), ("ml-test-score", "Data 0"), ("ml-test-score", "data 1"), ("ml-test-score", "Infra1"),
    ("nist-ai-rmf", "GOVERN 1.8"), ("nist-ai-rmf", "MEASURE 2.14"), ("nist-ai-rmf", "GV-1.1"), ("nist-ai-rmf", "MAP 6.1"),
    ("owasp-llm-2025", "LLM01"), ("owasp-llm-2025", "LLM11:2025"), ("owasp-llm-2025", "LLM01:2023"),
    ("owasp-llm-2026", "LLM01:2025"), ("owasp-llm-2026", "LLM11:2026"), ("owasp-agentic-2026", "ASI01"),
    ("owasp-agentic-2026", "ASI11:2026"), ("owasp-agentic-2026", "LLM01:2026"),
    ("iso-42001", "A.2.1"), ("iso-42001", "A.6.2.9"), ("iso-42001", "A.11.2"), ("iso-42001", "6.1.3"),
    ("eu-ai-act", "Art. 0"), ("eu-ai-act", "Art. 114"), ("eu-ai-act", "Article 10"), ("eu-ai-act", "Art.10"),
    ("eu-ai-act", "Art. 010"), ("eu-ai-act", "Annex XIV"), ("eu-ai-act", "Art. 6(0)"),
    ("no-such-framework", "Data 1"),
])
def test_invalid_identifiers(key: str, ident: str) -> None:
    assert not is_valid(key, ident)


def test_rules_are_picked_up_by_the_checker() -> None:
    assert all(rule in rule_sets() for rule in crosswalk_rules)


CHECKLIST = textwrap.dedent("""\
    # yaml-language-server: $schema=../tooling/archkb/schemas/checklist.schema.json
    id: crosswalk-demo
    title: Crosswalk demo
    family: crosswalk-demo
    version: "1"
    description: A checklist whose maps_to has one good and several bad entries.
    sections:
      - id: only
        title: Only section
        questions:
          - id: good
            text: Is it good?
            rationale: Because.
            severity: low
            maps_to:
              ml-test-score: [Data 1, Monitor 7]
              nist-ai-rmf: [MAP 1.1]
          - id: bad
            text: Is it bad?
            rationale: Because.
            severity: low
            maps_to:
              nist: [MAP 1.1]
              owasp-llm-2025: [LLM01:2025, LLM11:2025]
              iso-42001: [A.6.2.9]
    """)


def _kb(tmp_path: os.PathLike[str]) -> str:
    root = os.fspath(tmp_path)
    with open(os.path.join(ROOT, "archkb.yaml"), encoding="utf-8") as src:
        config = src.read()
    with open(os.path.join(root, "archkb.yaml"), "w", encoding="utf-8") as out:
        out.write(config)
    os.makedirs(os.path.join(root, "checklists"))
    with open(os.path.join(root, "checklists", "crosswalk-demo.yaml"), "w", encoding="utf-8") as out:
        out.write(CHECKLIST)
    return root


def test_unknown_keys_and_ids_are_reported_at_their_positions(tmp_path: os.PathLike[str]) -> None:
    result = check_catalog(load_catalog(_kb(tmp_path), use_cache=False))
    found = sorted((p.code, p.position.line, p.position.col) for p in result.problems if p.code.startswith("E30"))
    # line 23 `nist:` (the key), line 24 the second item of its list, line 25 the first item.
    assert found == [("E301", 23, 11), ("E302", 24, 40), ("E302", 25, 23)]
    messages = {p.message for p in result.problems if p.code == "E302"}
    assert any("LLM11:2025" in m and "owasp-llm-2025" in m for m in messages)
    e301 = next(p for p in result.problems if p.code == "E301")
    assert "nist-ai-rmf" in (e301.hint or "")


def test_repository_crosswalks_are_all_valid() -> None:
    """Every crosswalk id in this repository's own checklists belongs to its framework."""
    result = check_catalog(load_catalog(ROOT, use_cache=False))
    assert [str(p) for p in result.problems if p.code in ("E301", "E302")] == []


def test_the_2026_list_renumbers_the_2025_one() -> None:
    """The reason ids carry their year: the same number names another risk in 2026."""
    assert FRAMEWORKS["owasp-llm-2025"].title_of("LLM03:2025") == "Supply Chain"
    assert FRAMEWORKS["owasp-llm-2026"].title_of("LLM03:2026") == "Excessive Agency"
    assert FRAMEWORKS["owasp-llm-2026"].title_of("LLM09:2026") == "Vector and Embedding Weaknesses"


PATTERN_WITH_BARE_IDS = textwrap.dedent("""\
    # yaml-language-server: $schema=../tooling/archkb/schemas/pattern.schema.json
    id: bare-demo
    name: Bare id demo
    category: genai
    status: draft
    summary: Mentions OWASP LLM01:2025 correctly and LLM08 without a year.
    problem: Does ASI01:2026 pass while ASI06 fails?
    context: |
      Prose with LLM10 and the slug llm01-prompt-injection and LLM011 and XLLM01.
    solution: Qualify every id.
    """)


def test_bare_owasp_ids_are_reported_at_the_id(tmp_path: os.PathLike[str]) -> None:
    root = _kb(tmp_path)
    os.makedirs(os.path.join(root, "patterns"))
    with open(os.path.join(root, "patterns", "bare-demo.yaml"), "w", encoding="utf-8") as out:
        out.write(PATTERN_WITH_BARE_IDS)
    result = check_catalog(load_catalog(root, use_cache=False))
    found = sorted((p.position.path, p.position.line, p.position.col, p.message.split("'")[1])
                   for p in result.problems if p.code == "E303")
    assert found == [("patterns/bare-demo.yaml", 6, 50, "LLM08"),
                     ("patterns/bare-demo.yaml", 7, 37, "ASI06"),
                     ("patterns/bare-demo.yaml", 9, 14, "LLM10")]
    assert all(p.is_error for p in result.problems if p.code == "E303")


def test_repository_has_no_bare_owasp_ids() -> None:
    result = check_catalog(load_catalog(ROOT, use_cache=False))
    assert [str(p.position) for p in result.problems if p.code == "E303"] == []


def test_a_broken_rule_module_crashes_the_check_instead_of_passing(tmp_path) -> None:
    """Fail loud: with the crosswalk rules unable to import, `archkb check` must not exit 0."""
    import shutil
    import subprocess
    import sys

    pkg = tmp_path / "src" / "archkb"
    shutil.copytree(os.path.join(ROOT, "tooling", "archkb"), pkg, ignore=shutil.ignore_patterns("__pycache__"))
    target = pkg / "reviews" / "frameworks.py"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("from __future__ import annotations\n",
                                   "from __future__ import annotations\n\nraise ImportError('broken on purpose')\n", 1),
                      encoding="utf-8")
    kb = tmp_path / "kb"
    shutil.copytree(os.path.join(ROOT, "checklists"), kb / "checklists")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}
    proc = subprocess.run([sys.executable, "-m", "archkb", "check", str(kb)], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode != 0
    assert "broken on purpose" in proc.stderr
    assert "0 error(s)" not in proc.stdout
