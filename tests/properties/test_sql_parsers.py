"""Property-based tests of the SQL parsing macros, compiled by dbt and run on DuckDB.

Each macro is compiled once with a bound parameter (``$1``) as its input, then hypothesis feeds
it arbitrary strings: the parsers never raise, and they round-trip what they should understand.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import duckdb
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ctw.dbt import _dbt_executable
from extract.sources.monitoring.vocabulary import measure_key, unit_key
from tests.conftest import Warehouse

PROJECT_DIR = Path(__file__).resolve().parents[2]

EXPRESSIONS = {
    "age": "{{ parse_age_years('$1') }}",
    "date": "{{ parse_partial_date('$1') }}",
    "precision": "{{ partial_date_precision('$1') }}",
    "sponsor_key": "{{ normalize_name('$1', drop_legal_suffixes=true) }}",
    "name_key": "{{ normalize_name('$1') }}",
    "registry_age": "{{ parse_registry_age_years('$1') }}",
    "registry_date": "{{ registry_date_iso('$1') }}",
    "mixed_date": "{{ parse_mixed_date('$1') }}",
    "phase_key": "{{ phase_key('$1') }}",
    "trial_id": "{{ canonical_trial_id('$1') }}",
    "range_low": "{{ reference_range_bound('$1', 'low') }}",
    "range_high": "{{ reference_range_bound('$1', 'high') }}",
    "unit_code": "{{ normalize_unit_code('$1') }}",
    "measure_key": "{{ measure_key('$1') }}",
}


def compile_expressions(expressions: dict[str, str]) -> dict[str, str]:
    """Each expression as a one-parameter select (``$1``), compiled by dbt for DuckDB. dbt
    parses the project once for all of them: one inline select whose expressions are
    separated by marker comments, split apart again after compiling."""
    # The session's compile-only warehouse: a stable profile and target folder, so dbt parses
    # partially after the first compile of the session.
    env = {**Warehouse("compile").reset().environment(), "PATH": "/usr/bin:/bin"}
    select = ",\n".join(f"-- @@{name}\n{expression} as value" for name, expression in expressions.items())
    result = subprocess.run(
        [_dbt_executable(), "compile", "--quiet", "--inline", f"select\n{select}",
         "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)],
        env=env, capture_output=True, text=True, cwd=PROJECT_DIR,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    parts = re.split(r"^-- @@(\w+)$", result.stdout, flags=re.MULTILINE)[1:]
    compiled = {name: "select " + body.strip().removesuffix(",") for name, body in zip(parts[::2], parts[1::2],
                                                                                       strict=True)}
    assert set(compiled) == set(expressions), result.stdout
    return compiled


@pytest.fixture(scope="module")
def evaluate():
    """``evaluate(name, value)``: the named expression evaluated on ``value`` by DuckDB."""
    compiled = compile_expressions(EXPRESSIONS)
    connection = duckdb.connect()

    def _evaluate(name: str, value: str | list[str] | None):
        if isinstance(value, list):
            # Several values in one query (the date parser's SQL is long to plan): their results in order.
            body = compiled[name].replace("$1", "v")
            values = "(select unnest($1::varchar[]) as v, generate_subscripts($1, 1) as i)"
            rows = connection.execute(f"{body} from {values} order by i", [value]).fetchall()
            return [row[0] for row in rows]
        return connection.execute(compiled[name], [value]).fetchone()[0]

    yield _evaluate
    connection.close()


text = st.one_of(st.none(), st.text(max_size=40), st.from_regex(r"\A[0-9 .\-/A-Za-z]{0,20}\Z"))


@settings(max_examples=200, deadline=None)
@given(text)
# Years before the common era, which Python's dates cannot hold: hypothesis found "0000".
@example("0000")
@example("-100")
@example("-001-01")
@example("0000-00-00")
def test_parsers_never_raise_on_any_string(evaluate, value):
    age = evaluate("age", value)
    assert age is None or isinstance(age, float)
    date = evaluate("date", value)
    assert date is None or isinstance(date, dt.date)
    assert evaluate("precision", value) in (None, "day", "month", "year")
    evaluate("sponsor_key", value)
    assert evaluate("registry_age", value) is None or isinstance(evaluate("registry_age", value), float)
    registry_date = evaluate("registry_date", value)
    assert registry_date is None or re.fullmatch(r"[0-9]{4}(-[0-9]{2}){0,2}", registry_date)
    assert evaluate("mixed_date", value) is None or isinstance(evaluate("mixed_date", value), dt.date)
    assert evaluate("phase_key", value) is None or evaluate("phase_key", value).startswith(("phase", "na"))
    evaluate("trial_id", value)
    for bound in ("range_low", "range_high"):
        assert evaluate(bound, value) is None or isinstance(evaluate(bound, value), float)
    evaluate("unit_code", value)
    evaluate("measure_key", value)


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


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))


@settings(max_examples=60, deadline=None)
@given(days)
def test_registry_dates_in_every_export_format_round_trip(evaluate, day):
    """ISO, ISRCTN timestamps, ICTRP yyyymmdd, dd/mm/yyyy (padded or not) and month names all
    give the same ISO date; month-only forms give the month."""
    month = MONTHS[day.month - 1]
    for written in (day.isoformat(), f"{day.isoformat()}T00:00:00.000Z", day.strftime("%Y%m%d"),
                    day.strftime("%d/%m/%Y"), f"{day.day}/{day.month}/{day.year}",
                    f"{month} {day.day}, {day.year}", f"{day.day} {month} {day.year}"):
        assert evaluate("registry_date", written) == day.isoformat(), written
    for written in (f"{month} {day.year}", f"{day.month:02d}/{day.year}", day.strftime("%Y-%m")):
        assert evaluate("registry_date", written) == day.strftime("%Y-%m"), written


@settings(max_examples=40, deadline=None)
@given(days)
def test_site_dates_in_every_format_round_trip(evaluate, day):
    month = MONTHS[day.month - 1]
    serial = (day - dt.date(1899, 12, 30)).days
    forms = []
    for written in (day.isoformat(), day.strftime("%d/%m/%Y"), f"{day.day}/{day.month}/{day.year}",
                    f"{month[:3]} {day.day} {day.year}", f"{month} {day.day}, {day.year}",
                    day.strftime("%d.%m.%Y"), f"{day.day}-{day.month}-{day.year}", day.strftime("%Y/%m/%d"),
                    f"{day.day} {month[:3]} {day.year}", f"{day.day} {month} {day.year}",
                    f"{day.isoformat()}T09:13:00", f"{day.isoformat()} 09:13",
                    # Excel serials of five digits (1927-05-18 to 2173-10-14): four would be a year
                    *((f"{serial}", f"{serial}.3868") if serial >= 10_000 else ())):
        forms.append(written)
    assert dict(zip(forms, evaluate("mixed_date", forms), strict=True)) == dict.fromkeys(forms, day)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=28), st.integers(min_value=1, max_value=12),
       st.integers(min_value=1900, max_value=2099))
def test_impossible_site_dates_give_null(evaluate, day, month, year):
    assert evaluate("mixed_date", [f"{day + 31}/{month}/{year}", f"{day}/{month + 12}/{year}"]) == [None, None]


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=120), st.sampled_from(["", " Years", "Y", " years", " Year(s)"]))
def test_registry_ages_in_years_round_trip(evaluate, amount, unit):
    assert evaluate("registry_age", f"{amount}{unit}") == float(amount)


ROMAN = {0: "0", 1: "I", 2: "II", 3: "III", 4: "IV"}
PHASE_KEYS = [
    row.split(",")[0]
    for row in (PROJECT_DIR / "seeds" / "trial_phase_mapping.csv").read_text().splitlines()[1:]
]
COMBINED = [key for key in PHASE_KEYS if key.startswith("phase")]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(COMBINED), st.sampled_from(["/", "-", ", ", " & "]), st.booleans(),
       st.sampled_from([str.lower, str.upper, str.title]))
def test_phases_as_registries_write_them_map_onto_the_seed(evaluate, key, separator, roman, case):
    """"Phase 2/Phase 3", "PHASE II-III", "phase 1, 2" ... give the seed's key for that combination."""
    numbers = [int(part.removeprefix("phase")) for part in key.split("|")]
    shown = [ROMAN[n] if roman else str(n) for n in numbers]
    for written in ("Phase " + separator.join(shown), separator.join(f"Phase {n}" for n in shown)):
        assert evaluate("phase_key", case(written)) == key, written


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(["N/A", "NA", "Not Applicable", "not applicable", " n/a "]))
def test_not_applicable_phases_map_onto_the_seed(evaluate, written):
    assert evaluate("phase_key", written) == "na" and "na" in PHASE_KEYS


@settings(max_examples=150, deadline=None)
@given(st.from_regex(r"\A(NCT[0-9]{8}|ISRCTN[0-9]{8}|[0-9]{4}-[0-9]{6}-[0-9]{2})\Z"),
       st.sampled_from(["{}", " {} ", "EUCTR{}-DE", "EUCTR{}", "{}-FR"]))
def test_trial_ids_are_canonical_and_idempotent(evaluate, identifier, shape):
    written = shape.format(identifier)
    canonical = evaluate("trial_id", written)
    if identifier[0].isdigit() or shape.strip() == "{}":
        assert canonical == identifier, written
    assert canonical is None or evaluate("trial_id", canonical) == canonical


bounds = st.decimals(min_value=0, max_value=5000, places=2)


@settings(max_examples=150, deadline=None)
@given(bounds, bounds, st.sampled_from(["{}-{}", "{} - {}", " {}-{} "]))
def test_reference_ranges_round_trip(evaluate, low, high, shape):
    written = shape.format(low, high)
    assert (evaluate("range_low", written), evaluate("range_high", written)) == (float(low), float(high))
    assert (evaluate("range_low", f"<{high}"), evaluate("range_high", f"<{high}")) == (None, float(high))
    assert (evaluate("range_low", f"<= {high}"), evaluate("range_high", f"<= {high}")) == (None, float(high))
    assert (evaluate("range_low", f">{low}"), evaluate("range_high", f">{low}")) == (float(low), None)
    assert (evaluate("range_low", f">={low}"), evaluate("range_high", f">={low}")) == (float(low), None)


# Unit spellings and measure names as hospitals write them: the vocabulary seeds' own characters.
spellings = st.text(
    alphabet=st.sampled_from(list("aAbCdDfFgGhHiIkKlLmMnNoOpPsStTuUwW0123456789 /%*^[]{}°µμ.-_℃")), max_size=16
)


@settings(max_examples=200, deadline=None)
@given(spellings)
def test_the_sql_keys_of_units_and_measures_are_the_loaders(evaluate, written):
    """normalize_unit_code and measure_key compute what the loader's unit_key and measure_key do,
    so the models find the same seed rows for a row as the loader did when it accepted it."""
    assert evaluate("unit_code", written) == unit_key(written)
    assert evaluate("measure_key", written) == measure_key(written)
