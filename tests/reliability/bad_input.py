"""What the bad-input tests share: a batch of one broken file beside valid ones, run through a
source's pipeline, and the quarantine rows it left."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "data" / "bad"
FIFTY_MB = 50_000_000


@dataclass(frozen=True)
class Quarantined:
    """An expected quarantine row: where, which record, which field, and words of the reason."""

    location: str
    record_id: str | None
    field: str
    reason: str


def batch(tmp_path: Path, source: str, *files: str, folder: str = "batch") -> Path:
    """A folder holding the named corpus files of ``source``."""
    target = tmp_path / folder
    target.mkdir(parents=True, exist_ok=True)
    for name in files:
        shutil.copy(CORPUS / source / name, target / name)
    return target


def quarantine_rows(query: Callable, dataset: str) -> list[tuple]:
    return query(
        f"select location, record_id, field, reason from {dataset}.quarantine "
        "order by location, coalesce(record_id, ''), field"
    )


def assert_quarantined(rows: list[tuple], expected: list[Quarantined]) -> None:
    """Exactly the expected rows (in any order), each reason containing the expected words."""
    left = list(rows)
    for want in expected:
        match = next(
            (row for row in left
             if row[:3] == (want.location, want.record_id, want.field) and want.reason in row[3]),
            None,
        )
        assert match is not None, (want, left)
        left.remove(match)
    assert not left, f"unexpected quarantine rows: {left}"


def assert_outcome(summary, query: Callable, dataset: str, ids_sql: str, loaded: set[str],
                   expected: list[Quarantined]) -> None:
    """The records ``ids_sql`` lists are exactly ``loaded``; the run quarantined exactly
    ``expected``."""
    assert {row[0] for row in query(ids_sql)} == loaded
    assert summary.quarantined == len(expected)
    if expected:
        assert_quarantined(quarantine_rows(query, dataset), expected)
