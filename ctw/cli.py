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
ctw export [--out DIR]       public marts to Parquet and CSV (one file per table) plus one SQLite/DuckDB file
ctw publish                  copy the marts to PostgreSQL and build the search model there
ctw search "QUERY"           ranked trials from the PostgreSQL search model

Every error is one line on stderr and a non-zero exit code (2 for a usage error); ``--debug``
(or CTW_DEBUG=1) shows the traceback. ``kpis`` and ``search`` take ``--format table|csv|json``;
off a terminal a table is printed as plain tab-separated lines. A ``.env`` in the working
directory is read first (the environment wins).
"""

from __future__ import annotations

import contextlib
import csv
import enum
import io
import json
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ctw.dbt import DbtFailed, run_dbt
from ctw.lock import WarehouseLocked, lock_timeout, warehouse_lock
from extract import settings

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


class OutputFormat(enum.StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _debug() -> bool:
    return os.environ.get("CTW_DEBUG") == "1"


def _error_line(message: str) -> None:
    # One line, whatever the message (a library's may span several).
    console.print(f"[bold red]error:[/] {escape(' '.join(message.split()))}")


def _fail(message: str) -> None:
    _error_line(message)
    raise typer.Exit(code=1)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("clinical-trials-warehouse")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree without install
        return "(not installed)"


def _show_version(value: bool) -> None:
    if value:
        out.print(f"ctw {_version()}", markup=False, highlight=False)
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="print the version and exit")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="show the traceback of an error (as CTW_DEBUG=1)")] = False,
) -> None:
    """Clinical-trials warehouse: dlt extract loaders and the dbt build."""
    if debug:
        os.environ["CTW_DEBUG"] = "1"


def _emit(columns: Sequence[str], rows: Sequence[Sequence[object]], fmt: OutputFormat, title: str) -> None:
    """Rows as a table (plain tab-separated lines off a terminal), CSV or JSON on stdout."""
    if fmt is OutputFormat.json:
        records = [dict(zip(columns, row, strict=True)) for row in rows]
        sys.stdout.write(json.dumps(records, indent=2, default=str) + "\n")
        sys.stdout.flush()
        return
    if fmt is OutputFormat.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(["" if value is None else value for value in row] for row in rows)
        sys.stdout.write(buffer.getvalue())
        sys.stdout.flush()
        return
    if not out.is_terminal:
        # Off a terminal (a log, a pipe, CI): plain lines, never wrapped or cut.
        # (written directly: rich would expand the tabs)
        lines = [title, "\t".join(columns)]
        lines += ["\t".join("" if value is None else str(value) for value in row) for row in rows]
        sys.stdout.write("\n".join(lines) + "\n")
        sys.stdout.flush()
        return
    table = Table(title=title)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*("" if value is None else escape(str(value)) for value in row))
    out.print(table)


def _extract(names: list[str], progress: str | None, inputs: list[str] | None = None, **options: object) -> None:
    """Extract the named sources (all when none is named) from ``inputs`` or their bundled data.

    With ``inputs`` and no source named, every source reads what it recognises there and a
    source that finds nothing is left out; it is an error only when no source finds anything.
    """
    # Here, not at the top: the extractors import dlt, which `ctw build` and the readers need not.
    from extract.inputs import NothingToRead
    from extract.registry import discover
    from extract.runner import UnknownOption, extract_source

    # Only the sources named are imported (each brings its own libraries); all when none is.
    sources = discover(names or None)
    unknown = [name for name in names if name not in sources]
    if unknown:
        raise CliError(f"unknown source(s) {', '.join(unknown)}; known: {', '.join(discover())}")
    given = {key: value for key, value in options.items() if value is not None and value is not False}
    chosen = names or list(sources)
    for key in given:
        takers = [name for name in chosen if key in sources[name].options]
        if not takers:
            owners = [name for name, spec in discover().items() if key in spec.options]
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


def _print_figures(fmt: OutputFormat | None = None) -> None:
    from ctw.kpis import headline_figures, read_figures

    if fmt in (OutputFormat.csv, OutputFormat.json):
        import duckdb

        with duckdb.connect(str(settings.duckdb_path()), read_only=True) as connection:
            rows = [(f.figure_id, f.label, f.value, f.number) for f in read_figures(connection)]
        _emit(["figure_id", "label", "value", "number"], rows, fmt, "Headline figures")
        return
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


def _one_line(exc: Exception) -> str:
    """What a known failure says, in one line."""
    import duckdb
    from dlt.pipeline.exceptions import PipelineStepFailed

    from extract.pipeline import SourceDataRejected
    from extract.runner import UnknownOption

    if isinstance(exc, PipelineStepFailed):
        cause = exc.__cause__ or exc.exception
        return f"pipeline {exc.pipeline.pipeline_name} failed at {exc.step}: {cause}"
    if isinstance(exc, (CliError, DbtFailed, SourceDataRejected, FileNotFoundError, PermissionError, UnknownOption)):
        return str(exc)
    if isinstance(exc, duckdb.CatalogException):
        return f"{exc} (has the warehouse been built? try `ctw build`)"
    if isinstance(exc, duckdb.IOException):
        # Another program (not a ctw command, which would have waited for the lock) has the file open.
        return f"cannot open the warehouse {settings.duckdb_path()}: {exc}"
    return f"{type(exc).__name__}: {exc} (--debug shows the traceback)"


def _guarded(action, *args, **kwargs):
    """Run an action and return what it returns; a failure becomes one red line and exit code 1
    (``--debug``: the traceback)."""
    try:
        return action(*args, **kwargs)
    except typer.Exit:
        raise
    except Exception as exc:
        if _debug():
            raise
        _fail(_one_line(exc))


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


# The weekly update's build is many small nodes (the changed trials' rows appended, tests on
# them): most of a node's time is dbt's own work in Python, which a second thread overlaps with
# the other's DuckDB query (about 6 s of 33 at N = 50,000; docs/performance.md). A full build's
# large models keep DuckDB's threads busy already, and run with one.
DATA_ONLY_THREADS = 2


# `ctw build` and `ctw run`: unit tests check the models' SQL on fixtures; a data load cannot make them fail.
UnitTestsOption = Annotated[
    bool, typer.Option(help="run the dbt unit tests too (they test SQL logic on fixtures, not the data)")
]
WITHOUT_UNIT_TESTS = ["--exclude-resource-type", "unit_test"]


@app.command()
def build(
    select: Annotated[str | None, typer.Option("--select", "-s", help="dbt node selection")] = None,
    full_refresh: Annotated[bool, typer.Option(help="rebuild incremental models")] = False,
    unit_tests: UnitTestsOption = True,
    data_only: Annotated[
        bool,
        typer.Option(
            "--data-only",
            help="only data changed since the last build (no model, seed or macro): "
            "views are not made again, their tests run",
        ),
    ] = False,
) -> None:
    """Run ``dbt build`` (seeds, models, snapshots, tests) on the warehouse.

    ``--no-unit-tests`` is the production build: unit tests check the models' SQL on fixed
    inputs, which CI does on every change; a data load cannot make them fail, and they are a
    quarter of a full build's node time (docs/performance.md).

    ``--data-only`` is the weekly update's build (with ``--select source:ctgov+``, say): a view
    shows new rows without being made again, so views are left out and the tests on them kept
    (dbt's indirect selection ``empty``: the tests selected are those the selection reaches).
    It runs with two dbt threads on DuckDB unless ``CTW_DBT_THREADS`` says otherwise."""
    args = ["build"]
    if select:
        args += ["--select", select]
    if data_only:
        args += ["--exclude", "config.materialized:view", "--indirect-selection", "empty"]
        if "CTW_DBT_THREADS" not in os.environ and os.environ.get("CTW_DBT_TARGET", "duckdb") == "duckdb":
            args += ["--threads", str(DATA_ONLY_THREADS)]
    if full_refresh:
        args.append("--full-refresh")
    if not unit_tests:
        args += WITHOUT_UNIT_TESTS
    from ctw.sources_present import exclude_absent

    with _writing("ctw build"):
        # A source not loaded yet: its models build empty, its tests are left out (one line says which).
        args += exclude_absent(notify=lambda line: console.print(escape(line)))
        _guarded(run_dbt, args)


FORMAT_HELP = "table (plain tab-separated lines off a terminal), csv or json"


@app.command()
def kpis(
    output_format: Annotated[OutputFormat, typer.Option("--format", help=FORMAT_HELP)] = OutputFormat.table,
) -> None:
    """Print the headline figures (the rpt_headline_figures mart)."""
    with _reading("ctw kpis"):
        _guarded(_print_figures, output_format)


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
    unit_tests: UnitTestsOption = True,
) -> None:
    """Extract every source's bundled data, build the warehouse, publish and print headline figures.

    ``--no-unit-tests`` leaves out dbt's unit tests, as ``ctw build --no-unit-tests`` does."""
    if publish.lower() not in PUBLISH_MODES:
        _fail(f"--publish must be auto, always or never, not {publish!r}")
    console.print(f"warehouse: {escape(str(settings.duckdb_path()))}")
    with _writing("ctw run"):
        _guarded(_extract, [], "tqdm" if progress else None)
        from ctw.sources_present import exclude_absent

        args = ["build"] if unit_tests else ["build", *WITHOUT_UNIT_TESTS]
        _guarded(run_dbt, [*args, *exclude_absent(notify=lambda line: console.print(escape(line)))])
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


PUBLISH_MODES = ("auto", "always", "never")


def _publish_step(mode: str) -> None:
    """``ctw run``'s last step: publish when PostgreSQL answers, else say how to enable it."""
    from ctw import serving

    mode = mode.lower()
    if mode not in PUBLISH_MODES:
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


FILTER_COLUMNS = {
    "status": ("trial_status", "trial_status_label"),
    "phase": ("phase", "phase_label"),
}


def _check_filters(filters: dict[str, object]) -> None:
    """A status, phase or country no served trial has names the values that exist."""
    from ctw import serving

    named = {key: value for key, value in filters.items() if key in {"status", "phase", "country"} and value}
    if not named:
        return
    connection = serving.connect()
    try:
        with connection.cursor() as cursor:
            relation = f'"{serving.schema_name("serving")}".trial_search'
            for key, value in named.items():
                if key == "country":
                    cursor.execute(
                        f"select distinct code from {relation}, unnest(country_codes) as code order by code"
                    )
                    codes = [row[0] for row in cursor.fetchall()]
                    cursor.execute(f"select distinct lower(name) from {relation}, unnest(country_names) as name")
                    names = {row[0] for row in cursor.fetchall()}
                    if str(value).upper() in codes or str(value).lower() in names:
                        continue
                    raise CliError(
                        f"--country {value!r} has no trial site; valid: an ISO code ({', '.join(codes)}) "
                        "or a country name"
                    )
                code_column, label_column = FILTER_COLUMNS[key]
                cursor.execute(
                    f"select distinct {code_column}, {label_column} from {relation} "
                    f"where {code_column} is not null order by {code_column}"
                )
                pairs = cursor.fetchall()
                accepted = {str(code).lower() for code, _ in pairs} | {str(label).lower() for _, label in pairs}
                if str(value).lower() not in accepted:
                    raise CliError(f"--{key} {value!r} is not one; valid: {', '.join(code for code, _ in pairs)}")
    finally:
        connection.close()


SEARCH_COLUMNS = ["rank", "trial_id", "registry_ids", "title", "status", "phase", "countries", "start_date"]


def _search(query: str, limit: int, output_format: OutputFormat, **filters: str | None) -> None:
    from ctw import serving

    filters["start_from"] = _parse_date(filters.get("start_from"), "--start-from")
    filters["start_to"] = _parse_date(filters.get("start_to"), "--start-to")
    if limit < 1:
        raise CliError(f"--limit must be 1 or more, not {limit}")
    try:
        _check_filters(filters)
        hits = serving.search(query, limit=limit, **filters)
    except serving.ServingError as exc:
        raise CliError(f"{exc}; run `ctw publish` against a reachable server first") from exc
    title = f"{len(hits)} trial(s) for {query!r}"
    machine = output_format is not OutputFormat.table
    rows = [
        (
            round(hit.search_rank, 3) if machine else f"{hit.search_rank:.3f}",
            hit.trial_id,
            hit.registry_ids if output_format is OutputFormat.json else " ".join(hit.registry_ids),
            hit.brief_title,
            hit.trial_status,
            hit.phase,
            hit.countries if output_format is OutputFormat.json else " ".join(hit.countries),
            hit.start_date.isoformat() if isinstance(hit.start_date, date) else hit.start_date,
        )
        for hit in hits
    ]
    _emit(SEARCH_COLUMNS, rows, output_format, title)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='free text, e.g. "hearing loss cisplatin", "NCT0071" or "-placebo"')],
    status: Annotated[str | None, typer.Option(help="status code or label, e.g. recruiting")] = None,
    phase: Annotated[str | None, typer.Option(help="phase code or label, e.g. phase_3")] = None,
    country: Annotated[str | None, typer.Option(help="ISO code or country name with a site")] = None,
    start_from: Annotated[str | None, typer.Option(help="earliest start date (YYYY-MM-DD)")] = None,
    start_to: Annotated[str | None, typer.Option(help="latest start date (YYYY-MM-DD)")] = None,
    limit: Annotated[int, typer.Option(help="most rows to show")] = 20,
    output_format: Annotated[OutputFormat, typer.Option("--format", help=FORMAT_HELP)] = OutputFormat.table,
) -> None:
    """Search trials in the PostgreSQL serving copy (ranked; every input is a bound parameter)."""
    _guarded(
        _search,
        query,
        limit,
        output_format,
        status=status,
        phase=phase,
        country=country,
        start_from=start_from,
        start_to=start_to,
    )


@app.command()
def docs() -> None:
    """Build the dbt docs site as one static HTML file (target/static_index.html), with the data
    dictionary and the cookbook of the analyses on the project's page."""
    from ctw.catalog import write_reference

    with _writing("ctw docs"):
        path, entries, recipes = _guarded(write_reference)
        _guarded(run_dbt, ["docs", "generate", "--static"])
    console.print(
        f"docs: data dictionary ({len(entries)} tables) and cookbook ({len(recipes)} analyses) in {escape(str(path))}"
    )
    console.print(f"docs: {escape(str(settings.dbt_target_dir() / 'static_index.html'))}")


@app.command()
def export(
    out: Annotated[str, typer.Option(help="output folder")] = "warehouse/export",
    single_file: Annotated[str, typer.Option(help="sqlite, duckdb or none")] = "sqlite",
) -> None:
    """Write the public marts (what `ctw publish` serves; never the patient-level ones) to one
    Parquet and one CSV file per table plus one SQLite (or DuckDB) file.
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
        if result.withheld:
            console.print(
                f"export: {len(result.withheld)} tables not public, kept in the warehouse: "
                + escape(", ".join(result.withheld))
            )

    with _reading("ctw export"):
        _guarded(_export)


def _load_dotenv() -> None:
    """Settings from a ``.env`` in the working directory; the environment wins."""
    from dotenv import load_dotenv

    env_file = Path.cwd() / ".env"
    if env_file.is_file():
        load_dotenv(env_file, override=False)


def _click_exceptions(name: str) -> tuple[type[BaseException], ...]:
    """A click exception class from click itself and from the copy newer typer releases carry."""
    import click

    modules = [click.exceptions]
    with contextlib.suppress(ImportError):
        from typer._click import exceptions as vendored

        modules.append(vendored)
    return tuple({getattr(module, name) for module in modules if hasattr(module, name)})


def run_cli(argv: Sequence[str] | None = None) -> int:
    """Run ``ctw`` and return its exit code: every error is one line on stderr (a usage error
    exits 2, any other 1), and only ``--debug`` or CTW_DEBUG=1 lets a traceback through."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if "--debug" in arguments:
        os.environ["CTW_DEBUG"] = "1"
    try:
        _load_dotenv()
        code = app(args=arguments, prog_name="ctw", standalone_mode=False)
        return code if isinstance(code, int) else 0
    except _click_exceptions("NoArgsIsHelpError") as exc:
        # `ctw` alone: the help, as click prints it.
        out.print(exc.format_message(), markup=False, highlight=False)
        return exc.exit_code
    except (typer.Exit, *_click_exceptions("Exit")) as exc:
        return exc.exit_code
    except (typer.Abort, *_click_exceptions("Abort")):
        _error_line("aborted")
        return 1
    except _click_exceptions("UsageError") as exc:
        command = exc.ctx.command_path.partition(" ")[2] if exc.ctx else ""
        _error_line(f"{exc.format_message()} (try `ctw {command + ' ' if command else ''}--help`)")
        return exc.exit_code
    except _click_exceptions("ClickException") as exc:
        _error_line(exc.format_message())
        return exc.exit_code
    except KeyboardInterrupt:
        _error_line("interrupted")
        return 130
    except Exception as exc:
        if _debug():
            raise
        _error_line(f"{type(exc).__name__}: {exc} (--debug shows the traceback)")
        return 1


def main() -> None:  # pragma: no cover - console entry point
    sys.exit(run_cli())


if __name__ == "__main__":  # pragma: no cover
    main()
