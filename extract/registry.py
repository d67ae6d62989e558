"""The sources the pipeline knows: every package under ``extract/sources`` with a
``<name>_pipeline.py`` module exposing ``run(progress=...) -> RunSummary`` is one.

Adding a source therefore needs no edit here: create ``extract/sources/<name>/`` with its
``<name>_pipeline.py`` and it is extracted by ``ctw extract`` and ``make run``.
A pipeline module may set ``ORDER`` (default 100) to run earlier or later.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from types import ModuleType

import extract.sources


@dataclass(frozen=True)
class Source:
    name: str
    module: ModuleType

    @property
    def description(self) -> str:
        doc = (self.module.__doc__ or "").strip()
        return doc.splitlines()[0] if doc else self.name

    @property
    def order(self) -> int:
        return int(getattr(self.module, "ORDER", 100))


def discover() -> dict[str, Source]:
    """Every source with a pipeline module, in run order."""
    found = []
    for info in pkgutil.iter_modules(extract.sources.__path__):
        if not info.ispkg:
            continue
        module_name = f"extract.sources.{info.name}.{info.name}_pipeline"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        found.append(Source(info.name, module))
    found.sort(key=lambda source: (source.order, source.name))
    return {source.name: source for source in found}
