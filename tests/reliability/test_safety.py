"""No secret in the repository; user input reaching SQL is data, never code."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.conftest import Warehouse

PROJECT_DIR = Path(__file__).resolve().parents[2]
SECRET_KEY = re.compile(r"(password|passwd|secret|token|api_key|apikey|credentials|deid_key|private_key)", re.I)
# A value that comes from the environment or a template, is visibly a placeholder, or is a switch
# (`enable_airflow_secrets = false` names secrets but holds none).
INDIRECT = re.compile(r"env_var\(|\{\{|\$\{|^\s*$|^<.*>$|^(changeme|example|placeholder|true|false)$", re.I)
CONFIG_SUFFIXES = {".yml", ".yaml", ".toml", ".cfg", ".ini", ".env", ".example", ".json"}


def tracked_config_files() -> list[Path]:
    names = subprocess.run(
        ["git", "ls-files"], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
    ).stdout.split()
    return [
        PROJECT_DIR / name
        for name in names
        if Path(name).suffix in CONFIG_SUFFIXES
        and not name.startswith(("tests/data/", "extract/demo_data/", "seeds/"))
    ]


def literal_secrets(path: Path, root: Path = PROJECT_DIR) -> list[str]:
    found = []
    for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
        match = re.match(r"""^\s*["']?([\w.\-]+)["']?\s*[:=]\s*(.*?)\s*,?\s*$""", line)
        if not match or not SECRET_KEY.search(match.group(1)):
            continue
        value = match.group(2).strip().strip("\"'")
        if value and not INDIRECT.search(value) and not value.startswith(("#", "{", "[")):
            found.append(f"{path.relative_to(root)}:{number}: {match.group(1)}")
    return found


def test_no_literal_secret_in_any_tracked_config():
    files = tracked_config_files()
    assert PROJECT_DIR / "profiles.yml" in files
    leaks = [leak for path in files for leak in literal_secrets(path)]
    assert leaks == []


def test_the_secret_scanner_catches_a_literal(tmp_path):
    profile = tmp_path / "profiles.yml"
    profile.write_text(
        "pg:\n  password: hunter2\n  user: \"{{ env_var('PGUSER') }}\"\n  enable_secrets: false\n  token: falsey\n"
    )
    assert [leak.split(": ")[-1] for leak in literal_secrets(profile, root=tmp_path)] == ["password", "token"]


INJECTIONS = [
    "x' or '1'='1",
    "'; drop table marts.dim_trial; --",
    "cancer%' union select * from marts.dim_sponsor --",
]


def test_condition_var_is_searched_for_not_executed(built_copy, query, dbt, monkeypatch):
    # Each `--vars` makes dbt parse the project afresh: a dbt target folder of their own keeps the
    # rest of the session's partial parse.
    monkeypatch.setenv("DBT_TARGET_PATH", str(Warehouse("vars").target))
    trials = query("select count(*) from marts.dim_trial")[0][0]
    for condition in INJECTIONS:
        dbt(["build", "--select", "rpt_trials_by_condition", "--vars", f"{{condition: {condition!r}}}"])
        assert query("select count(*) from marts.rpt_trials_by_condition") == [(0,)], condition
        assert query("select distinct searched_condition from marts.rpt_trials_by_condition") == []
        assert query("select count(*) from marts.dim_trial") == [(trials,)]
