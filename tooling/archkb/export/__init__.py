"""Exporters: the catalog, MADR Markdown, CSV and AWS Well-Architected custom lenses out of archkb."""
