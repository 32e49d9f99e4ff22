"""The knowledge base compared at two git revisions: the pull-request rules and the diff model.

A revision is materialised by `git archive` into a temporary folder (only the record
folders and `archkb.yaml`) and loaded with the ordinary catalog, so the working tree is
never touched. Changes are judged against the merge base (what GitHub's three-dot diff
shows); id collisions are judged against the tip of the base branch, where a parallel
branch may already have taken the number.
"""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from typing import Any

from archkb.core.catalog import Catalog, Entry, load_catalog
from archkb.core.errors import GitError
from archkb.core.kinds import RECORD_FOLDERS
from archkb.core.problems import Position, Problem, error, warning
from archkb.core.snapshot import CONFIG_FILE

# Fields of an accepted decision that carry the decision itself; changing them rewrites
# history. Status, date, review_by, links, people, tags, risks and confirmation may change.
DECISION_FIELDS = ("context", "drivers", "options", "outcome", "consequences")

ADR_RE = re.compile(r"^ADR-(\d{4,})$")


def _git(root: str, *args: str) -> str:
    proc = subprocess.run(["git", "-C", root, *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {proc.stderr.strip() or 'failed'}")
    return proc.stdout


def resolve(root: str, ref: str) -> str:
    """The commit id of `ref`; GitError when it is not a revision here."""
    if ref.startswith("-"):
        raise GitError(f"not a git revision: {ref!r}")
    try:
        return _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip()
    except GitError:
        raise GitError(f"not a git revision: {ref!r}") from None


def merge_base(root: str, base: str, head: str = "HEAD") -> str:
    """Where `head` branched from `base`; `base` itself when they share no history."""
    try:
        return _git(root, "merge-base", resolve(root, base), resolve(root, head)).strip()
    except GitError:
        return resolve(root, base)


def load_at(root: str, ref: str) -> Catalog:
    """The catalog as it is at git revision `ref`, without touching the working tree."""
    commit = resolve(root, ref)
    prefix = _git(root, "rev-parse", "--show-prefix").strip()
    proc = subprocess.run(["git", "-C", root, "archive", "--format=tar", f"{commit}:{prefix}"],
                          capture_output=True, check=False)
    if proc.returncode != 0:
        raise GitError(f"git archive {ref}: {proc.stderr.decode(errors='replace').strip()}")
    wanted = set(RECORD_FOLDERS) | {CONFIG_FILE}
    with tempfile.TemporaryDirectory(prefix="archkb-rev-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as tar:
            members = [m for m in tar.getmembers()
                       if m.name.split("/", 1)[0] in wanted and (m.isfile() or m.isdir())]
            tar.extractall(tmp, members=members, filter="data")
        # Sources are kept in memory by the catalog, so the folder can go.
        return load_catalog(tmp, use_cache=False)


_ADR_FILE_RE = re.compile(r"^ADR-(\d{1,9})(?:[-.]|$)")


def adr_numbers(catalog: Catalog) -> set[int]:
    """ADR numbers in use: by valid records' ids, and by file names too (an invalid or unreadable file holds its number)."""
    out = set()
    names = [e.path for e in catalog.entries] + [p.position.path for p in catalog.problems]
    for e in catalog.entries:
        m = ADR_RE.match(e.record.id) if e.record is not None else None
        if m:
            out.add(int(m.group(1)))
    for path in names:
        if path.startswith("adr/"):
            m = _ADR_FILE_RE.match(path[4:])
            if m:
                out.add(int(m.group(1)))
    return out


def next_adr_id(*catalogs: Catalog) -> str:
    """The first ADR number above every number used in any of the catalogs."""
    used: set[int] = set()
    for c in catalogs:
        used |= adr_numbers(c)
    return f"ADR-{max(used, default=0) + 1:04d}"


ADR_FILE_RE = re.compile(r"^ADR-(\d{4,})(?:-[^/]*)?\.yaml$")


def remote_adr_numbers(root: str) -> dict[int, list[str]]:
    """ADR number -> the remote-tracking branches (`refs/remotes/*`) whose decision folder holds it.

    Read from file names with `git ls-tree` (records are named after their ids, E004), so an
    open pull request's number is seen without loading its records. Empty outside a repository.
    """
    from archkb.core.kinds import kind

    try:
        refs = _git(root, "for-each-ref", "--format=%(refname:short) %(symref)", "refs/remotes").splitlines()
        prefix = _git(root, "rev-parse", "--show-prefix").strip()
    except GitError:
        return {}
    folder = prefix + kind("decision").folder
    out: dict[int, list[str]] = {}
    for line in sorted(refs):
        name, _, symref = line.partition(" ")
        if symref.strip() or not name:
            continue  # origin/HEAD points at a branch that is listed anyway
        try:
            files = _git(root, "ls-tree", "--name-only", f"{name}:{folder}").splitlines()
        except GitError:
            continue  # the branch has no decision folder
        for file in files:
            m = ADR_FILE_RE.match(file)
            if m:
                out.setdefault(int(m[1]), []).append(name)
    return out


def next_free_adr(catalogs: list[Catalog], remote: dict[int, list[str]]) -> tuple[str, list[tuple[str, list[str]]]]:
    """The next ADR id above every number in `catalogs` that no remote branch uses either, and the ids skipped
    with the branches that hold them (so the author knows which open pull request took a number)."""
    n = max((x for c in catalogs for x in adr_numbers(c)), default=0) + 1
    skipped = []
    while n in remote:
        skipped.append((f"ADR-{n:04d}", sorted(remote[n])))
        n += 1
    return f"ADR-{n:04d}", skipped


def _status(entry: Entry) -> str | None:
    status = getattr(entry.record, "status", None)
    return getattr(status, "value", status)


def _data(entry: Entry) -> dict[str, Any]:
    return entry.record.model_dump(mode="json", by_alias=True, exclude_none=True)


def changed_fields(old: Entry, new: Entry) -> list[str]:
    """Top-level fields whose values differ, sorted."""
    a, b = _data(old), _data(new)
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def first_difference(a: Any, b: Any, loc: tuple[Any, ...] = ()) -> tuple[Any, ...]:
    """The path to the first value that differs, as deep as both sides share a shape."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in b:
            if a.get(key) != b[key]:
                return first_difference(a.get(key), b[key], (*loc, key)) if key in a else (*loc, key)
        return loc
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return first_difference(x, y, (*loc, i))
    return loc


def _collision(rid: str, entry: Entry, there: Entry, base: str, nxt: str) -> Problem:
    fix = f"archkb renumber {rid} --to {nxt}" if ADR_RE.match(rid) else f"archkb renumber {rid} --to NEW-ID"
    return error("E101", f"{rid} in {entry.path} is new here but {base} already has {rid} in {there.path}",
                 entry.position(("id",)), hint=f"run: {fix}")


def _transition(rid: str, before: Entry, entry: Entry) -> Problem | None:
    s0, s1 = _status(before), _status(entry)
    allowed = entry.kind.transitions
    if s0 is None or s0 == s1 or s0 not in allowed or s1 in allowed[s0]:
        return None
    ok = ", ".join(sorted(allowed[s0])) or "nothing"
    return error("E103", f"{rid}: status {s0} -> {s1} is not allowed ({s0} may become: {ok})",
                 entry.position(("status",)))


def _history_rewrite(rid: str, before: Entry, entry: Entry) -> Problem | None:
    if entry.kind.name != "decision" or _status(before) != "accepted":
        return None
    a, b = _data(before), _data(entry)
    changed = [f for f in DECISION_FIELDS if a.get(f) != b.get(f)]
    if not changed:
        return None
    where = first_difference(a[changed[0]], b[changed[0]], (changed[0],)) if changed[0] in b else ()
    return error("E102", f"{rid} is accepted; its {', '.join(changed)} changed. Decisions change by a new ADR "
                 "that supersedes or amends it", entry.position(where),
                 hint=f"archkb new adr \"...\" --supersedes {rid}  (or --amends {rid})")


def _record_problems(rid: str, entry: Entry, before: Entry | None, there: Entry | None, base: str,
                     nxt: str) -> list[Problem]:
    if before is None and there is not None and there.path != entry.path:
        return [_collision(rid, entry, there, base, nxt)]
    if before is None:
        if entry.kind.name == "decision" and _status(entry) not in ("proposed", None):
            return [warning("W101", f"new decision {rid} starts as {_status(entry)!r}; propose it "
                            "(status: proposed) and accept it after review", entry.position(("status",)))]
        return []
    return [p for p in (_transition(rid, before, entry), _history_rewrite(rid, before, entry)) if p is not None]


def pr_problems(root: str, base: str, result: Any) -> list[Problem]:
    """The pull-request rules for the working tree at `root` against git revision `base`."""
    new: Catalog = result.catalog
    tip = load_at(root, base)
    mb = merge_base(root, base)
    old = tip if mb == resolve(root, base) else load_at(root, mb)
    nxt = next_adr_id(new, tip)
    out: list[Problem] = []
    for rid, entry in sorted(new.by_id.items()):
        out.extend(_record_problems(rid, entry, old.by_id.get(rid), tip.by_id.get(rid), base, nxt))
    for rid, entry in sorted(old.by_id.items()):
        if rid not in new.by_id:
            out.append(error("E104", f"{rid} was deleted; deprecate it (status: deprecated) instead so links "
                             "and history stay", Position(entry.path, 1, 1)))
    return out


@dataclass
class RecordChange:
    """One record that differs between the two sides."""

    id: str
    kind: str
    title: str
    change: str  # added | changed | removed
    path: str
    status_before: str | None = None
    status_after: str | None = None
    fields: list[str] = field(default_factory=list)


@dataclass
class KbDiff:
    """What a pull request changes in the knowledge base, and what that affects."""

    base: str
    head: str
    changes: list[RecordChange]
    impact: dict[str, int]  # affected id -> hops from the nearest changed record
    titles: dict[str, str]
    problems: list[Problem]
    graph: Any  # the head side's graph

    def to_json(self) -> dict[str, Any]:
        return {
            "base": self.base, "head": self.head,
            "changes": [c.__dict__ for c in self.changes],
            "impact": [{"id": k, "distance": v, "title": self.titles.get(k, k)} for k, v in self.impact.items()],
            "problems": [p.to_json() for p in self.problems],
        }


def _change(rid: str, a: Entry | None, b: Entry | None) -> RecordChange | None:
    from archkb.core.graph import title_of

    if a is None and b is not None:
        return RecordChange(rid, b.kind.name, title_of(b.record), "added", b.path, None, _status(b))
    if b is None and a is not None:
        return RecordChange(rid, a.kind.name, title_of(a.record), "removed", a.path, _status(a), None)
    if a is not None and b is not None:
        fields = changed_fields(a, b)
        if fields or a.path != b.path:
            return RecordChange(rid, b.kind.name, title_of(b.record), "changed", b.path, _status(a), _status(b),
                                fields)
    return None


def diff(root: str, base: str, head: str | None = None, depth: int = 2) -> KbDiff:
    """Compare the KB at the merge base of `base` with `head` (a revision, or the working tree)."""
    from archkb.core.graph import impact, title_of
    from archkb.rules import check_catalog

    old = load_at(root, merge_base(root, base, head or "HEAD"))
    new = load_at(root, head) if head else load_catalog(root, use_cache=False)
    result = check_catalog(new)
    changes = [c for rid in sorted(set(old.by_id) | set(new.by_id))
               if (c := _change(rid, old.by_id.get(rid), new.by_id.get(rid))) is not None]
    affected: dict[str, int] = {}
    touched = {c.id for c in changes}
    for c in changes:
        for rid, d in impact(result.graph, c.id, max_depth=depth).items():
            if rid not in touched and d < affected.get(rid, depth + 1):
                affected[rid] = d
    titles = {rid: title_of(e.record) for rid, e in new.by_id.items()}
    titles.update({c.id: c.title for c in changes})
    problems: list[Problem] = []
    if head is None:
        # The PR rules need the base branch's tip; a diff still renders when only the merge base exists.
        with contextlib.suppress(GitError):
            problems = pr_problems(root, base, result)
    return KbDiff(base, head or "working tree", changes,
                  dict(sorted(affected.items(), key=lambda kv: (kv[1], kv[0]))), titles, problems, result.graph)
