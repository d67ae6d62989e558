"""``ctw``: extract sources, build the warehouse with dbt, and show headline figures.

ctw run                      extract every source's bundled data, dbt build, print figures
ctw extract [SOURCE ...]     extract some or all sources (bundled data)
ctw extract SOURCE --input PATH   extract your own exports (files, folders, zips, globs)
ctw extract ctgov --api      extract ClinicalTrials.gov from the live API
ctw extract --destination filesystem   write Parquet files for Spark instead (docs/scale-out.md)
ctw build [-s SELECTOR]      dbt build
ctw kpis                     print headline figures
ctw cohort-export ID DIR     write one OMOP cohort's de-identified tables as Parquet
ctw report                   write the monitoring quality report (warehouse/reports/)
ctw docs                     build the static dbt docs site
ctw export [--out DIR]       marts to Parquet and CSV (one file per table) plus one SQLite/DuckDB file
ctw publish                  copy the marts to PostgreSQL and build the search model there
ctw search "QUERY"           ranked trials from the PostgreSQL search model
"""

from __future__ import annotations

import contextlib
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ctw.dbt import DbtFailed, run_dbt
from ctw.lock import WarehouseLocked, lock_timeout, warehouse_lock
from extract import settings
from extract.pipeline import SourceDataRejected
from extract.registry import discover
from extract.runner import UnknownOption, extract_source

app = typer.Typer(
    help="Clinical-trials warehouse: dlt extract loaders and the dbt build.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
# Messages are never wrapped: off a terminal rich would break lines at 80 columns, and a log or a
# test reading the output would find a message split wherever a host name or path moved it.
console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)


class CliError(Exception):
    """An error worth one readable line instead of a traceback."""


def _fail(message: str) -> None:
    # One line, whatever the message (a library's may span several).
    console.print(f"[bold red]error:[/] {escape(' '.join(message.split()))}")
    raise typer.Exit(code=1)


def _extract(names: list[str], progress: str | None, inputs: list[str] | None = None, **options: object) -> None:
    """Extract the named sources (all when none is named) from ``inputs`` or their bundled data.

    With ``inputs`` and no source named, every source reads what it recognises there and a
    source that finds nothing is left out; it is an error only when no source finds anything.
    """
    from extract.inputs import NothingToRead

    sources = discover()
    unknown = [name for name in names if name not in sources]
    if unknown:
        raise CliError(f"unknown source(s) {', '.join(unknown)}; known: {', '.join(sources)}")
    given = {key: value for key, value in options.items() if value is not None and value is not False}
    chosen = names or list(sources)
    for key in given:
        takers = [name for name in chosen if key in sources[name].options]
        if not takers:
            owners = [name for name, spec in sources.items() if key in spec.options]
            raise CliError(f"--{key.replace('_', '-')} is an option of {', '.join(owners)}: name the source")
    skipped: list[str] = []
    for name in chosen:
        spec = sources[name]
        console.print(f"[bold]extract[/] {name}: {escape(spec.description)}")
        accepted = {key: value for key, value in given.items() if key in spec.options}
        try:
            summary = extract_source(spec, inputs or None, progress=progress, **accepted)
        except NothingToRead as exc:
            if names or not inputs:
                raise
            console.print(f"  {escape(str(exc))}")
            skipped.append(name)
            continue
        except UnknownOption as exc:
            raise CliError(str(exc)) from exc
        console.print(f"  {escape(summary.describe())}")
    if skipped and len(skipped) == len(chosen):
        raise CliError(f"no source found anything to read under {', '.join(inputs or [])}")


def _print_figures() -> None:
    from ctw.kpis import headline_figures

    figures = headline_figures()
    if not out.is_terminal:
        # Off a terminal (a log, a pipe, CI): one plain line per figure, never wrapped.
        out.print("Headline figures", markup=False, highlight=False)
        for label, value in figures:
            out.print(f"  {label}: {value}", markup=False, highlight=False)
        return
    table = Table(title="Headline figures", show_header=False)
    for label, value in figures:
        table.add_row(label, str(value))
    out.print(table)


def _lock_timeout() -> float:
    try:
        return lock_timeout()
    except WarehouseLocked as exc:
        _fail(str(exc))


@contextlib.contextmanager
def _locked(command: str, shared: bool = False):
    """Hold the warehouse lock: writers alone, readers (``shared``) together. A command that must
    wait says so in one line, waits up to CTW_LOCK_TIMEOUT seconds, then fails in one line."""
    try:
        with warehouse_lock(
            settings.duckdb_path(),
            command,
            timeout_s=_lock_timeout(),
            notify=lambda m: console.print(escape(m)),
            shared=shared,
        ):
            yield
    except WarehouseLocked as exc:
        _fail(str(exc))


def _writing(command: str):
    return _locked(command)


def _reading(command: str):
    return _locked(command, shared=True)


def _guarded(action, *args, **kwargs) -> None:
    """Run an action; known failures become one red line and exit code 1."""
    import duckdb
    from dlt.pipeline.exceptions import PipelineStepFailed

    try:
        action(*args, **kwargs)
    except CliError as exc:
        _fail(str(exc))
    except PipelineStepFailed as exc:
        cause = exc.__cause__ or exc.exception
        _fail(f"pipeline {exc.pipeline.pipeline_name} failed at {exc.step}: {cause}")
    except (DbtFailed, SourceDataRejected, FileNotFoundError, PermissionError, UnknownOption) as exc:
        _fail(str(exc))
    except duckdb.CatalogException as exc:
        _fail(f"{exc} (has the warehouse been built? try `ctw build`)")
    except duckdb.IOException as exc:
        # Another program (not a ctw command, which would have waited for the lock) has the file open.
        _fail(f"cannot open the warehouse {settings.duckdb_path()}: {exc}")
    except typer.Exit:
        raise
    except Exception as exc:
        if os.environ.get("CTW_DEBUG") == "1":
            raise
        _fail(f"{type(exc).__name__}: {exc} (CTW_DEBUG=1 shows the traceback)")


@app.command()
def extract(
    sources: Annotated[list[str] | None, typer.Argument(help="sources to extract (default: all)")] = None,
    input_paths: Annotated[
        list[str] | None,
        typer.Option(
            "--input",
            "-i",
            help="your own exports: a file, a folder (searched recursively), a zip or a glob; repeatable. "
            "Each source reads the files it recognises by content. omop: the folder of approved cohort lists. "
            "Default: the bundled sample data",
        ),
    ] = None,
    api: Annotated[bool, typer.Option(help="ctgov: read the live API instead of bundled files")] = False,
    base_url: Annotated[str | None, typer.Option(help="ctgov: API root URL")] = None,
    max_pages: Annotated[int | None, typer.Option(help="ctgov: stop after this many pages")] = None,
    query_term: Annotated[str | None, typer.Option(help="ctgov: query.term search expression")] = None,
    bulk_engine: Annotated[
        str | None, typer.Option(help="ctgov: how bulk files are parsed, duckdb (default) or python")
    ] = None,
    max_bad_share: Annotated[
        float | None, typer.Option(help="monitoring: refuse a batch with a larger share of bad rows (default 0.2)")
    ] = None,
    progress: Annotated[bool, typer.Option(help="show a progress bar")] = True,
    destination: Annotated[
        str | None,
        typer.Option(help="duckdb (the warehouse, default) or filesystem (Parquet under CTW_RAW_PARQUET_URL)"),
    ] = None,
) -> None:
    """Extract sources into the raw schemas of the warehouse (or Parquet files for Spark)."""
    if destination:
        os.environ["CTW_DESTINATION"] = destination
    try:
        settings.destination()
    except ValueError as exc:
        _fail(str(exc))
    options = {
        "api": api,
        "base_url": base_url,
        "max_pages": max_pages,
        "query_term": query_term,
        "bulk_engine": bulk_engine,
        "max_bad_share": max_bad_share,
    }
    with _writing("ctw extract"):
        _guarded(_extract, list(sources or []), "tqdm" if progress else None, list(input_paths or []), **options)


@app.command()
def build(
    select: Annotated[str | None, typer.Option("--select", "-s", help="dbt node selection")] = None,
    full_refresh: Annotated[bool, typer.Option(help="rebuild incremental models")] = False,
) -> None:
    """Run ``dbt build`` (seeds, models, snapshots, tests) on the warehouse."""
    args = ["build"]
    if select:
        args += ["--select", select]
    if full_refresh:
        args.append("--full-refresh")
    from ctw.sources_present import exclude_absent

    with _writing("ctw build"):
        # A source not loaded yet: its models build empty, its tests are left out (one line says which).
        args += exclude_absent(notify=lambda line: console.print(escape(line)))
        _guarded(run_dbt, args)


@app.command()
def kpis() -> None:
    """Print headline figures from the marts."""
    with _reading("ctw kpis"):
        _guarded(_print_figures)


def _write_report(run_results: list[Path] | None = None) -> None:
    from ctw.report import write_quality_report

    console.print(f"report: {escape(str(write_quality_report(run_results)))}")


@app.command()
def report(
    dbt_results: Annotated[
        list[Path] | None,
        typer.Option(help="run_results.json files or folders of them (default: target/run_results.json)"),
    ] = None,
) -> None:
    """Write the monitoring data-quality report (HTML with a chart) under warehouse/reports/."""
    with _reading("ctw report"):
        _guarded(_write_report, dbt_results or None)


@app.command()
def run(
    progress: Annotated[bool, typer.Option(help="show progress bars")] = True,
    publish: Annotated[
        str,
        typer.Option(
            envvar="CTW_PUBLISH",
            help="copy the marts to PostgreSQL afterwards: auto (when reachable), always, never",
        ),
    ] = "auto",
) -> None:
    """Extract every source's bundled data, build the warehouse, publish and print headline figures."""
    console.print(f"warehouse: {escape(str(settings.duckdb_path()))}")
    with _writing("ctw run"):
        _guarded(_extract, [], "tqdm" if progress else None)
        from ctw.sources_present import exclude_absent

        _guarded(run_dbt, ["build", *exclude_absent(notify=lambda line: console.print(escape(line)))])
        _guarded(_write_report)
        _guarded(_publish_step, publish)
    with _reading("ctw run"):
        _guarded(_print_figures)


@app.command("cohort-export")
def cohort_export(
    cohort_id: Annotated[str, typer.Argument(help="approved cohort ID")],
    directory: Annotated[str, typer.Argument(help="folder for the Parquet files and manifest.json")],
) -> None:
    """Write one OMOP cohort's de-identified tables as Parquet with a manifest."""
    from ctw.cohort_export import UnknownCohort, export_cohort

    def _export() -> None:
        try:
            manifest = export_cohort(cohort_id, directory)
        except UnknownCohort as exc:
            raise CliError(str(exc)) from exc
        rows = sum(table["rows"] for table in manifest["tables"].values())
        console.print(
            escape(
                f"cohort {cohort_id}: {rows} rows in {len(manifest['tables'])} tables, "
                f"data cut {manifest['data_cut_at']} -> {directory}"
            )
        )

    with _reading("ctw cohort-export"):
        _guarded(_export)


def _publish(build_serving: bool = True) -> None:
    from ctw import serving

    try:
        summary = serving.publish()
        console.print(f"[bold]publish[/] {escape(summary.describe())}")
        if build_serving:
            serving.build_serving()
    except serving.ServingError as exc:
        raise CliError(str(exc)) from exc


def _publish_step(mode: str) -> None:
    """``ctw run``'s last step: publish when PostgreSQL answers, else say how to enable it."""
    from ctw import serving

    mode = mode.lower()
    if mode not in {"auto", "always", "never"}:
        raise CliError(f"--publish must be auto, always or never, not {mode!r}")
    if mode == "never":
        return
    reason = serving.unreachable_reason()
    if reason is not None and mode == "auto":
        console.print(
            f"[yellow]publish skipped:[/] {escape(reason)}. To serve the marts from PostgreSQL, install the serving "
            f"extra ({escape(serving.INSTALL_HINT)}), set CTW_PG_HOST/CTW_PG_PORT/CTW_PG_USER/CTW_PG_PASSWORD/"
            "CTW_PG_DATABASE and run `ctw publish` (CTW_PUBLISH=never silences this)."
        )
        return
    if reason is not None:
        raise CliError(reason)
    _publish()


@app.command(name="publish")
def publish_command(
    build: Annotated[bool, typer.Option(help="build the search model (dbt pg target) after copying")] = True,
) -> None:
    """Copy the public marts to PostgreSQL (merge on keys) and build the search model there."""
    # Reads the warehouse: DuckDB cannot be read while another process writes it.
    with _reading("ctw publish"):
        _guarded(_publish, build)


def _parse_date(value: str | None, option: str) -> object:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise CliError(f"{option} must be a date like 2020-01-31, not {value!r}") from None


def _search(query: str, limit: int, **filters: str | None) -> None:
    from ctw import serving

    filters["start_from"] = _parse_date(filters.get("start_from"), "--start-from")
    filters["start_to"] = _parse_date(filters.get("start_to"), "--start-to")
    try:
        hits = serving.search(query, limit=limit, **filters)
    except serving.ServingError as exc:
        raise CliError(f"{exc}; run `ctw publish` against a reachable server first") from exc
    table = Table(title=f"{len(hits)} trial(s) for {query!r}")
    table.add_column("rank", no_wrap=True)
    table.add_column("trial", no_wrap=True)
    table.add_column("title", overflow="fold", min_width=30)
    for column in ("status", "phase", "countries", "start"):
        table.add_column(column, no_wrap=True)
    for hit in hits:
        table.add_row(
            f"{hit.search_rank:.3f}",
            ", ".join(hit.registry_ids) or hit.trial_id,
            hit.brief_title or "",
            hit.trial_status or "",
            hit.phase or "",
            " ".join(hit.countries),
            str(hit.start_date or ""),
        )
    out.print(table)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='free text, e.g. "hearing loss cisplatin", "NCT0071" or "-placebo"')],
    status: Annotated[str | None, typer.Option(help="status code or label, e.g. recruiting")] = None,
    phase: Annotated[str | None, typer.Option(help="phase code or label, e.g. phase_3")] = None,
    country: Annotated[str | None, typer.Option(help="ISO code or country name with a site")] = None,
    start_from: Annotated[str | None, typer.Option(help="earliest start date (YYYY-MM-DD)")] = None,
    start_to: Annotated[str | None, typer.Option(help="latest start date (YYYY-MM-DD)")] = None,
    limit: Annotated[int, typer.Option(help="most rows to show")] = 20,
) -> None:
    """Search trials in the PostgreSQL serving copy (ranked; every input is a bound parameter)."""
    _guarded(
        _search, query, limit, status=status, phase=phase, country=country, start_from=start_from, start_to=start_to
    )


@app.command()
def docs() -> None:
    """Build the dbt docs site as one static HTML file (target/static_index.html)."""
    with _writing("ctw docs"):
        _guarded(run_dbt, ["docs", "generate", "--static"])
    console.print(f"docs: {escape(str(settings.dbt_target_dir() / 'static_index.html'))}")


@app.command()
def export(
    out: Annotated[str, typer.Option(help="output folder")] = "warehouse/export",
    single_file: Annotated[str, typer.Option(help="sqlite, duckdb or none")] = "sqlite",
) -> None:
    """Write the marts to one Parquet and one CSV file per table plus one SQLite (or DuckDB) file.
    CSV text cells a spreadsheet would run as a formula (= + - @) start with an apostrophe."""
    from pathlib import Path

    from ctw.export import export_marts

    def _export() -> None:
        target = Path(out) if Path(out).is_absolute() else settings.project_dir() / out
        try:
            result = export_marts(target, single_file)
        except ValueError as exc:
            raise CliError(str(exc)) from exc
        console.print(f"export: {len(result.parquet_files)} Parquet files in {escape(str(target / 'parquet'))}")
        console.print(
            f"export: {len(result.csv_files)} CSV files in {escape(str(target / 'csv'))} (formula cells neutralised)"
        )
        if result.single_file:
            console.print(f"export: {escape(str(result.single_file))}")

    with _reading("ctw export"):
        _guarded(_export)


def main() -> None:  # pragma: no cover - console entry point
    app(prog_name="ctw")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
