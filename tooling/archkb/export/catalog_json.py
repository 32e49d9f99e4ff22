"""The catalog export: every record and every edge (stated and derived) as versioned JSON.

Format `archkb-catalog` version 1, documented in docs/reference/catalog-format.md, for
developer portals and other tools: stable, sorted, plain JSON.
"""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

from archkb import __version__
from archkb.core.catalog import Catalog
from archkb.core.graph import title_of

FORMAT = "archkb-catalog"
VERSION = 1


def catalog_document(catalog: Catalog, graph: nx.MultiDiGraph) -> dict[str, Any]:
    """The whole knowledge base as one JSON-ready mapping."""
    records = []
    for entry in sorted(catalog.by_id.values(), key=lambda e: e.record.id):
        rec = entry.record
        status = getattr(rec, "status", None)
        records.append({
            "id": rec.id,
            "kind": entry.kind.name,
            "title": title_of(rec),
            "status": status.value if status is not None else None,
            "path": entry.path,
            "data": rec.model_dump(mode="json", by_alias=True, exclude_none=True),
        })
    edges = sorted(
        ({"source": u, "target": v, "type": d["type"], "derived": d["derived"],
          **({"note": d["note"]} if d.get("note") else {})} for u, v, d in graph.edges(data=True)),
        key=lambda e: (e["source"], e["target"], e["type"]),
    )
    return {"format": FORMAT, "version": VERSION, "generator": f"archkb {__version__}",
            "title": catalog.config.title, "records": records, "edges": edges}


def catalog_json(catalog: Catalog, graph: nx.MultiDiGraph) -> str:
    return json.dumps(catalog_document(catalog, graph), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
