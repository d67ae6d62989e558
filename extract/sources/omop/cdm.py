"""The part of the OMOP CDM v5.3 we ingest: nine clinical tables, each with the collaborator's
``load_dt`` column, and the sandbox table holding our cohort lists.

Columns are listed explicitly, so we select exactly what we know (never ``select *``) and a
column the collaborator adds does not silently flow into the warehouse.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from sqlalchemy import BigInteger, Column, Date, DateTime, Float, MetaData, String, Table

# Logical schema names; the configured ones are applied with SQLAlchemy's schema_translate_map.
CDM = "omop"
SANDBOX = "sandbox"

_TYPES = {"int": BigInteger, "text": String, "date": Date, "datetime": DateTime, "float": Float}
_ARROW_TYPES = {
    "int": pa.int64(),
    "text": pa.string(),
    "date": pa.date32(),
    "datetime": pa.timestamp("us"),
    "float": pa.float64(),
}
_DLT_TYPES = {
    "int": "bigint",
    "text": "text",
    "date": "date",
    "datetime": "timestamp",
    "float": "double",
}

# table -> (primary key, [(column, type)]) in CDM v5.3 order; load_dt is appended to each.
TABLES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "person": (
        "person_id",
        [
            ("person_id", "int"),
            ("gender_concept_id", "int"),
            ("year_of_birth", "int"),
            ("month_of_birth", "int"),
            ("day_of_birth", "int"),
            ("birth_datetime", "datetime"),
            ("race_concept_id", "int"),
            ("ethnicity_concept_id", "int"),
            ("location_id", "int"),
            ("provider_id", "int"),
            ("care_site_id", "int"),
            ("person_source_value", "text"),
            ("gender_source_value", "text"),
            ("gender_source_concept_id", "int"),
            ("race_source_value", "text"),
            ("race_source_concept_id", "int"),
            ("ethnicity_source_value", "text"),
            ("ethnicity_source_concept_id", "int"),
        ],
    ),
    "observation_period": (
        "observation_period_id",
        [
            ("observation_period_id", "int"),
            ("person_id", "int"),
            ("observation_period_start_date", "date"),
            ("observation_period_end_date", "date"),
            ("period_type_concept_id", "int"),
        ],
    ),
    "visit_occurrence": (
        "visit_occurrence_id",
        [
            ("visit_occurrence_id", "int"),
            ("person_id", "int"),
            ("visit_concept_id", "int"),
            ("visit_start_date", "date"),
            ("visit_start_datetime", "datetime"),
            ("visit_end_date", "date"),
            ("visit_end_datetime", "datetime"),
            ("visit_type_concept_id", "int"),
            ("provider_id", "int"),
            ("care_site_id", "int"),
            ("visit_source_value", "text"),
            ("visit_source_concept_id", "int"),
            ("admitting_source_concept_id", "int"),
            ("admitting_source_value", "text"),
            ("discharge_to_concept_id", "int"),
            ("discharge_to_source_value", "text"),
            ("preceding_visit_occurrence_id", "int"),
        ],
    ),
    "condition_occurrence": (
        "condition_occurrence_id",
        [
            ("condition_occurrence_id", "int"),
            ("person_id", "int"),
            ("condition_concept_id", "int"),
            ("condition_start_date", "date"),
            ("condition_start_datetime", "datetime"),
            ("condition_end_date", "date"),
            ("condition_end_datetime", "datetime"),
            ("condition_type_concept_id", "int"),
            ("condition_status_concept_id", "int"),
            ("stop_reason", "text"),
            ("provider_id", "int"),
            ("visit_occurrence_id", "int"),
            ("visit_detail_id", "int"),
            ("condition_source_value", "text"),
            ("condition_source_concept_id", "int"),
            ("condition_status_source_value", "text"),
        ],
    ),
    "drug_exposure": (
        "drug_exposure_id",
        [
            ("drug_exposure_id", "int"),
            ("person_id", "int"),
            ("drug_concept_id", "int"),
            ("drug_exposure_start_date", "date"),
            ("drug_exposure_start_datetime", "datetime"),
            ("drug_exposure_end_date", "date"),
            ("drug_exposure_end_datetime", "datetime"),
            ("verbatim_end_date", "date"),
            ("drug_type_concept_id", "int"),
            ("stop_reason", "text"),
            ("refills", "int"),
            ("quantity", "float"),
            ("days_supply", "int"),
            ("sig", "text"),
            ("route_concept_id", "int"),
            ("lot_number", "text"),
            ("provider_id", "int"),
            ("visit_occurrence_id", "int"),
            ("visit_detail_id", "int"),
            ("drug_source_value", "text"),
            ("drug_source_concept_id", "int"),
            ("route_source_value", "text"),
            ("dose_unit_source_value", "text"),
        ],
    ),
    "procedure_occurrence": (
        "procedure_occurrence_id",
        [
            ("procedure_occurrence_id", "int"),
            ("person_id", "int"),
            ("procedure_concept_id", "int"),
            ("procedure_date", "date"),
            ("procedure_datetime", "datetime"),
            ("procedure_type_concept_id", "int"),
            ("modifier_concept_id", "int"),
            ("quantity", "int"),
            ("provider_id", "int"),
            ("visit_occurrence_id", "int"),
            ("visit_detail_id", "int"),
            ("procedure_source_value", "text"),
            ("procedure_source_concept_id", "int"),
            ("modifier_source_value", "text"),
        ],
    ),
    "measurement": (
        "measurement_id",
        [
            ("measurement_id", "int"),
            ("person_id", "int"),
            ("measurement_concept_id", "int"),
            ("measurement_date", "date"),
            ("measurement_datetime", "datetime"),
            ("measurement_time", "text"),
            ("measurement_type_concept_id", "int"),
            ("operator_concept_id", "int"),
            ("value_as_number", "float"),
            ("value_as_concept_id", "int"),
            ("unit_concept_id", "int"),
            ("range_low", "float"),
            ("range_high", "float"),
            ("provider_id", "int"),
            ("visit_occurrence_id", "int"),
            ("visit_detail_id", "int"),
            ("measurement_source_value", "text"),
            ("measurement_source_concept_id", "int"),
            ("unit_source_value", "text"),
            ("value_source_value", "text"),
        ],
    ),
    "observation": (
        "observation_id",
        [
            ("observation_id", "int"),
            ("person_id", "int"),
            ("observation_concept_id", "int"),
            ("observation_date", "date"),
            ("observation_datetime", "datetime"),
            ("observation_type_concept_id", "int"),
            ("value_as_number", "float"),
            ("value_as_string", "text"),
            ("value_as_concept_id", "int"),
            ("qualifier_concept_id", "int"),
            ("unit_concept_id", "int"),
            ("provider_id", "int"),
            ("visit_occurrence_id", "int"),
            ("visit_detail_id", "int"),
            ("observation_source_value", "text"),
            ("observation_source_concept_id", "int"),
            ("unit_source_value", "text"),
            ("qualifier_source_value", "text"),
        ],
    ),
    "death": (
        "person_id",
        [
            ("person_id", "int"),
            ("death_date", "date"),
            ("death_datetime", "datetime"),
            ("death_type_concept_id", "int"),
            ("cause_concept_id", "int"),
            ("cause_source_value", "text"),
            ("cause_source_concept_id", "int"),
        ],
    ),
}

CLINICAL_TABLES: tuple[str, ...] = tuple(TABLES)
LOAD_DT = "load_dt"

metadata = MetaData()


def _table(name: str) -> Table:
    primary_key, columns = TABLES[name]
    return Table(
        name,
        metadata,
        *(
            Column(column, _TYPES[kind], primary_key=column == primary_key)
            for column, kind in columns
        ),
        Column(LOAD_DT, DateTime, nullable=False, index=True),
        schema=CDM,
    )


cdm_tables: dict[str, Table] = {name: _table(name) for name in TABLES}

# Our cohort lists on the source side, so the person filter is a join the source executes.
cohort_member = Table(
    "ctw_cohort_member",
    metadata,
    Column("cohort_id", String, primary_key=True),
    Column("person_id", BigInteger, primary_key=True),
    schema=SANDBOX,
)


def primary_key(table: str) -> str:
    return TABLES[table][0]


def column_types(table: str) -> dict[str, str]:
    """Column name -> our short type name, ``load_dt`` included."""
    return {**dict(TABLES[table][1]), LOAD_DT: "datetime"}


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema batches of ``table`` are handed to dlt in (Arrow skips per-row
    normalisation, and an all-NULL batch keeps its types). The key is declared NOT NULL, as dlt
    makes a primary key column: differing nullability would be a column-hint conflict."""
    key = primary_key(table)
    return pa.schema([
        pa.field(column, _ARROW_TYPES[kind], nullable=column != key) for column, kind in column_types(table).items()
    ])


def dlt_columns(table: str) -> dict[str, dict[str, Any]]:
    """dlt column hints, so an all-NULL column still gets its CDM type."""
    key = primary_key(table)
    return {
        column: {"data_type": _DLT_TYPES[kind], "nullable": column not in (key, LOAD_DT)}
        for column, kind in column_types(table).items()
    }
