"""Importers: existing Markdown decision logs (adr-tools, MADR, log4brains) into archkb records."""
