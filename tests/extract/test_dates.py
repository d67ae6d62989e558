"""Dates as sites write them (extract/dates.py): ISO everywhere, slashed dates in the site's
declared order, and never a guess."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from extract.dates import (
    AMBIGUOUS,
    DAY_FIRST,
    IMPOSSIBLE,
    MONTH_FIRST,
    UNREADABLE,
    WRONG_ORDER,
    ParsedDate,
    parse_date,
    site_conventions,
)


@pytest.mark.parametrize(
    ("text", "order", "parsed"),
    [
        ("2024-01-15", DAY_FIRST, ParsedDate(date(2024, 1, 15))),
        ("2024-01-15", MONTH_FIRST, ParsedDate(date(2024, 1, 15))),
        (" 2024-1-5 ", None, ParsedDate(date(2024, 1, 5))),
        ("03/04/2024", DAY_FIRST, ParsedDate(date(2024, 4, 3))),
        ("03/04/2024", MONTH_FIRST, ParsedDate(date(2024, 3, 4))),
        ("3/4/2024", None, ParsedDate(None, AMBIGUOUS)),
        ("04/04/2024", None, ParsedDate(date(2024, 4, 4))),
        ("31/01/2024", None, ParsedDate(date(2024, 1, 31))),
        ("01/31/2024", None, ParsedDate(date(2024, 1, 31))),
        ("01/31/2024", DAY_FIRST, ParsedDate(None, WRONG_ORDER)),
        ("31/01/2024", MONTH_FIRST, ParsedDate(None, WRONG_ORDER)),
        ("31/13/2024", DAY_FIRST, ParsedDate(None, IMPOSSIBLE)),
        ("2024-01-32", DAY_FIRST, ParsedDate(None, IMPOSSIBLE)),
        ("yesterday", DAY_FIRST, ParsedDate(None, UNREADABLE)),
        ("15.01.2024", DAY_FIRST, ParsedDate(None, UNREADABLE)),
        ("", MONTH_FIRST, ParsedDate(None, UNREADABLE)),
    ],
)
def test_dates_read_under_the_declared_order_or_say_why_not(text: str, order: str | None, parsed: ParsedDate) -> None:
    assert parse_date(text, order) == parsed


def test_conventions_are_read_per_source_from_the_seed(tmp_path: Path) -> None:
    (tmp_path / "site_date_conventions.csv").write_text(
        "source,site_id,slash_order\nmonitoring,H9,month_first\npatients,NYC,month_first\nmonitoring,H1,day_first\n"
    )
    assert site_conventions("monitoring", tmp_path) == {"H9": MONTH_FIRST, "H1": DAY_FIRST}
    assert site_conventions("patients", tmp_path) == {"NYC": MONTH_FIRST}
    assert site_conventions("monitoring", tmp_path / "absent") == {}
    (tmp_path / "site_date_conventions.csv").write_text("source,site_id,slash_order\nmonitoring,H1,ymd\n")
    with pytest.raises(ValueError, match="line 2: slash_order 'ymd'"):
        site_conventions("monitoring", tmp_path)


def test_the_projects_seed_declares_only_known_orders() -> None:
    assert set(site_conventions("monitoring").values()) <= {DAY_FIRST, MONTH_FIRST}
