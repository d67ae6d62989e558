"""Property-based tests of the SQL parsing macros, compiled by dbt and run on DuckDB.

Each macro is compiled once with a bound parameter (``$1``) as its input, then hypothesis feeds
it arbitrary strings: the parsers never raise, and they round-trip what they should understand.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.dbt import _dbt_executable

PROJECT_DIR = Path(__file__).resolve().parents[2]

EXPRESSIONS = {
    "age": "{{ parse_age_years('$1') }}",
    "date": "{{ parse_partial_date('$1') }}",
    "precision": "{{ partial_date_precision('$1') }}",
    "sponsor_key": "{{ normalize_name('$1', drop_legal_suffixes=true) }}",
    "name_key": "{{ normalize_name('$1') }}",
}


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> dict[str, str]:
    """Each expression compiled by dbt for DuckDB into a one-parameter select."""
    root = tmp_path_factory.mktemp("compile")
    env = {
        "CTW_DUCKDB_PATH": str(root / "w.duckdb"),
        "CTW_DUCKDB_TEMP_DIRECTORY": str(root / "tmp"),
        "PATH": "/usr/bin:/bin",
    }
    sql = {}
    for name, expression in EXPRESSIONS.items():
        result = subprocess.run(
            [_dbt_executable(), "compile", "--quiet", "--inline", f"select {expression} as value",
             "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)],
            env=env, capture_output=True, text=True, cwd=PROJECT_DIR,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        sql[name] = result.stdout.strip()
    return sql


@pytest.fixture(scope="module")
def evaluate(compiled):
    connection = duckdb.connect()

    def _evaluate(name: str, value: str | None):
        return connection.execute(compiled[name], [value]).fetchone()[0]

    yield _evaluate
    connection.close()


text = st.one_of(st.none(), st.text(max_size=40), st.from_regex(r"\A[0-9 .\-/A-Za-z]{0,20}\Z"))


@settings(max_examples=300, deadline=None)
@given(text)
def test_parsers_never_raise_on_any_string(evaluate, value):
    age = evaluate("age", value)
    assert age is None or isinstance(age, float)
    date = evaluate("date", value)
    assert date is None or isinstance(date, dt.date)
    assert evaluate("precision", value) in (None, "day", "month", "year")
    evaluate("sponsor_key", value)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=120), st.sampled_from(["Years", "Year", "years", "YEARS"]))
def test_ages_in_years_round_trip(evaluate, amount, unit):
    assert evaluate("age", f"{amount} {unit}") == float(amount)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=1440), st.sampled_from(["Months", "Weeks", "Days", "Hours"]))
def test_ages_in_other_units_are_converted_to_years(evaluate, amount, unit):
    per_year = {"Months": 12, "Weeks": 365.25 / 7, "Days": 365.25, "Hours": 8766}[unit]
    assert evaluate("age", f"{amount} {unit}") == pytest.approx(amount / per_year, abs=5e-5)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_partial_dates_round_trip_with_their_precision(evaluate, day):
    assert (evaluate("date", day.isoformat()), evaluate("precision", day.isoformat())) == (day, "day")
    month = day.strftime("%Y-%m")
    assert (evaluate("date", month), evaluate("precision", month)) == (day.replace(day=1), "month")
    year = day.strftime("%Y")
    assert (evaluate("date", year), evaluate("precision", year)) == (dt.date(day.year, 1, 1), "year")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["acme", "bio", "pharma", "nordisk", "sharp", "dohme"]), min_size=1, max_size=3),
    st.sampled_from(["", " Inc.", " Ltd", ", LLC", " GmbH", " A/S", " S.r.l.", " AG"]),
    st.sampled_from([str.lower, str.upper, str.title]),
)
def test_sponsor_key_ignores_case_punctuation_and_legal_suffix(evaluate, words, suffix, case):
    name = " ".join(words)
    assert evaluate("sponsor_key", case(name) + suffix) == name


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_name_key_is_idempotent(evaluate, value):
    key = evaluate("name_key", value)
    assert key is None or evaluate("name_key", key) == key
