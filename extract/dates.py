"""Dates as sites write them, read under each site's declared order of slashed dates.

ISO dates (``2024-01-31``) read the same everywhere. A slashed date (``03/04/2024``) is day first
or month first depending on the site: ``seeds/site_date_conventions.csv`` declares it per
(source, site), columns ``source,site_id,slash_order`` with ``slash_order`` ``day_first`` or
``month_first``. The dbt models of the patients source read the same seed.

:func:`parse_date` never guesses: a slashed date that the declared order cannot read but the
other order can (``13/31/2024`` at a day-first site) is ``wrong order``; with no order declared,
one whose two readings differ (``03/04/2024``) is ``ambiguous``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from extract import settings

DAY_FIRST = "day_first"
MONTH_FIRST = "month_first"
SLASH_ORDERS = (DAY_FIRST, MONTH_FIRST)
CONVENTIONS_SEED = "site_date_conventions.csv"

UNREADABLE = "unreadable"  # not a date in a known shape
IMPOSSIBLE = "impossible"  # a known shape, but no such day under either order
AMBIGUOUS = "ambiguous"  # no order declared and the two readings differ
WRONG_ORDER = "wrong order"  # the declared order cannot read it, the other one can

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass(frozen=True)
class ParsedDate:
    """A date, or why the text is not one (:data:`UNREADABLE`, :data:`IMPOSSIBLE`,
    :data:`AMBIGUOUS` or :data:`WRONG_ORDER`)."""

    value: date | None
    problem: str | None = None


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str, slash_order: str | None = DAY_FIRST) -> ParsedDate:
    """``text`` as a date: ``YYYY-MM-DD``, or ``D/M/YYYY`` / ``M/D/YYYY`` under ``slash_order``
    (None: no order declared, so only a slashed date both orders read alike is a date)."""
    text = text.strip()
    iso = _ISO.match(text)
    if iso:
        day = _day(int(iso[1]), int(iso[2]), int(iso[3]))
        return ParsedDate(day) if day else ParsedDate(None, IMPOSSIBLE)
    slashed = _SLASHED.match(text)
    if not slashed:
        return ParsedDate(None, UNREADABLE)
    first, second, year = int(slashed[1]), int(slashed[2]), int(slashed[3])
    day_first = _day(year, second, first)
    month_first = _day(year, first, second)
    if slash_order == DAY_FIRST:
        chosen, other = day_first, month_first
    elif slash_order == MONTH_FIRST:
        chosen, other = month_first, day_first
    else:
        if day_first and month_first and day_first != month_first:
            return ParsedDate(None, AMBIGUOUS)
        chosen, other = day_first or month_first, None
    if chosen:
        return ParsedDate(chosen)
    return ParsedDate(None, WRONG_ORDER if other else IMPOSSIBLE)


def site_conventions(source: str, seeds_dir: Path | None = None) -> dict[str, str]:
    """{site id: slash order} declared for ``source`` in the conventions seed ({} without it);
    a row with another order raises ``ValueError`` naming the row."""
    path = (seeds_dir or settings.project_dir() / "seeds") / CONVENTIONS_SEED
    if not path.is_file():
        return {}
    conventions = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), 2):
            if (row.get("source") or "").strip() != source:
                continue
            order = (row.get("slash_order") or "").strip()
            if order not in SLASH_ORDERS:
                raise ValueError(f"{path.name} line {line}: slash_order {order!r} is not one of {SLASH_ORDERS}")
            conventions[(row.get("site_id") or "").strip()] = order
    return conventions
