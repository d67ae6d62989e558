"""One runner for every source: find its input, run its dlt source, summarise the load.

Each source package (``extract/sources/<name>/__init__.py``) declares a :class:`SourceSpec`
named ``SPEC``: its dataset, what it reads (:class:`extract.inputs.Reads`), its bundled sample
input, the options it accepts and how to make its dlt source from the files found. ``ctw
extract <source> --input PATH`` and the Airflow DAG both call :func:`extract_source`.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dlt

from extract.inputs import InputPath, NothingToRead, Reads, describe_inputs, gather
from extract.pipeline import RunSummary, make_pipeline, run_source

logger = logging.getLogger("ctw.extract")

# How many passed-over files a message names before it says "and N more".
_NAMED = 5


@dataclass
class Extraction:
    """What a source runs for one extraction.

    Attributes:
        source: the dlt source.
        refresh: dlt's ``refresh`` mode for this run (e.g. ``drop_sources`` after a layout change),
            decided from the pipeline before extraction; None keeps the tables.
        after_load: called with the pipeline and the summary once the load succeeded.
    """

    source: Any
    refresh: Callable[[dlt.Pipeline], str | None] | None = None
    after_load: Callable[[dlt.Pipeline, RunSummary], None] | None = None


@dataclass(frozen=True)
class SourceSpec:
    """A source as the runner sees it.

    Attributes:
        name: the source's name (``ctw extract <name>``), also its dlt pipeline name.
        dataset: the raw schema it loads into.
        description: one line for ``ctw extract`` and the docs.
        reads: the files it reads; None for a source whose input is not files.
        sample_input: the bundled input used when no ``--input`` is given (a callable is
            resolved at run time, for inputs that come from settings).
        make: builds the :class:`Extraction` (or just the dlt source) from the files found and
            the options given.
        options: the keyword options ``make`` accepts beyond the files (``ctw extract`` refuses
            any other).
        needs_input: whether, given the options, the source reads files at all (ClinicalTrials.gov
            with ``api=True`` reads the API instead).
        order: run order of ``ctw extract`` with no source named (lower first).
    """

    name: str
    dataset: str
    description: str
    reads: Reads
    sample_input: Path | Callable[[], Path]
    make: Callable[..., Extraction | Any]
    options: frozenset[str] = field(default_factory=frozenset)
    needs_input: Callable[[dict[str, Any]], bool] = lambda options: True
    order: int = 100

    def default_input(self) -> Path:
        return self.sample_input() if callable(self.sample_input) else self.sample_input


class UnknownOption(ValueError):
    """An option the source does not take; the message says which ones it does."""


def find_input(spec: SourceSpec, inputs: Sequence[Path | str], scratch: Path) -> list[InputPath]:
    """The files ``spec`` reads under ``inputs``; fails with one line when there are none."""
    found = gather(inputs, spec.reads, scratch)
    where = describe_inputs(inputs)
    if found.passed_over:
        named = ", ".join(found.passed_over[:_NAMED])
        more = f" and {len(found.passed_over) - _NAMED} more" if len(found.passed_over) > _NAMED else ""
        notice = (
            f"{spec.name}: passed over {len(found.passed_over)} file(s) under {where} "
            f"that are not {spec.reads.what}: {named}{more}"
        )
        if found.files:
            # Said on stderr, not only logged: a file the user may have meant for this source.
            logger.info(notice)
            print(notice, file=sys.stderr)
    if not found.files:
        suffixes = ", ".join(spec.reads.suffixes + ((".zip",) if not spec.reads.archives else ()))
        others = len(found.passed_over) + found.other_files
        seen = f"; found {others} file(s) of other kinds" if others else "; found no files"
        raise NothingToRead(
            f"{spec.name}: nothing to read under {where}: looks for {spec.reads.what} ({suffixes}){seen}"
        )
    return found.files


def extract_source(
    spec: SourceSpec | str,
    inputs: Sequence[Path | str] | Path | str | None = None,
    *,
    progress: Any = None,
    **options: Any,
) -> RunSummary:
    """Extract one source into its raw schema and return what was loaded.

    ``inputs``: files, folders (searched recursively), zip archives or glob patterns; the
    source's bundled sample input when None. ``options`` are the source's own (see its spec).
    """
    if isinstance(spec, str):
        from extract.registry import discover

        spec = discover([spec])[spec]
    unknown = sorted(set(options) - spec.options)
    if unknown:
        takes = ", ".join(sorted(spec.options)) or "no options"
        raise UnknownOption(f"{spec.name} does not take {', '.join(unknown)} (it takes {takes})")
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    with tempfile.TemporaryDirectory(prefix=f"ctw-{spec.name}-") as scratch:
        files: list[InputPath] = []
        if spec.needs_input(options):
            files = find_input(spec, list(inputs or [spec.default_input()]), Path(scratch))
        job = spec.make(files, **options)
        if not isinstance(job, Extraction):
            job = Extraction(job)
        pipeline = make_pipeline(spec.name, spec.dataset, progress=progress)
        refresh = job.refresh(pipeline) if job.refresh else None
        summary = run_source(pipeline, job.source, spec.name, refresh=refresh)
        if job.after_load:
            job.after_load(pipeline, summary)
    return summary
