"""dlt column hints derived from pydantic boundary models."""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Any

from pydantic import BaseModel

_TYPES: dict[type, str] = {
    str: "text",
    int: "bigint",
    float: "double",
    bool: "bool",
    dt.date: "date",
    dt.datetime: "timestamp",
}


def _scalar_type(annotation: Any) -> str | None:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _scalar_type(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _scalar_type(options[0]) if len(options) == 1 else None
    return _TYPES.get(annotation) if isinstance(annotation, type) else None


def column_hints(model: type[BaseModel]) -> dict[str, dict[str, Any]]:
    """``{"field": {"data_type": ...}}`` for every scalar field (lists and nested models skipped)."""
    hints: dict[str, dict[str, Any]] = {}
    for name, field in model.model_fields.items():
        data_type = _scalar_type(field.annotation)
        if data_type:
            hints[name] = {"data_type": data_type, "nullable": True}
    return hints


# dlt data types whose Arrow type a table handed to dlt must have (what the resource declares).
_ARROW_INTEGERS = {"bigint": "int64"}


def conform_arrow(table: Any, hints: dict[str, dict[str, Any]]) -> Any:
    """``table`` (a pyarrow Table) with the nullability and integer types its resource's column
    hints declare. dlt compares an Arrow batch's schema with the resource's hints and warns
    ("several column hints were different") when they differ, e.g. a key declared NOT NULL that
    a query result leaves nullable, or a list index DuckDB computed as a decimal."""
    import pyarrow as pa

    fields = []
    for field in table.schema:
        hint = hints.get(field.name) or {}
        kind = _ARROW_INTEGERS.get(hint.get("data_type", ""))
        if kind and str(field.type) != kind:
            field = field.with_type(pa.int64())
        if hint.get("nullable") is False:
            field = field.with_nullable(False)
        fields.append(field)
    schema = pa.schema(fields)
    return table if schema.equals(table.schema) else table.cast(schema)
