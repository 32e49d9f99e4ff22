"""`archkb mcp`: the MCP server driven by the SDK's own stdio client, and its answers tested without the SDK.

The end-to-end tests start `python -m archkb mcp ROOT` once, on a copy of this repository's
knowledge base, run one scripted session (reads, refusals, a rejected and a valid draft, a
supersede plan) and then assert on what came back and on the files left behind.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import threading
from typing import Any

import pytest

import archkb
from archkb.core.fileio import root_lock
from archkb.mcp import drafts, queries
from conftest import ROOT

KB_PARTS = ("adr", "patterns", "checklists", "reviews", "principles", "archkb.yaml")
SITE_URL = "https://kb.example.org/arch/"
MKDOCS = f"""site_name: test
site_url: {SITE_URL}
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
extra:
  token: !ENV [NOT_SET, none]
"""

GOOD_DRAFT: dict[str, Any] = {
    "title": "Keep LLM evaluation results in one evaluation store",
    "context": "Evaluation runs of the harness write results to each team's own buckets.\n"
               "Nobody can compare a model version with the one before it.",
    "drivers": ["Compare model versions on the same cases", "Keep evidence for reviews"],
    "options": [{"title": "One evaluation store behind the gateway", "pros": ["One place to compare"]},
                {"title": "Results stay with each team", "cons": ["No comparison across teams"]}],
    "outcome": {"chosen": "One evaluation store behind the gateway",
                "rationale": "Reviews need results that can be compared across versions."},
    "links": [{"type": "applies", "target": "llm-evaluation-harness"},
              {"type": "depends_on", "target": "ADR-0014"}],
    "tags": ["evaluation", "llm"],
    "category": "genai",
}


def copy_kb(dest: str) -> str:
    os.makedirs(dest, exist_ok=True)
    for part in KB_PARTS:
        src = os.path.join(ROOT, part)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(dest, part))
        elif os.path.isfile(src):
            shutil.copy(src, dest)
    with open(os.path.join(dest, "mkdocs.yml"), "w", encoding="utf-8") as fh:
        fh.write(MKDOCS)
    return dest


def tree(root: str) -> dict[str, str]:
    """Every file under root with its content hash (to prove what a call did or did not write)."""
    out = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".archkb_cache"]
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as fh:
                out[os.path.relpath(path, root)] = hashlib.sha256(fh.read()).hexdigest()
    return out


async def _session(root: str, env: dict[str, str]) -> dict[str, Any]:
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    params = StdioServerParameters(command=sys.executable, args=["-m", "archkb", "mcp", root], env=env)
    got: dict[str, Any] = {}
    with open(os.devnull, "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as s:
            await s.initialize()
            got["tools"] = sorted(t.name for t in (await s.list_tools()).tools)
            got["prompts"] = sorted(p.name for p in (await s.list_prompts()).prompts)
            got["templates"] = [t.uri_template for t in (await s.list_resource_templates()).resource_templates]

            async def call(name: str, args: dict[str, Any]) -> Any:
                return await s.call_tool(name, args)

            got["search"] = await call("search", {"query": "drift"})
            got["search_decisions"] = await call("search", {"query": "drift", "kind": "decision"})
            got["get"] = await call("get_record", {"id": "ADR-0010"})
            got["get_superseded"] = await call("get_record", {"id": "ADR-0005"})
            got["traversal"] = await call("get_record", {"id": "../../etc/passwd"})
            got["traversal_impact"] = await call("impact", {"id": "../../etc/passwd"})
            got["traversal_supersede"] = await call("propose_supersede", {"old": "../../etc/passwd", "new": "ADR-0010"})
            got["resource"] = await s.read_resource("archkb://record/ADR-0010")
            got["tree0"] = tree(root)
            bad = {**GOOD_DRAFT, "links": [{"type": "depends_on", "target": "ADR-0999"}]}
            got["bad_draft"] = await call("draft_adr", bad)
            got["tree1"] = tree(root)
            got["bad_path_draft"] = await call("draft_adr", {**GOOD_DRAFT, "links": [
                {"type": "depends_on", "target": "../../etc/passwd"}]})
            got["tree2"] = tree(root)
            got["good_draft"] = await call("draft_adr", GOOD_DRAFT)
            got["tree3"] = tree(root)
            new_id = (got["good_draft"].structured_content or {}).get("id", "ADR-9999")
            got["supersede_plan"] = await call("propose_supersede", {"old": "ADR-0010", "new": new_id})
            got["tree4"] = tree(root)
            got["check"] = await call("check", {})
            got["score"] = await call("review_score", {"review_id": "claims-triage"})
            got["risks"] = await call("risk_register", {})
    return got


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    pytest.importorskip("mcp")
    base = tmp_path_factory.mktemp("mcp")
    root = copy_kb(str(base / "kb"))
    env = {"ARCHKB_TODAY": "2026-11-25", "ARCHKB_STATE_DIR": str(base / "state"),
           "PYTHONPATH": os.path.join(ROOT, "tooling")}
    got = asyncio.run(_session(root, env))
    got["root"] = root
    got["env"] = env
    return got


def _data(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    data: dict[str, Any] = result.structured_content
    return data


def _error(result: Any) -> str:
    assert result.is_error
    text: str = result.content[0].text
    return text


@pytest.mark.slow
def test_tool_prompt_and_resource_lists(session: dict[str, Any]) -> None:
    assert session["tools"] == sorted([
        "search", "get_record", "impact", "supersession_chain", "list_records", "check", "review_checklist",
        "review_score", "risk_register", "draft_adr", "propose_supersede"])
    assert session["prompts"] == ["prepare_review_meeting", "write_decision_record"]
    assert session["templates"] == ["archkb://record/{id}"]


@pytest.mark.slow
def test_search_finds_the_drift_decision(session: dict[str, Any]) -> None:
    results = _data(session["search"])["results"]
    ids = [r["id"] for r in results]
    assert "ADR-0010" in ids[:3]
    assert _data(session["search_decisions"])["results"][0]["id"] == "ADR-0010"
    first = results[0]
    assert set(first) >= {"id", "kind", "status", "title", "summary", "current"}


@pytest.mark.slow
def test_get_record_content_links_and_url(session: dict[str, Any]) -> None:
    rec = _data(session["get"])
    assert rec["id"] == "ADR-0010" and rec["kind"] == "decision" and rec["current"] is True
    source = archkb.load(session["root"]).entry("ADR-0010")
    assert rec["fields"] == source.record.model_dump(mode="json", by_alias=True, exclude_none=True)
    assert "drift" in rec["title"].lower() and "drift" in rec["fields"]["tags"]
    assert rec["path"] == source.path and rec["path"].startswith("adr/ADR-0010-")
    assert rec["url"] == SITE_URL + "decisions/ADR-0010/"
    assert rec["links_out"] and all({"type", "target", "title"} <= set(x) for x in rec["links_out"])
    assert json.loads(session["resource"].contents[0].text)["id"] == "ADR-0010"
    old = _data(session["get_superseded"])
    assert old["current"] is False and old["superseded_by"] == ["ADR-0011"] and "not current" in old["notice"]


@pytest.mark.slow
def test_path_traversal_ids_are_refused(session: dict[str, Any]) -> None:
    for key in ("traversal", "traversal_impact", "traversal_supersede"):
        assert "refused" in _error(session[key]) and "is not a" in _error(session[key])
    bad = _data(session["bad_path_draft"])
    assert not bad["written"] and {p["code"] for p in bad["problems"]} == {"E003"}
    assert session["tree2"] == session["tree1"]


@pytest.mark.slow
def test_draft_with_dangling_link_is_rejected_and_writes_nothing(session: dict[str, Any]) -> None:
    bad = _data(session["bad_draft"])
    assert bad["written"] is False
    e006 = [p for p in bad["problems"] if p["code"] == "E006"]
    assert e006 and "ADR-0999" in e006[0]["message"] and e006[0]["line"] > 1
    assert session["tree1"] == session["tree0"]


@pytest.mark.slow
def test_valid_draft_writes_exactly_one_file_that_check_accepts(session: dict[str, Any]) -> None:
    good = _data(session["good_draft"])
    assert good["written"] is True and good["problems"] == []
    top = max(int(name[4:8]) for name in os.listdir(os.path.join(ROOT, "adr")) if name.startswith("ADR-"))
    assert good["id"] == f"ADR-{top + 1:04d}"  # the next number above the repository's ADRs
    added = set(session["tree3"]) - set(session["tree0"])
    assert added == {good["path"]}
    assert {k: v for k, v in session["tree3"].items() if k in session["tree0"]} == session["tree0"]
    with open(os.path.join(session["root"], good["path"]), encoding="utf-8") as fh:
        assert fh.read() == good["content"]
    proc = subprocess.run([sys.executable, "-m", "archkb", "check", "--strict", session["root"]],
                          capture_output=True, text=True, env={**os.environ, **session["env"]}, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _data(session["check"])["errors"] == 0


@pytest.mark.slow
def test_supersede_is_only_planned_without_apply(session: dict[str, Any]) -> None:
    plan = _data(session["supersede_plan"])
    assert plan["applied"] is False and plan["written"] == []
    # supersede also dates the status change (and keeps the old date as `decided`), so the hunk holds both.
    assert "\n-status: accepted\n" in plan["diff"] and "\n+status: superseded\n" in plan["diff"]
    assert "\n+date: " in plan["diff"]
    assert "+- {type: supersedes, target: ADR-0010}" in plan["diff"]
    assert session["tree4"] == session["tree3"]


@pytest.mark.slow
def test_review_score_and_risk_register(session: dict[str, Any]) -> None:
    score = _data(session["score"])
    assert {"totals", "high_risks", "medium_risks", "improvement_plan"} <= set(score)
    risks = _data(session["risks"])["risks"]
    order = {"high": 0, "medium": 1, "low": 2}
    assert [order[r["rating"]] for r in risks] == sorted(order[r["rating"]] for r in risks)


# ------------------------------------------------------------------ without the SDK (fast)


@pytest.fixture
def kb_root(tmp_path: Any) -> str:
    return copy_kb(str(tmp_path / "kb"))


@pytest.mark.parametrize("bad", ["../../etc/passwd", "/etc/passwd", "ADR-0001/../x", "", "a" * 81, "Feature Store",
                                 "adr\\x", 7, None])
def test_checked_id_refuses_non_ids(bad: object) -> None:
    with pytest.raises(archkb.UsageError, match="refused"):
        queries.checked_id(bad)


def test_exact_id_ranks_first(kb_root: str) -> None:
    kb = archkb.load(kb_root)
    assert queries.search(kb, "ADR-0011")["results"][0]["id"] == "ADR-0011"
    assert queries.search(kb, "zyxwv qqqq")["results"] == []
    assert queries.search(kb, "what is the")["results"] == []  # stop words alone match nothing


def test_site_url_read_without_running_python_tags(kb_root: str) -> None:
    assert queries.site_base(kb_root) == (SITE_URL, True)
    with open(os.path.join(kb_root, "mkdocs.yml"), "w", encoding="utf-8") as fh:
        fh.write("site_url: !!python/object/apply:os.system ['echo pwned']\n")
    assert queries.site_base(kb_root) == (None, True)


def test_dangling_link_and_wrong_link_type_are_problems(kb_root: str, monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Any) -> None:
    monkeypatch.setenv("ARCHKB_STATE_DIR", str(tmp_path / "state"))
    before = tree(kb_root)
    out = drafts.draft_adr(kb_root, {**GOOD_DRAFT, "links": [{"type": "applies", "target": "ADR-0010"}],
                                     "outcome": {"chosen": "Neither", "rationale": "x"}})
    assert not out["written"] and sorted(p["code"] for p in out["problems"]) == ["E007", "E018"]
    assert tree(kb_root) == before


def test_supersede_apply_edits_both_files(kb_root: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setenv("ARCHKB_STATE_DIR", str(tmp_path / "state"))
    new = drafts.draft_adr(kb_root, GOOD_DRAFT)["id"]
    out = drafts.propose_supersede(kb_root, "ADR-0010", new, apply=True)
    assert out["applied"] and len(out["written"]) == 2
    kb = archkb.load(kb_root)
    assert getattr(kb.get("ADR-0010"), "status", None) == "superseded"
    assert queries.chain_of(kb, "ADR-0010")["chain"][-1]["id"] == new


def test_root_lock_is_reentrant_in_a_thread_and_exclusive_across_threads(tmp_path: Any,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHKB_STATE_DIR", str(tmp_path / "state"))
    root = str(tmp_path)
    entered = threading.Event()

    def other() -> None:
        with root_lock(root):
            entered.set()

    with root_lock(root), root_lock(root):  # re-entering in one thread does not deadlock
        t = threading.Thread(target=other, daemon=True)
        t.start()
        assert not entered.wait(0.3)  # another thread waits while this one holds the lock
    assert entered.wait(5)
    t.join(5)


def test_supersede_refuses_what_a_pull_request_may_not_do(kb_root: str, monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Any) -> None:
    monkeypatch.setenv("ARCHKB_STATE_DIR", str(tmp_path / "state"))
    new = drafts.draft_adr(kb_root, GOOD_DRAFT)["id"]
    before = tree(kb_root)
    with pytest.raises(archkb.UsageError, match=r"ADR-0005 is superseded \(by ADR-0011"):
        drafts.propose_supersede(kb_root, "ADR-0005", new, apply=True)
    with pytest.raises(archkb.UsageError, match="is proposed"):
        drafts.propose_supersede(kb_root, new, "ADR-0010", apply=True)
    with pytest.raises(archkb.UsageError, match="not a decision id"):
        drafts.propose_supersede(kb_root, "feature-store", new)
    assert tree(kb_root) == before


def test_cli_reports_a_missing_folder_and_a_missing_sdk(tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    from archkb.cli import main

    assert main(["mcp", str(tmp_path / "nowhere")]) == 2
    assert "no such folder" in capsys.readouterr().err
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "mcp" else real(name, *a))
    assert main(["mcp", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "needs the MCP SDK" in err and "archkb[mcp]" in err
