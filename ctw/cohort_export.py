"""Dataset extraction: one cohort's de-identified CDM tables as Parquet, with a manifest.

    ctw cohort-export <cohort_id> <dir>

Reads only the de-identified ``omop`` schema of the warehouse. ``manifest.json`` lists every file
with its row count and SHA-256, the cohort's data cut (the newest source load ingested) and the
fingerprint of the pseudonymisation key (never the key); a build with the published dev-only key
is marked "not de-identified for release".
The cohort ID is a bound parameter, never part of a file name or of the SQL text.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq

from extract import settings
from extract.sources.omop.cdm import CLINICAL_TABLES

MANIFEST = "manifest.json"


class UnknownCohort(LookupError):
    """The cohort is not in the de-identified registry (not approved, or not extracted yet)."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export_cohort(
    cohort_id: str, directory: Path | str, warehouse: Path | None = None
) -> dict[str, Any]:
    """Write ``<table>.parquet`` for every CDM table and ``manifest.json``; return the manifest."""
    schema = os.environ.get("CTW_SCHEMA_PREFIX", "") + "omop"
    if not schema.replace("_", "").isalnum():
        raise ValueError(f"unexpected schema name {schema!r}")
    directory = Path(directory)
    with duckdb.connect(str(warehouse or settings.duckdb_path()), read_only=True) as connection:
        found = connection.execute(
            f"select cohort_name, approved_date, data_cut_at, deid_key_fingerprint, is_dev_deid_key "
            f"from {schema}.cohort_registry "
            "where cohort_id = ?",
            [cohort_id],
        ).fetchall()
        if not found:
            raise UnknownCohort(
                f"cohort {cohort_id!r} is not in {schema}.cohort_registry; "
                "run `ctw run` after approving it"
            )
        directory.mkdir(parents=True, exist_ok=True)
        tables: dict[str, dict[str, Any]] = {}
        for table in CLINICAL_TABLES:
            rows = connection.sql(
                f"select * from {schema}.{table} where person_id in "
                f"(select person_id from {schema}.cohort_person where cohort_id = ?) order by all",
                params=[cohort_id],
            ).to_arrow_table()
            path = directory / f"{table}.parquet"
            pq.write_table(rows, path)
            tables[table] = {"file": path.name, "rows": rows.num_rows, "sha256": _sha256(path)}
    name, approved, cut, key_fingerprint, dev_key = found[0]
    manifest = {
        "cohort_id": cohort_id,
        "cohort_name": name,
        "approved_date": approved.isoformat() if approved else None,
        "data_cut_at": cut.isoformat() if cut else None,
        "generated_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        # Pseudonymised with the published dev-only key, the tables can be re-identified by anyone.
        "de_identified": not dev_key,
        "deid_key_fingerprint": key_fingerprint,
        "dev_only_key_used": bool(dev_key),
        "release_status": "not de-identified for release" if dev_key else "de-identified",
        "tables": tables,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest
