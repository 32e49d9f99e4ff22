"""Renderers: pure functions from records and graphs to text (Markdown, DOT) and SVG."""
