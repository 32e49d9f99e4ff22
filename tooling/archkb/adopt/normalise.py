"""Normalise what Markdown ADRs write by hand: statuses, dates, titles and numbers.

Pure functions, each documented with its policy, so the import report can say exactly
what was read and what it became.
"""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}

# Checked in this order: the first family with a matching word wins ("superseded" before
# "accepted", so "Accepted, then superseded by ..." reads as superseded).
STATUS_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("superseded", ("superseded", "superceded", "superseeded", "replaced by")),
    ("deprecated", ("deprecated", "obsolete", "retired", "no longer relevant", "no-longer-relevant", "archived")),
    ("rejected", ("rejected", "declined", "withdrawn", "abandoned", "not accepted", "won't do", "wontfix")),
    ("accepted", ("accepted", "approved", "implemented", "adopted", "agreed", "decided", "done", "active",
                  "complete", "completed", "in effect", "enacted", "live", "partly superseded",
                  "partially superseded", "amended")),
    ("proposed", ("proposed", "proposal", "draft", "pending", "under review", "in review", "open", "rfc",
                  "in progress", "discussion", "suggested", "new", "wip", "planned", "incomplete", "on hold",
                  "postponed", "deferred")),
]
DEFAULT_STATUS = "accepted"
"""A record that states no status: it sits in the decision log, so it is read as accepted,
and the report warns about it (never a silent guess)."""


def clean_status(raw: str) -> str:
    """The status text without Markdown decoration: links keep their text, emoji and quote marks go."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", raw)
    text = re.sub(r"[`*_>]", " ", text)
    text = re.sub(r"[^\w\s,.:;/()'-]", " ", text)
    return " ".join(text.split())


def map_status(raw: str | None) -> tuple[str, bool]:
    """(enum value, understood?) for a status as written; unknown wording maps to the default."""
    if not raw:
        return DEFAULT_STATUS, False
    text = clean_status(raw).lower()
    partial = re.search(r"\b(partly|partially|in part)\s+superseded", text)
    for status, words in STATUS_WORDS:
        for word in words:
            if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text):
                if status == "superseded" and partial:
                    return "accepted", True
                return status, True
    return DEFAULT_STATUS, False


def normalise_date(raw: str | None) -> dt.date | None:
    """ISO date from the common hand-written forms, or None.

    Policy for numeric dates with slashes or dots (`05/02/2018`, `10/04/18`): day first, as
    in British and European usage, unless the first number cannot be a month-day pair that
    way round (second number over 12), in which case month first. Two-digit years are 20yy.
    Month names in any position are read (`2020-Nov-09`, `9 November 2020`, `Nov 9, 2020`).
    """
    if not raw:
        return None
    text = raw.strip().strip("*_`").strip()
    m = re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if m:
        return _date(int(m[1]), int(m[2]), int(m[3]))
    m = re.search(r"(\d{4})(\d{2})(\d{2})\b", text)
    if m:
        return _date(int(m[1]), int(m[2]), int(m[3]))
    m = re.search(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})\b", text)
    if m:
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        year += 2000 if year < 100 else 0
        day, month = (a, b) if b <= 12 else (b, a)
        return _date(year, month, day)
    m = re.search(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})", text)
    if m:
        return _date(int(m[1]), int(m[2]), int(m[3]))
    lower = text.lower()
    month_match = re.search(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?", lower)
    year_match = re.search(r"\b(\d{4})\b", lower)
    if month_match and year_match:
        rest = (lower[:month_match.start()] + " " + lower[month_match.end():]).replace(year_match[1], " ")
        day_match = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", rest)
        return _date(int(year_match[1]), _MONTHS[month_match[1]], int(day_match[1]) if day_match else 1)
    return None


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


_TITLE_PREFIXES = [
    re.compile(r"^(?:ADR|AD|RFC|DR)[\s#_-]*\d+[a-z]?\s*[:.)\-–—]\s*", re.IGNORECASE),
    re.compile(r"^(?:ADR|AD)[\s#_-]*\d+\s+", re.IGNORECASE),
    re.compile(r"^\d+(?:\.\d+)*[.:)\-–—]\s*"),
    re.compile(r"^\d+\s+(?=[A-Za-z])"),
    re.compile(r"^(?:Architecture\s+)?Decision\s+Record\s*[:\-–—]\s*", re.IGNORECASE),
]


def strip_title(raw: str) -> str:
    """The title without its number prefix (`1. `, `ADR012: `, `Architecture Decision Record: `)."""
    title = raw.strip()
    for _ in range(2):
        for pattern in _TITLE_PREFIXES:
            title = pattern.sub("", title, count=1).strip()
    title = re.sub(r"\s+", " ", title).strip(" #")
    return title or raw.strip()


def number_from_name(name: str) -> int | None:
    """The record number in a file or folder name (`0007-x.md`, `ADR012-x.md`, `adr-017-x.md`, `ADR-38.md`).

    A leading eight-digit date (`20200924-x.md`, log4brains) is a date, not a number.
    """
    stem = name.rsplit(".", 1)[0]
    if re.match(r"^(19|20)\d{6}(?!\d)", stem):
        return None
    m = re.match(r"^(?:adr|ad|rfc|dr|decision)?[\s_#-]*(\d{1,6})(?!\d)", stem, re.IGNORECASE)
    if m:
        return int(m[1])
    return None


def date_from_name(name: str) -> dt.date | None:
    """A date at the start of a file or folder name (`20200924-x.md`, `2020-09-24-x.md`)."""
    m = re.match(r"^((?:19|20)\d{2})-?(\d{2})-?(\d{2})(?!\d)", name)
    return _date(int(m[1]), int(m[2]), int(m[3])) if m else None
