"""Write a valid synthetic knowledge base of a given size, for benchmarks.

    python benchmarks/generate.py --adrs 10000 --patterns 100 OUT

Decisions are about 3-4 KB each with realistic links: supersession chains (the older
record marked superseded), amendments, dependencies on earlier decisions, and patterns
applied. Output is deterministic for a given size and seed; `archkb check OUT` passes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import random
import sys

WORDS = (
    "model feature pipeline latency drift registry serving batch stream gateway tenant policy "
    "privacy audit lineage schema contract owner budget capacity cluster region failover cache "
    "vector retrieval prompt evaluation fairness explanation approval rollout canary shadow "
    "quota token cost accuracy recall threshold alert incident retraining snapshot governance"
).split()
CATEGORIES = ["data", "mlops", "serving", "release", "monitoring", "security", "infrastructure", "genai"]
HEADER = "# yaml-language-server: $schema=../tooling/archkb/schemas/{kind}.schema.json\n"


def sentence(rng: random.Random, n: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return (" ".join(words)).capitalize() + "."


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def q(text: str) -> str:
    """A YAML double-quoted scalar (our generated text has no quotes or backslashes)."""
    return '"' + text + '"'


def block(text: str, indent: int = 2) -> str:
    pad = " " * indent
    return "|\n" + "\n".join(pad + line for line in _wrap(text)) + "\n"


def _wrap(text: str, width: int = 88) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def pattern_yaml(i: int, rng: random.Random, n_patterns: int) -> tuple[str, str]:
    pid = f"pattern-{i:04d}"
    comps = [f"c{j}" for j in range(4)]
    lines = [
        HEADER.format(kind="pattern"),
        f"id: {pid}\n",
        f"name: {q('Pattern ' + str(i) + ' ' + rng.choice(WORDS))}\n",
        f"category: {CATEGORIES[i % len(CATEGORIES)]}\n",
        "status: approved\n",
        f"tags: [{rng.choice(WORDS)}, synthetic]\n",
        f"summary: {q(sentence(rng))}\n",
        f"problem: {q(sentence(rng)[:-1] + '?')}\n",
        "context: " + block(paragraph(rng, 3)),
        "forces:\n" + "".join(f"  - {q(sentence(rng, 8))}\n" for _ in range(3)),
        "solution: " + block(paragraph(rng, 4)),
        "components:\n" + "".join(f"  - {{id: {c}, name: {q(rng.choice(WORDS))}, kind: service}}\n" for c in comps),
        "flows:\n" + "".join(f"  - {{from: {a}, to: {b}, label: {rng.choice(WORDS)}, mode: sync}}\n"
                              for a, b in itertools.pairwise(comps)),
        "review_questions:\n  - {id: q1, text: " + q(sentence(rng, 10)[:-1] + "?") + ", severity: high}\n",
        "sources:\n  - {title: Synthetic source, url: 'https://example.org/source'}\n",
    ]
    if i > 0:
        lines.append(f"links:\n  - {{type: complements, target: pattern-{rng.randrange(i):04d}}}\n")
    return pid, "".join(lines)


def adr_yaml(i: int, rng: random.Random, n_patterns: int, statuses: dict[int, str],
             supersedes: dict[int, int], date: dt.date) -> str:
    aid = f"ADR-{i:04d}"
    links = []
    if i in supersedes:
        links.append(("supersedes", f"ADR-{supersedes[i]:04d}"))
    if i > 5 and i % 7 == 0:
        target = rng.randrange(1, i)
        if statuses[target] == "accepted" and target not in supersedes.values():
            links.append(("amends", f"ADR-{target:04d}"))
    for _ in range(rng.randrange(0, 3)):
        target = rng.randrange(1, i) if i > 1 else None
        if target and statuses[target] == "accepted":
            links.append(("depends_on", f"ADR-{target:04d}"))
    if n_patterns:
        links.append(("applies", f"pattern-{rng.randrange(n_patterns):04d}"))
    links = sorted(set(links))
    options = [f"Option {c} {rng.choice(WORDS)}" for c in "ABC"]
    out = [
        HEADER.format(kind="decision"),
        f"id: {aid}\n",
        f"title: {q('Use ' + rng.choice(WORDS) + ' ' + rng.choice(WORDS) + ' for ' + rng.choice(WORDS) + ' ' + str(i))}\n",
        f"status: {statuses[i]}\n",
        f"date: {date.isoformat()}\n",
        "decision_makers: [Platform architecture board]\n",
        "consulted: [Data governance, Security]\n",
        "informed: [Delivery teams]\n",
        f"category: {CATEGORIES[i % len(CATEGORIES)]}\n",
        f"tags: [{rng.choice(WORDS)}, {rng.choice(WORDS)}-{rng.choice(WORDS)}]\n",
        "context: " + block(paragraph(rng, 6)),
        "drivers:\n" + "".join(f"  - {q(sentence(rng, 9))}\n" for _ in range(3)),
        "options:\n" + "".join(
            f"  - title: {q(o)}\n    summary: {q(sentence(rng))}\n"
            f"    pros: [{q(sentence(rng, 6))}, {q(sentence(rng, 6))}]\n"
            f"    cons: [{q(sentence(rng, 6))}]\n" for o in options),
        f"outcome:\n  chosen: {q(options[0])}\n  rationale: " + block(paragraph(rng, 3), 4),
        "consequences:\n"
        f"  positive: [{q(sentence(rng, 8))}, {q(sentence(rng, 8))}]\n"
        f"  negative: [{q(sentence(rng, 8))}]\n",
        "confirmation: " + block(paragraph(rng, 2)),
        f"risks:\n  - {{description: {q(sentence(rng, 8))}, likelihood: medium, impact: high, "
        f"mitigation: {q(sentence(rng, 6))}}}\n",
        "review_by: 2099-01-01\n" if statuses[i] == "accepted" else "",
    ]
    if links:
        out.append("links:\n" + "".join(f"  - {{type: {t}, target: {tg}}}\n" for t, tg in links))
    return "".join(out)


def generate(out: str, n_adrs: int, n_patterns: int, seed: int = 7) -> None:
    """Write archkb.yaml, adr/, patterns/, checklists/ and reviews/ under `out` (must not hold records)."""
    rng = random.Random(seed)
    for folder in ("adr", "patterns", "checklists", "reviews"):
        path = os.path.join(out, folder)
        if os.path.isdir(path) and os.listdir(path):
            raise SystemExit(f"refusing to write into non-empty {path}")
        os.makedirs(path, exist_ok=True)
    statuses: dict[int, str] = {}
    supersedes: dict[int, int] = {}
    for i in range(1, n_adrs + 1):
        statuses[i] = rng.choices(["accepted", "proposed", "rejected", "deprecated"], [80, 8, 6, 6])[0]
        # Every 12th decision replaces an earlier accepted one: chains form over time.
        if i % 12 == 0:
            candidates = [j for j in range(max(1, i - 40), i) if statuses[j] == "accepted" and j not in supersedes.values()]
            if candidates:
                old = rng.choice(candidates)
                supersedes[i] = old
                statuses[i] = "accepted"
                statuses[old] = "superseded"
    start = dt.date(2020, 1, 1)
    pids = []
    for i in range(n_patterns):
        pid, text = pattern_yaml(i, rng, n_patterns)
        pids.append(pid)
        _write(os.path.join(out, "patterns", f"{pid}.yaml"), text)
    for i in range(1, n_adrs + 1):
        date = start + dt.timedelta(days=(i * 2000) // max(n_adrs, 1))
        if statuses[i] == "proposed":
            date = dt.date(2099, 1, 1) - dt.timedelta(days=1)  # never "open too long"
        _write(os.path.join(out, "adr", f"ADR-{i:04d}-decision-{i}.yaml"),
               adr_yaml(i, rng, n_patterns, statuses, supersedes, min(date, dt.date(2098, 12, 31))))
    checklist = HEADER.format(kind="checklist") + (
        "id: synthetic-readiness\ntitle: Synthetic readiness\nfamily: production-readiness\nversion: '1'\n"
        "description: Generated.\nsections:\n  - id: basics\n    title: Basics\n    questions:\n"
        "      - {id: tested, text: Is it tested?, rationale: Generated., severity: high}\n")
    _write(os.path.join(out, "checklists", "synthetic-readiness.yaml"), checklist)
    review = HEADER.format(kind="review") + (
        "id: synthetic-project\nproject:\n  name: Synthetic project\n  owner: Team\n  description: Generated.\n"
        "  system_type: predictive\n  risk_tier: limited\n  data_classification: internal\n"
        "  personal_data: false\n  deployment: cloud\n"
        f"patterns: [{', '.join(pids[:3])}]\nchecklists: [synthetic-readiness]\n")
    _write(os.path.join(out, "reviews", "synthetic-project.yaml"), review)
    _write(os.path.join(out, "archkb.yaml"), "title: Synthetic knowledge base\n")


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--adrs", type=int, default=1000)
    parser.add_argument("--patterns", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    generate(args.out, args.adrs, args.patterns, args.seed)
    print(f"wrote {args.adrs} decisions and {args.patterns} patterns to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
