"""The sources the pipeline knows: every package under ``extract/sources`` whose ``__init__``
declares a :class:`extract.runner.SourceSpec` named ``SPEC``; the package's name is the source's.

Adding a source therefore needs no edit here: create ``extract/sources/<name>/`` with its
``SPEC`` and it is extracted by ``ctw extract``, ``make run`` and the Airflow DAG.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable

import extract.sources
from extract.runner import SourceSpec


def source_packages() -> list[str]:
    """The names of the packages under ``extract/sources``, none of them imported."""
    return sorted(info.name for info in pkgutil.iter_modules(extract.sources.__path__) if info.ispkg)


def discover(names: Iterable[str] | None = None) -> dict[str, SourceSpec]:
    """Every declared source, in run order; with ``names``, only those of them that exist.

    A source is imported only when it is asked for: ``ctw extract ctgov`` does not pay for
    another source's libraries (the monitoring files' pandera, say)."""
    packages = source_packages()
    wanted = packages if names is None else [name for name in packages if name in set(names)]
    found = []
    for name in wanted:
        module = importlib.import_module(f"extract.sources.{name}")
        spec = getattr(module, "SPEC", None)
        if isinstance(spec, SourceSpec):
            found.append(spec)
    found.sort(key=lambda spec: (spec.order, spec.name))
    return {spec.name: spec for spec in found}
