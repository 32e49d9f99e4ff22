"""Every code the package reports is registered and documented; the reference page is in step."""

from __future__ import annotations

import os
import re

from archkb.core.codes import CODES, checks_markdown
from conftest import ROOT


def test_reference_page_is_generated_from_the_registry() -> None:
    with open(os.path.join(ROOT, "docs", "reference", "checks.md"), encoding="utf-8") as fh:
        assert fh.read() == checks_markdown(), "run `python -m archkb.core.codes --write`"


def test_every_code_used_in_the_package_is_registered_with_its_severity() -> None:
    package = os.path.join(ROOT, "tooling", "archkb")
    used: dict[str, str] = {}
    for folder, _, names in os.walk(package):
        for name in names:
            if name.endswith(".py") and name != "codes.py":
                with open(os.path.join(folder, name), encoding="utf-8") as fh:
                    for fn, code in re.findall(r'\b(error|warning)\(\s*"([EW]\d{3})"', fh.read()):
                        used[code] = fn
    assert used, "no codes found: the pattern is out of date"
    for code, fn in used.items():
        assert code in CODES, f"{code} is used but not registered in codes.py"
        assert CODES[code].severity.value == fn, f"{code} is registered as {CODES[code].severity.value}"
        assert code[0] == ("E" if fn == "error" else "W")
