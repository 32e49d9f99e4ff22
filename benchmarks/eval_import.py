"""Measure the Markdown importer against hand-checked ground truth.

    python benchmarks/eval_import.py [CORPORA_DIR]      (default: ../shared/corpora)

For each repository folder and overall: title, status and date accuracy, and precision,
recall and F1 of supersession links.

- title: the title as written (`provenance.original_title`) equals the ground truth's H1;
- status: the status as written equals the ground truth's, and a record with no status is
  imported with no original status (so the report warns instead of guessing);
- date: the ISO date matches the ground truth's date once normalised, or both are absent;
- supersession: pairs (older, newer) from full supersession statements of either side in the
  ground truth, against the `supersedes` links the importer writes (stated once, on the newer).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tooling"))

from archkb.adopt.convert import import_folder  # noqa: E402
from archkb.adopt.normalise import normalise_date  # noqa: E402
from archkb.adopt.publish import plan_import  # noqa: E402


def evaluate(corpora: str) -> dict[str, dict[str, float]]:
    with open(os.path.join(corpora, "GROUND_TRUTH.json"), encoding="utf-8") as fh:
        truth = json.load(fh)["repos"]
    rows: dict[str, dict[str, float]] = {}
    totals = {"n": 0, "title": 0, "status": 0, "date": 0, "tp": 0, "fp": 0, "fn": 0}
    for repo in sorted(truth):
        result = import_folder(os.path.join(corpora, repo), today=dt.date(2000, 1, 1))
        by_source = {rec["provenance"]["source_path"]: rec for rec in result.records.values()}
        id_to_file = {rid: rec["provenance"]["source_path"] for rid, rec in result.records.items()}
        c = {"n": 0, "title": 0, "status": 0, "date": 0}
        gold: set[tuple[str, str]] = set()
        for gt in truth[repo]["records"]:
            c["n"] += 1
            rec = by_source.get(gt["file"])
            for target in gt.get("superseded_by", []):
                gold.add((gt["file"], target))
            for target in gt.get("supersedes", []):
                gold.add((target, gt["file"]))
            if rec is None:
                continue
            prov = rec["provenance"]
            c["title"] += prov.get("original_title") == gt["title"]
            c["status"] += prov.get("original_status") == gt["status"]
            want = normalise_date(gt["date"]) if gt["date"] else None
            got = rec.get("date") if prov.get("original_date") else None
            c["date"] += want == got if want or not gt["date"] else False
        found = {(id_to_file[link["target"]], id_to_file[rid])
                 for rid, rec in result.records.items() for link in rec.get("links", []) if link["type"] == "supersedes"}
        tp, fp, fn = len(found & gold), len(found - gold), len(gold - found)
        rows[repo] = {"records": c["n"], "title": c["title"] / c["n"], "status": c["status"] / c["n"],
                      "date": c["date"] / c["n"], "links_gold": len(gold), "tp": tp, "fp": fp, "fn": fn}
        for k in ("n", "title", "status", "date"):
            totals[k] += c[k]
        totals["tp"] += tp
        totals["fp"] += fp
        totals["fn"] += fn
    tp, fp, fn = totals["tp"], totals["fp"], totals["fn"]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    rows["OVERALL"] = {"records": totals["n"], "title": totals["title"] / totals["n"],
                       "status": totals["status"] / totals["n"], "date": totals["date"] / totals["n"],
                       "links_gold": tp + fn, "tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall,
                       "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0}
    return rows


ADOPTION_COLUMNS = ("records", "no_h1", "placeholder", "swapped", "undated", "decision_text", "chosen",
                    "title_as_chosen", "options", "options_kept", "record_links", "prose_refs", "relates_to",
                    "other_links", "images", "images_missing")


def adoption(corpora: str) -> dict[str, dict[str, int]]:
    """What the publishing repairs do on each log: titles, dates, outcomes, options, references (nothing written)."""
    with open(os.path.join(corpora, "GROUND_TRUTH.json"), encoding="utf-8") as fh:
        repos = sorted(json.load(fh)["repos"])
    rows: dict[str, dict[str, int]] = {}
    for repo in repos:
        src = os.path.join(corpora, repo)
        result = import_folder(src, today=dt.date(2000, 1, 1))
        warnings = [w for r in result.reports for w in r.warnings]
        plan = plan_import(result, src, root=src, out="adr", schema_dir=".archkb/schemas")
        recs = list(result.records.values())
        refs = plan.references
        rows[repo] = {
            "records": len(recs),
            "no_h1": sum("no level-1 heading" in w for w in warnings),
            "placeholder": sum("unfilled numbering placeholder" in w for w in warnings),
            "swapped": sum("month and day swapped" in w for w in warnings),
            "undated": sum("date" not in r for r in recs),
            "decision_text": sum(1 for r in recs if r.get("outcome") and not r["outcome"].get("chosen")),
            "chosen": sum(1 for r in recs if r.get("outcome", {}).get("chosen")),
            "title_as_chosen": sum(1 for r in recs if r.get("outcome", {}).get("chosen") == r["title"]),
            "options": sum(1 for r in recs if r.get("options")),
            "options_kept": sum(1 for r in recs if not r.get("options") and any(
                s["title"].lower().strip().startswith(("considered options", "options")) for s in r.get("sections", []))),
            "record_links": refs.record_links,
            "prose_refs": refs.prose_refs,
            "relates_to": sum(1 for r in recs for link in r.get("links", []) if link["type"] == "relates_to"),
            "other_links": refs.kept_in_repo + refs.unlinked + refs.to_source,
            "images": len(refs.images),
            "images_missing": refs.missing_images,
        }
    rows["OVERALL"] = {k: sum(r[k] for r in rows.values()) for k in ADOPTION_COLUMNS}
    return rows


def main(argv: list[str]) -> int:
    corpora = argv[0] if argv else os.path.join(HERE, "..", "..", "shared", "corpora")
    if not os.path.exists(os.path.join(corpora, "GROUND_TRUTH.json")):
        print(f"no GROUND_TRUTH.json in {corpora}", file=sys.stderr)
        return 2
    rows = evaluate(corpora)
    print(f"{'repository':<40} {'n':>4} {'title':>7} {'status':>7} {'date':>7} {'links':>6} {'tp':>3} {'fp':>3} {'fn':>3}")
    for repo, r in rows.items():
        print(f"{repo:<40} {r['records']:>4} {r['title']:>7.1%} {r['status']:>7.1%} {r['date']:>7.1%} "
              f"{r['links_gold']:>6} {r['tp']:>3} {r['fp']:>3} {r['fn']:>3}")
    o = rows["OVERALL"]
    print(f"supersession links: precision {o['precision']:.3f}, recall {o['recall']:.3f}, F1 {o['f1']:.3f}")
    targets = [("title", o["title"], 0.98), ("status", o["status"], 0.95), ("date", o["date"], 0.95),
               ("link F1", o["f1"], 0.9)]
    for name, value, target in targets:
        print(f"  {name:<8} {value:.3f} (target >= {target})  {'ok' if value >= target else 'MISSED'}")
    print()
    print("publishing repairs (counts):")
    print(f"{'repository':<40} " + " ".join(f"{c[:8]:>8}" for c in ADOPTION_COLUMNS))
    for repo, row in adoption(corpora).items():
        print(f"{repo:<40} " + " ".join(f"{row[c]:>8}" for c in ADOPTION_COLUMNS))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
