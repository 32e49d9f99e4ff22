"""Decisions as CSV for spreadsheets: one row per decision, cells safe from formula injection."""

from __future__ import annotations

import csv
import io

import networkx as nx

from archkb.core.catalog import Catalog

COLUMNS = ("id", "title", "status", "date", "category", "tags", "decision_makers", "review_by",
           "supersedes", "superseded_by", "path")


def _cell(value: str) -> str:
    # A leading =, +, - or @ makes spreadsheets evaluate the cell as a formula.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def decisions_csv(catalog: Catalog, graph: nx.MultiDiGraph) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for rec in catalog.records("decision"):
        def edges(kind: str, rid: str = rec.id) -> str:
            return " ".join(sorted({v for _, v, d in graph.out_edges(rid, data=True) if d["type"] == kind}))
        row = [rec.id, rec.title, rec.status.value, rec.date.isoformat() if rec.date else "", rec.category or "", " ".join(rec.tags),
               "; ".join(rec.decision_makers), rec.review_by.isoformat() if rec.review_by else "",
               edges("supersedes"), edges("superseded_by"), catalog.by_id[rec.id].path]
        writer.writerow([_cell(str(c)) for c in row])
    return out.getvalue()
