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
