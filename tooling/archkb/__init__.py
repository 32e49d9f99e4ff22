"""archkb: an architecture decision and review knowledge base for AI/ML systems, kept as code."""

from __future__ import annotations

__version__ = "0.1.0"
