"""Fixtures for the OMOP source: a local collaborator database per test, with every SQL
statement the pipeline sends to it recorded."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select

from extract.runner import extract_source
from extract.sources.omop import cdm
from extract.sources.omop.source_db import build, make_engine


@dataclass
class CollaboratorDb:
    engine: Engine
    cohorts_dir: Path
    statements: list[tuple[str, Any]] = field(default_factory=list)

    def approve(
        self,
        cohort_id: str,
        person_ids: list[int],
        name: str = "test cohort",
        approved_on: str = "2026-10-01",
        file_name: str | None = None,
    ) -> Path:
        path = self.cohorts_dir / (
            file_name or f"cohort_{len(list(self.cohorts_dir.glob('*.json')))}.json"
        )
        path.write_text(
            json.dumps(
                {
                    "cohort_id": cohort_id,
                    "cohort_name": name,
                    "approved_on": approved_on,
                    "person_ids": person_ids,
                }
            )
        )
        return path

    def run(self, **options: Any):
        return extract_source("omop", self.cohorts_dir, engine=self.engine, **options)

    def count(self, table: str, person_ids: list[int], load_dt: Any = None) -> int:
        """Rows of ``table`` for these persons in the source (optionally of one load)."""
        t = cdm.cdm_tables[table]
        statement = select(func.count()).select_from(t).where(t.c.person_id.in_(person_ids))
        if load_dt is not None:
            statement = statement.where(t.c[cdm.LOAD_DT] == load_dt)
        with self.engine.connect() as connection:
            return connection.execute(statement).scalar()

    def person_ids(self) -> list[int]:
        person = cdm.cdm_tables["person"]
        with self.engine.connect() as connection:
            return list(
                connection.execute(
                    select(person.c.person_id).order_by(person.c.person_id)
                ).scalars()
            )


@pytest.fixture
def collaborator(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> CollaboratorDb:
    monkeypatch.setenv("CTW_OMOP_SOURCE_DIR", str(tmp_path / "omop_source"))
    engine = make_engine()
    build(engine)
    cohorts_dir = tmp_path / "cohorts"
    cohorts_dir.mkdir()
    db = CollaboratorDb(engine, cohorts_dir)

    @event.listens_for(engine, "before_cursor_execute")
    def _record(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
    ) -> None:
        db.statements.append((statement, parameters))

    return db
