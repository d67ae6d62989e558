"""The project's generic tests (expectation-style, the compound-key test, not_null_columns) fail on bad rows and pass on good ones.

Each test macro is called inline on a literal relation; dbt compiles all cases in one query,
DuckDB counts the rows each case returns (a test fails when it returns rows).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import duckdb
import pytest

from ctw.dbt import _dbt_executable
from tests.conftest import Warehouse

PROJECT_DIR = Path(__file__).resolve().parents[2]

ROWS = "(select * from (values ('NCT01234567', 18, 65, 'a'), ('NCTX', -1, 10, 'b'), (null, 130, 140, 'a')) as t(id, lo, hi, grp))"
NUMS = "(select * from (values (1, 1), (2, 1)) as t(a, b))"
GAPS = "(select * from (values (1, null, null), (null, 2, 3), (4, 5, 6)) as t(a, b, c))"

PREAMBLE = (
    f"{{% set rows %}}{ROWS}{{% endset %}}{{% set nums %}}{NUMS}{{% endset %}}{{% set gaps %}}{GAPS}{{% endset %}}"
)

# case name -> (test macro call, expected number of failing rows)
CASES = {
    "regex": ("test_expect_column_values_to_match_regex(model=rows, column_name='id', regex='^NCT[0-9]{8}$')", 1),
    "between": ("test_expect_column_values_to_be_between(model=rows, column_name='lo', min_value=0, max_value=120)", 2),
    "between_strict_ok": ("test_expect_column_values_to_be_between(model=nums, column_name='a', min_value=0, max_value=3, strictly=true)", 0),
    "in_set": ("test_expect_column_values_to_be_in_set(model=rows, column_name='grp', value_set=['a'])", 1),
    "not_null": ("test_expect_column_values_to_not_be_null(model=rows, column_name='id')", 1),
    "not_null_condition": ("test_expect_column_values_to_not_be_null(model=rows, column_name='id', row_condition='lo < 100')", 0),
    # One failing row per NULL: a row with two NULLs among the columns fails twice.
    "not_null_columns": ("test_not_null_columns(model=gaps, column_names=['a', 'b', 'c'])", 3),
    "not_null_columns_one": ("test_not_null_columns(model=gaps, column_names=['c', 'a'])", 2),
    "not_null_columns_ok": ("test_not_null_columns(model=nums, column_names=['a', 'b'])", 0),
    "lengths": ("test_expect_column_value_lengths_to_be_between(model=rows, column_name='id', min_value=11, max_value=11)", 1),
    "pair": ("test_expect_column_pair_values_A_to_be_greater_than_B(model=rows, column_A='hi', column_B='lo')", 0),
    "pair_fails": ("test_expect_column_pair_values_A_to_be_greater_than_B(model=nums, column_A='b', column_B='a', or_equal=true)", 1),
    "compound_unique": ("test_expect_compound_columns_to_be_unique(model=nums, column_list=['b'])", 1),
    "compound_unique_ok": ("test_expect_compound_columns_to_be_unique(model=nums, column_list=['a', 'b'])", 0),
    "combination": ("test_unique_combination_of_columns(model=nums, combination_of_columns=['b'])", 1),
    "combination_ok": ("test_unique_combination_of_columns(model=nums, combination_of_columns=['a', 'b'], quote_columns=true)", 0),
    "row_count": ("test_expect_table_row_count_to_be_between(model=rows, min_value=4)", 1),
    "row_count_ok": ("test_expect_table_row_count_to_be_between(model=rows, min_value=1, max_value=3)", 0),
}


@pytest.fixture(scope="module")
def failing_rows() -> dict[str, int]:
    parts = [
        f"select '{name}' as case_name, count(*) as failing from ({{{{ {call} }}}}) as failures"
        for name, (call, _) in CASES.items()
    ]
    result = subprocess.run(
        [_dbt_executable(), "compile", "--quiet", "--inline", PREAMBLE + "\nunion all\n".join(parts),
         "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)],
        env={**Warehouse("compile").reset().environment(), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, cwd=PROJECT_DIR,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with duckdb.connect() as connection:
        return dict(connection.execute(result.stdout).fetchall())


@pytest.mark.parametrize("case", sorted(CASES))
def test_generic_test_flags_exactly_the_bad_rows(case, failing_rows):
    assert failing_rows[case] == CASES[case][1]
