"""``ctw``: extract sources, build the warehouse with dbt, and show headline figures.

    ctw run                      extract every source's bundled data, dbt build, print figures
    ctw extract [SOURCE ...]     extract some or all sources (bundled data)
    ctw extract ctgov --api      extract ClinicalTrials.gov from the live API
    ctw build [-s SELECTOR]      dbt build
    ctw kpis                     print headline figures
    ctw report                   write the monitoring quality report (warehouse/reports/)
    ctw docs                     build the static dbt docs site
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from extract import settings
from extract.dbt import DbtFailed, run_dbt
from extract.pipeline import SourceDataRejected
from extract.registry import discover

app = typer.Typer(
    help="Clinical-trials warehouse: dlt extract loaders and the dbt build.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)
out = Console()


class CliError(Exception):
    """An error worth one readable line instead of a traceback."""


def _fail(message: str) -> None:
    console.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code=1)


def _extract(names: list[str], progress: str | None, **options: object) -> None:
    sources = discover()
    unknown = [name for name in names if name not in sources]
    if unknown:
        raise CliError(f"unknown source(s) {', '.join(unknown)}; known: {', '.join(sources)}")
    for name in names or list(sources):
        source = sources[name]
        console.print(f"[bold]extract[/] {name}: {source.description}")
        run = source.module.run
        accepted = inspect.signature(run).parameters
        kwargs = {key: value for key, value in options.items() if key in accepted and value is not None}
        summary = run(progress=progress, **kwargs)
        console.print(f"  {summary.describe()}")


def _print_figures() -> None:
    from extract.kpis import headline_figures

    table = Table(title="Headline figures", show_header=False)
    for label, value in headline_figures():
        table.add_row(label, str(value))
    out.print(table)


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
    except (DbtFailed, SourceDataRejected, FileNotFoundError, PermissionError) as exc:
        _fail(str(exc))
    except duckdb.CatalogException as exc:
        _fail(f"{exc} (has the warehouse been built? try `ctw build`)")


@app.command()
def extract(
    sources: Annotated[list[str] | None, typer.Argument(help="sources to extract (default: all)")] = None,
    api: Annotated[bool, typer.Option(help="ctgov: read the live API instead of bundled files")] = False,
    base_url: Annotated[str | None, typer.Option(help="ctgov: API root URL")] = None,
    max_pages: Annotated[int | None, typer.Option(help="ctgov: stop after this many pages")] = None,
    query_term: Annotated[str | None, typer.Option(help="ctgov: query.term search expression")] = None,
    progress: Annotated[bool, typer.Option(help="show a progress bar")] = True,
) -> None:
    """Extract sources into the raw schemas of the warehouse."""
    options = {"api": api, "base_url": base_url, "max_pages": max_pages, "query_term": query_term}
    _guarded(_extract, list(sources or []), "tqdm" if progress else None, **options)


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
    _guarded(run_dbt, args)


@app.command()
def kpis() -> None:
    """Print headline figures from the marts."""
    _guarded(_print_figures)


def _write_report(run_results: list[Path] | None = None) -> None:
    from extract.report import write_quality_report

    console.print(f"report: {write_quality_report(run_results)}")


@app.command()
def report(
    dbt_results: Annotated[
        list[Path] | None,
        typer.Option(help="run_results.json files or folders of them (default: target/run_results.json)"),
    ] = None,
) -> None:
    """Write the monitoring data-quality report (HTML with a chart) under warehouse/reports/."""
    _guarded(_write_report, dbt_results or None)


@app.command()
def run(
    progress: Annotated[bool, typer.Option(help="show progress bars")] = True,
) -> None:
    """Extract every source's bundled data, build the warehouse and print headline figures."""
    console.print(f"warehouse: {settings.duckdb_path()}")
    _guarded(_extract, [], "tqdm" if progress else None)
    _guarded(run_dbt, ["build"])
    _guarded(_write_report)
    _guarded(_print_figures)


@app.command()
def docs() -> None:
    """Build the dbt docs site as one static HTML file (target/static_index.html)."""
    _guarded(run_dbt, ["docs", "generate", "--static"])
    console.print(f"docs: {settings.project_dir() / 'target' / 'static_index.html'}")


def main() -> None:  # pragma: no cover - console entry point
    app(prog_name="ctw")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
