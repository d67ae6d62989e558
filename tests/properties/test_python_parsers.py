"""Property-based tests of the parsers and validators that run in Python at the boundary:
dates with their shapes, ages, export timestamps, text decoding, header checks, measurement
values and ISRCTN's derived recruitment status. They never raise anything but the error they
document, and they round-trip what they should understand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from extract.dates import MONTH_FIRST, parse_date
from extract.files import calendar_date, decode_bytes, missing_columns, past_date, without_controls
from extract.sources.ictrp.helpers import exported_at
from extract.sources.ictrp.models import _age
from extract.sources.isrctn.helpers import recruitment_status
from extract.sources.monitoring.validation import _number

PROJECT_DIR = Path(__file__).resolve().parents[2]
days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))
date_like = st.one_of(st.text(max_size=30), st.from_regex(r"\A[0-9]{1,4}[-/]?[0-9]{1,2}[-/]?[0-9]{1,4}(T.*)?\Z"))


@settings(max_examples=300, deadline=None)
@given(date_like)
def test_calendar_date_accepts_or_raises_value_error(value):
    try:
        assert calendar_date(value) == value
    except ValueError as exc:
        assert "not a calendar date" in str(exc)


@settings(max_examples=200, deadline=None)
@given(days)
def test_real_days_pass_in_every_shape(day):
    for written in (day.isoformat(), f"{day.isoformat()}T10:00:00Z", day.strftime("%d/%m/%Y"),
                    f"{day.day}/{day.month}/{day.year}", day.strftime("%Y%m%d")):
        assert calendar_date(written) == written


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1900, max_value=2099), st.integers(min_value=1, max_value=12),
       st.integers(min_value=29, max_value=40))
def test_days_past_the_end_of_the_month_are_refused(year, month, day):
    last = ((dt.date(year, month, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)).day
    for written in (f"{year}-{month:02d}-{day:02d}", f"{day}/{month}/{year}"):
        if day > last:
            with pytest.raises(ValueError, match="not a calendar date"):
                calendar_date(written)
        else:
            assert calendar_date(written) == written


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=30_000))
def test_past_date_refuses_every_future_day(ahead):
    day = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=ahead)
    with pytest.raises(ValueError, match="in the future"):
        past_date(day.isoformat())
    assert past_date((day - dt.timedelta(days=ahead + 1)).isoformat())


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=20), st.from_regex(r"\A[<>=-]{0,3} ?-?[0-9]{1,3} ?[A-Za-z]{0,6}\Z")))
def test_ictrp_age_accepts_or_names_a_negative_age(value):
    try:
        assert _age(value) == value
    except ValueError as exc:
        assert "negative age" in str(exc) and "-" in value


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=120), st.sampled_from(["Years", "Months", "age old", "Y", ""]),
       st.sampled_from(["", ">= ", "<"]))
def test_ictrp_ages_are_accepted_unless_negative(amount, unit, prefix):
    assert _age(f"{prefix}{amount} {unit}".strip()) is not None
    if amount:
        with pytest.raises(ValueError, match="negative age"):
            _age(f"-{amount} {unit}")


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 12, 31)).map(
    lambda t: t.replace(microsecond=0)))
def test_ictrp_export_timestamps_round_trip(moment):
    assert exported_at(moment.strftime("%m/%d/%Y %I:%M:%S %p")) == moment  # CSV: US, 12-hour
    assert exported_at(moment.strftime("%d/%m/%Y %H:%M:%S")) == moment  # XML: day first, 24-hour
    assert exported_at(moment.strftime("%Y-%m-%d %H:%M:%S")) == moment


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.none(), st.text(max_size=30)))
def test_ictrp_export_timestamp_never_raises(value):
    assert exported_at(value) is None or isinstance(exported_at(value), dt.datetime)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_text_round_trips_through_every_encoding_marked_by_a_bom(text, encoding):
    # UTF-8 without a BOM holding NUL bytes can be byte for byte UTF-16 without a BOM ("0\x00"
    # followed by "\xc2\x80" reads as two UTF-16 characters): such bytes are ambiguous, and
    # bomless_utf16 decides them. UTF-8 files with a stray NUL: test_bad_input_boundary.py (nul_*).
    assume(encoding != "utf-8" or "\x00" not in text)
    # UTF-16 text that starts with NUL starts with UTF-32-LE's mark (FF FE 00 00): read as UTF-32
    # when that decodes, as UTF-16 otherwise; only the second is sure to round-trip.
    assume(encoding != "utf-16" or not text.startswith("\x00"))
    # The control characters of the rule are removed as the text is decoded.
    assert decode_bytes(text.encode(encoding)) == without_controls(text.removeprefix("\ufeff"))[0]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_decode_or_raise_a_named_encoding(raw):
    try:
        assert isinstance(decode_bytes(raw), str)
    except UnicodeDecodeError as exc:
        assert "the file looks" in exc.reason


names = st.from_regex(r"\A[a-z_]{1,12}\Z")


@settings(max_examples=300, deadline=None)
@given(st.lists(names, min_size=1, max_size=5, unique=True), st.lists(names, max_size=8))
def test_missing_columns_names_exactly_the_missing_ones(required, found):
    reason = missing_columns(required, found)
    missing = [name for name in required if name not in found]
    if not missing:
        assert reason is None
    elif not found:
        assert reason.startswith("no data rows")
    else:
        assert reason.startswith(f"missing required column(s) {', '.join(missing)};")


@settings(max_examples=200, deadline=None)
@given(days)
def test_monitoring_dates_round_trip(day):
    assert parse_date(day.isoformat()).value == day
    assert parse_date(day.strftime("%d/%m/%Y")).value == day
    assert parse_date(day.strftime("%m/%d/%Y"), MONTH_FIRST).value == day


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20))
def test_monitoring_date_and_value_parsers_never_raise(value):
    parsed = parse_date(value)
    assert (parsed.value is None) != (parsed.problem is None)
    assert parsed.value is None or isinstance(parsed.value, dt.date)
    number = _number(value)
    assert number is None or number == number  # never NaN


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_monitoring_values_round_trip(value):
    assert _number(repr(value)) == value


ISRCTN_STATUSES = {
    line.split(",")[1]
    for line in (PROJECT_DIR / "seeds" / "trial_status_mapping.csv").read_text().splitlines()
    if line.startswith("isrctn,")
}
iso_days = st.one_of(st.none(), days.map(lambda d: f"{d.isoformat()}T00:00:00.000Z"))


@settings(max_examples=300, deadline=None)
@given(iso_days, iso_days, iso_days, days.map(lambda d: f"{d.isoformat()}T12:00:00.000Z"))
def test_isrctn_derived_status_is_one_the_status_seed_maps(start, end, overall_end, as_of):
    status = recruitment_status(None, start, end, overall_end, as_of)
    assert status is None or status.lower() in ISRCTN_STATUSES
    if start is None and (end is None or end[:10] >= as_of[:10]) and (
            overall_end is None or overall_end[:10] >= as_of[:10]):
        assert status is None
    assert recruitment_status("Suspended", start, end, overall_end, as_of) == "Suspended"
