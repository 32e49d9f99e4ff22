"""The date of an imported ADR: as written when valid, swapped when only the other order is a date, else none.

Policy: a date that does not exist as written but exists with month and day swapped
(`2023-13-10` can only be 13 October 2023) is read that way, with a note. Anything else
that cannot be read leaves the record undated with a warning: an import never invents a
date (today's would put a ten-year-old decision at the top of "Latest decisions").
"""

from __future__ import annotations

import datetime as dt
import re

from archkb.adopt.normalise import date_from_name, normalise_date

_ISO_LIKE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")


def swapped_date(raw: str) -> dt.date | None:
    """The date `raw` names if read year-day-month, when year-month-day is impossible and the swap is valid."""
    m = _ISO_LIKE.search(raw)
    if not m:
        return None
    year, month, day = int(m[1]), int(m[2]), int(m[3])
    if month <= 12:
        return None
    try:
        return dt.date(year, day, month)
    except ValueError:
        return None


def import_date(raw: str | None, rel: str) -> tuple[dt.date | None, str | None]:
    """(date, warning) for the source at `rel`: the written date, the file or folder name's date, or none."""
    date = normalise_date(raw)
    if date is not None:
        return date, None
    if raw:
        swapped = swapped_date(raw)
        if swapped is not None:
            return swapped, (f"date {raw!r} does not exist; read as {swapped.isoformat()} "
                             "(month and day swapped, the only valid reading)")
    parts = rel.split("/")
    named = date_from_name(parts[-1]) or (date_from_name(parts[-2]) if len(parts) > 1 else None)
    if named is not None:
        return named, None
    if raw:
        return None, f"date {raw!r} not understood: imported undated (add the date; check warns W011)"
    return None, "no date in the source: imported undated (add the date; check warns W011)"
