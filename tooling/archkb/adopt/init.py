"""`archkb init`: plan and write a working knowledge base into any repository, creating files and never overwriting.

A team runs it once in its own repository and gets everything archkb needs there: the
MkDocs and archkb settings, a home page, a first decision, editor schemas inside the
repository (so record modelines resolve), a CI workflow, a pre-commit hook and a pull-request
template. The plan is computed first (`plan_init`), so `--dry-run` shows exactly what a run
would do; `apply_init` writes it through one `Transaction`, all or nothing. Existing files are
never replaced: they are reported as skipped, and a second run changes nothing. The only
edit to an existing file is appending missing lines to `.gitignore`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from dataclasses import dataclass, field

import yaml

from archkb import __version__
from archkb.core.config import KbConfig
from archkb.core.fileio import Transaction
from archkb.core.kinds import KINDS
from archkb.core.schema import schema_comment, schema_file, schema_text

SCHEMA_DIR = ".archkb/schemas"
GITIGNORE = ("/site/", ".archkb_cache/")
FIRST_ADR = "ADR-0001-record-architecture-decisions.yaml"

# Folders where Markdown decision logs usually live (adr-tools, MADR, log4brains defaults and common variants).
LEGACY_FOLDERS = ("docs/adr", "doc/adr", "docs/adrs", "docs/architecture/decisions", "doc/architecture/decisions",
                  "docs/architecture/adr", "docs/decisions", "architecture/decisions", "decisions", "adr-md",
                  "docs/architecture-decisions", "docs/design/decisions")

DEFAULT_CATEGORIES = (
    ("architecture", "Architecture and structure"),
    ("data", "Data and storage"),
    ("integration", "Integration and APIs"),
    ("infrastructure", "Infrastructure and platform"),
    ("security", "Security and privacy"),
    ("process", "Process and ways of working"),
)

# The same hook as this project's .pre-commit-hooks.yaml (tests/test_init.py keeps them equal), run from the
# archkb the repository already installs, so it works before the team picks a pinned hook repository.
HOOK = {"id": "archkb-check", "name": "archkb check", "entry": "archkb check", "language": "system",
        "files": r"\.ya?ml$", "pass_filenames": False}


@dataclass
class InitPlan:
    """What `archkb init` would do in one folder: files to create, files skipped, lines appended, advice."""

    root: str
    create: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    """Relative path -> why it is not written (it exists, ...)."""
    append: dict[str, str] = field(default_factory=dict)
    """Existing files that get lines appended (only `.gitignore`) -> their new full text."""
    legacy: list[str] = field(default_factory=list)
    """Folders holding Markdown ADRs to import."""
    import_commands: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    """Legacy folders under docs/ that mkdocs.yml must exclude (docs-relative)."""
    repo_url: str | None = None


def _git(root: str, *args: str) -> str | None:
    try:
        out = subprocess.run(["git", "-C", root, *args], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def web_url(remote: str) -> str | None:
    """The https address of a git remote (`git@host:org/repo.git`, `ssh://git@host/org/repo`, `https://...`)."""
    remote = remote.strip()
    m = re.match(r"^(?:ssh://)?[\w.-]+@([\w.-]+)[:/](.+?)(?:\.git)?/?$", remote)
    if m:
        return f"https://{m[1]}/{m[2]}"
    m = re.match(r"^https?://(?:[^@/]+@)?([^/]+)/(.+?)(?:\.git)?/?$", remote)
    if m:
        return f"https://{m[1]}/{m[2]}"
    return None


def default_branch(root: str) -> str:
    """origin's default branch, else the current branch, else `main`."""
    head = _git(root, "symbolic-ref", "--short", "refs/remotes/origin/HEAD")
    if head and "/" in head:
        return head.split("/", 1)[1]
    return _git(root, "symbolic-ref", "--short", "HEAD") or "main"


def edit_uri(url: str, branch: str) -> str:
    """The edit path MkDocs appends to `repo_url` (GitLab's differs from GitHub's and Gitea's)."""
    return f"-/edit/{branch}/docs/" if "gitlab" in url else f"edit/{branch}/docs/"


def find_legacy_logs(root: str) -> list[str]:
    """Folders under `root` that hold Markdown ADRs (known places, or any folder of numbered `NNNN-*.md` files)."""
    found = set()
    for rel in LEGACY_FOLDERS:
        folder = os.path.join(root, *rel.split("/"))
        if os.path.isdir(folder) and any(n.lower().endswith(".md") and n.lower() not in ("readme.md", "index.md")
                                         for n in os.listdir(folder)):
            found.add(rel)
    for base, dirs, names in os.walk(root):
        rel = os.path.relpath(base, root).replace(os.sep, "/")
        depth = 0 if rel == "." else rel.count("/") + 1
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("node_modules", "site", "venv"))
        if depth >= 3:
            dirs[:] = []
        if rel != "." and sum(1 for n in names if re.match(r"^\d{3,4}-.+\.md$", n)) >= 2:
            found.add(rel)
    return sorted(found)


def mkdocs_yml(title: str, repo_url: str | None, branch: str, exclude: list[str]) -> str:
    """The MkDocs settings: Material with the archkb plugin (which brings the record templates itself)."""
    lines = [
        "# Written by `archkb init`. The archkb plugin adds the record pages, index pages, diagrams and navigation,",
        "# and registers its page templates; a `theme.custom_dir` of your own still overrides them.",
        f"site_name: {_q(title)}",
    ]
    if repo_url:
        lines += [f"repo_url: {repo_url}", f"edit_uri: {edit_uri(repo_url, branch)}"]
    lines += [
        "theme:",
        "  name: material",
        "  font: false  # no web fonts: the pages make no requests to other hosts",
        "  features: [navigation.indexes, navigation.prune, search.suggest, search.highlight, content.action.edit]",
        "plugins:",
        "  - search",
        "  - archkb",
        "markdown_extensions:",
        "  - admonition",
        "  - attr_list",
        "  - tables",
        "  - toc:",
        "      permalink: true",
    ]
    if exclude:
        lines += ["# The Markdown decision log is published as imported records (`archkb import`), not a second time.",
                  "exclude_docs: |", *(f"  /{e.strip('/')}/" for e in exclude)]
    return "\n".join(lines) + "\n"


def _q(text: str) -> str:
    return yaml.safe_dump(text, allow_unicode=True, width=1000).removesuffix("\n...\n").strip()


def archkb_yml(title: str, categories: list[tuple[str, str]]) -> str:
    """`archkb.yaml`: the title, the category vocabulary and where the editor schemas live."""
    config = KbConfig.model_validate({"title": title, "schema_dir": SCHEMA_DIR,
                                      "categories": [{"id": c, "title": t} for c, t in categories]})
    lines = ["# archkb settings: the knowledge base's title, its categories, and where the editor schemas live",
             "# (`archkb schema --write` refreshes them after an upgrade).",
             f"title: {_q(config.title)}", f"schema_dir: {config.schema_dir}", "categories:"]
    for c in config.categories:
        lines += [f"  - id: {c.id}", f"    title: {_q(c.title)}"]
    return "\n".join(lines) + "\n"


def index_md(title: str) -> str:
    return (f"# {title}\n\n"
            "The architecture decisions of this repository, kept as YAML records under `adr/` and checked by "
            "`archkb check` on every pull request.\n\n"
            "<!-- archkb:home -->\n\n"
            "Start a decision with `archkb new adr \"Title\"`; the [decision log](decisions/index.md) lists them all.\n")


def first_adr(today: dt.date) -> str:
    """ADR-0001, "Record architecture decisions": a complete, valid first record the team can keep or edit."""
    d = today.isoformat()
    return f"""{schema_comment("decision", SCHEMA_DIR)}
id: ADR-0001
title: Record architecture decisions
status: accepted
date: {d}
decided: {d}
category: process
tags: [adr]
context: |
  Decisions about this system's structure are taken in meetings, chat threads and pull-request
  comments, and are hard to find later. People who join cannot tell which decisions are current,
  and settled questions are reopened.
drivers:
  - Every significant decision can be found, with its reasons and whether it still holds.
  - Decisions are proposed and reviewed in the same pull requests as the code.
options:
  - title: Decision records kept in the repository and checked by archkb
    summary: One YAML file per decision under adr/, validated in CI and published as a site.
    pros: [Reviewed with the code, Status and links between decisions are checked]
    cons: [Authors learn a small schema (the editor completes it)]
  - title: Pages in a wiki
    pros: [Quick to edit]
    cons: [No review step, History is separate from the code]
outcome:
  chosen: Decision records kept in the repository and checked by archkb
  rationale: |
    Records next to the code are reviewed like code, and a check in CI keeps their status and
    links consistent; the site makes them readable for people outside the team.
consequences:
  positive:
    - Every significant decision has a record with its context, options and consequences.
  negative:
    - Each significant change needs a record, which takes some minutes to write.
confirmation: |
  Pull requests that change the architecture add or update a record under `adr/`, and the
  archkb workflow passes.
"""


def workflow_yml(install: str) -> str:
    """A GitHub workflow for the team's own repository: annotations and a summary comment on pull requests,
    a strict site build on every push, the site uploaded as an artifact."""
    return """# Written by `archkb init`. Pull requests: archkb check with inline annotations, the pull-request rules
# (id collisions, edits to accepted decisions) and one summary comment; every push: a strict site build.
name: archkb
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
env:
  # Where archkb is installed from: a version on an index, a wheel URL, or git+https://...@TAG.
  ARCHKB_INSTALL: "@INSTALL@"
jobs:
  check:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # the pull-request rules compare with the base branch
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install "$ARCHKB_INSTALL"
      - run: archkb check --format github .
      - run: archkb check . --base "origin/${{ github.base_ref }}"
  summary:
    # Fork pull requests get no token that may comment, so they are skipped.
    if: github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pull-requests: write
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install "$ARCHKB_INSTALL"
      - run: archkb diff "origin/${{ github.base_ref }}" --format markdown > "$RUNNER_TEMP/summary.md"
      - name: post or update the summary comment
        env:
          GH_TOKEN: ${{ github.token }}
          PR: ${{ github.event.pull_request.number }}
        run: |
          marker='<!-- archkb-pr-summary -->'
          id=$(gh api "repos/${{ github.repository }}/issues/$PR/comments" --paginate \\
                 --jq ".[] | select(.body | startswith(\\"$marker\\")) | .id" | head -n 1)
          if [ -n "$id" ]; then
            gh api --method PATCH "repos/${{ github.repository }}/issues/comments/$id" -F "body=@$RUNNER_TEMP/summary.md"
          else
            gh api --method POST "repos/${{ github.repository }}/issues/$PR/comments" -F "body=@$RUNNER_TEMP/summary.md"
          fi
  site:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: sudo apt-get update && sudo apt-get install -y graphviz
      - run: pip install "$ARCHKB_INSTALL"
      - run: mkdocs build --strict
      - uses: actions/upload-artifact@v4
        with:
          name: site
          path: site
""".replace("@INSTALL@", install.replace('"', ""))


def precommit_yml() -> str:
    """`.pre-commit-config.yaml` running archkb's `archkb-check` hook."""
    hook = yaml.safe_dump([HOOK], sort_keys=False, width=1000).rstrip("\n").replace("\n", "\n      ")
    return ("# Written by `archkb init`: run `pre-commit install` once; every commit that touches YAML is checked.\n"
            "# The hook is archkb's `archkb-check` (its .pre-commit-hooks.yaml), run from the archkb installed here.\n"
            "# To pin it instead: repo: <archkb's git URL>, rev: <tag>, hooks: [{id: archkb-check}].\n"
            "repos:\n  - repo: local\n    hooks:\n      " + hook + "\n")


PR_TEMPLATE = """<!-- Written by `archkb init`. -->
## What changes

## Architecture decisions

- [ ] No architecture decision is affected, or
- [ ] a record under `adr/` is added or updated (`archkb new adr "Title"`), and `archkb check` passes
- [ ] a decision this one replaces is marked: `archkb new adr "Title" --supersedes ADR-NNNN`,
      or `archkb supersede ADR-OLD --by ADR-NEW` for two existing records
"""


def _gitignore(root: str) -> tuple[str, str | None]:
    """(the text .gitignore should have, its current text or None)."""
    path = os.path.join(root, ".gitignore")
    current = None
    if os.path.isfile(path):
        with open(path, encoding="utf-8", errors="replace") as fh:
            current = fh.read()
    present = {line.strip() for line in (current or "").splitlines()}
    missing = [e for e in GITIGNORE if e not in present and e.rstrip("/") not in present]
    if current is not None and not missing:
        return current, current
    head = current if current is not None else ""
    if head and not head.endswith("\n"):
        head += "\n"
    return head + "# archkb: the built site and the check cache\n" + "".join(e + "\n" for e in missing), current


def plan_init(root: str, *, title: str | None = None, install: str | None = None,
              categories: list[tuple[str, str]] | None = None, today: dt.date | None = None) -> InitPlan:
    """Everything `archkb init` would write in `root`, without writing anything."""
    root = os.path.abspath(root)
    title = title or f"{os.path.basename(root) or 'Architecture'} — architecture decisions"
    plan = InitPlan(root)
    remote = _git(root, "remote", "get-url", "origin") if os.path.isdir(root) else None
    plan.repo_url = web_url(remote) if remote else None
    branch = default_branch(root) if os.path.isdir(root) else "main"
    plan.legacy = find_legacy_logs(root) if os.path.isdir(root) else []
    docs_rel = plan.exclude = [p[len("docs/"):] for p in plan.legacy if p.startswith("docs/")]
    files = {
        "mkdocs.yml": mkdocs_yml(title, plan.repo_url, branch, docs_rel),
        "archkb.yaml": archkb_yml(title, categories or list(DEFAULT_CATEGORIES)),
        "docs/index.md": index_md(title),
        ".github/workflows/archkb.yml": workflow_yml(install or f"archkb=={__version__}"),
        ".github/pull_request_template.md": PR_TEMPLATE,
        ".pre-commit-config.yaml": precommit_yml(),
        **{f"{SCHEMA_DIR}/{schema_file(k)}": schema_text(k) for k in sorted(KINDS)},
    }
    adr_dir = os.path.join(root, KINDS["decision"].folder)
    taken = os.path.isdir(adr_dir) and any(n.startswith("ADR-0001") for n in os.listdir(adr_dir))
    if plan.legacy:
        plan.skipped[f"adr/{FIRST_ADR}"] = "a Markdown log is here: its own records are imported instead"
    elif taken:
        plan.skipped[f"adr/{FIRST_ADR}"] = "ADR-0001 exists"
    else:
        files[f"adr/{FIRST_ADR}"] = first_adr(today or dt.date.today())
    for rel, text in sorted(files.items()):
        if os.path.lexists(os.path.join(root, *rel.split("/"))):
            plan.skipped[rel] = "exists; left as it is"
        else:
            plan.create[rel] = text
    wanted, current = _gitignore(root)
    if current is None:
        plan.create[".gitignore"] = wanted
    elif wanted != current:
        plan.append[".gitignore"] = wanted
    for folder in plan.legacy:
        command = f"archkb import {folder}"
        if plan.repo_url:
            command += f" --source-url {plan.repo_url}/blob/{branch}/{folder}/"
        plan.import_commands.append(command)
    return plan


def apply_init(plan: InitPlan) -> list[str]:
    """Write the plan in one transaction (all files or none); returns the relative paths written."""
    os.makedirs(plan.root, exist_ok=True)
    txn = Transaction(plan.root)
    for rel, text in sorted(plan.create.items()):
        txn.create(rel, text)
    for rel, text in sorted(plan.append.items()):
        txn.replace(rel, text)
    return txn.commit()
