"""`python -m archkb` runs the command line."""

from __future__ import annotations

from archkb.cli import run

run()
