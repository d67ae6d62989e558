"""The sources the pipeline knows: every package under ``extract/sources`` whose ``__init__``
declares a :class:`extract.runner.SourceSpec` named ``SPEC``.

Adding a source therefore needs no edit here: create ``extract/sources/<name>/`` with its
``SPEC`` and it is extracted by ``ctw extract``, ``make run`` and the Airflow DAG.
"""

from __future__ import annotations

import importlib
import pkgutil

import extract.sources
from extract.runner import SourceSpec


def discover() -> dict[str, SourceSpec]:
    """Every declared source, in run order."""
    found = []
    for info in pkgutil.iter_modules(extract.sources.__path__):
        if not info.ispkg:
            continue
        module = importlib.import_module(f"extract.sources.{info.name}")
        spec = getattr(module, "SPEC", None)
        if isinstance(spec, SourceSpec):
            found.append(spec)
    found.sort(key=lambda spec: (spec.order, spec.name))
    return {spec.name: spec for spec in found}
