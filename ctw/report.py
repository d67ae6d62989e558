"""The monitoring quality report: one HTML file per run under ``<warehouse>/reports/``.

It shows, per hospital and month, the rows received, accepted and quarantined (by reason) from
``marts.rpt_monitoring_quality``, an inline SVG bar chart of the same, per hospital the measures
and units the vocabulary seeds lack with their row counts (``marts.rpt_monitoring_unknown_vocabulary``:
the seed rows to add), and the dbt test results of the run (from one or more ``run_results.json``
files).
"""

from __future__ import annotations

import html
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from extract import settings

REASONS = (
    "duplicate_rows",
    "unknown_type_rows",
    "unknown_unit_rows",
    "invalid_date_rows",
    "ambiguous_date_rows",
    "conflicting_rows",
    "invalid_value_rows",
    "out_of_range_rows",
    "other_rejected_rows",
)
COLUMNS = (
    "feed",
    "hospital_id",
    "batch_month",
    "batch_file",
    "batch_status",
    "rows_received",
    "rows_accepted",
    "rows_quarantined",
    *REASONS,
)
UNKNOWN_COLUMNS = ("hospital_id", "feed", "vocabulary_kind", "measure_code", "reported_value", "row_count",
                   "batch_count", "first_month", "last_month")


def reports_dir() -> Path:
    """``CTW_REPORTS_DIR``, by default ``reports/`` beside the warehouse file."""
    configured = os.environ.get("CTW_REPORTS_DIR")
    return Path(configured) if configured else settings.duckdb_path().parent / "reports"


@dataclass
class TestResults:
    statuses: Counter = field(default_factory=Counter)
    failures: list[tuple[str, str, str]] = field(default_factory=list)

    @classmethod
    def read(cls, paths: list[Path]) -> TestResults:
        """dbt data and unit test outcomes from run_results.json files (missing files are skipped)."""
        results = cls()
        latest: dict[str, dict] = {}
        for path in paths:
            if not path.is_file():
                continue
            for result in json.loads(path.read_text(encoding="utf-8")).get("results", []):
                if result["unique_id"].startswith(("test.", "unit_test.")):
                    latest[result["unique_id"]] = result
        for unique_id, result in sorted(latest.items()):
            results.statuses[result["status"]] += 1
            if result["status"] not in ("pass", "success"):
                results.failures.append(
                    (unique_id, result["status"], str(result.get("message") or ""))
                )
        return results


def _bar_chart(rows: list[dict]) -> str:
    """A horizontal stacked bar per file: accepted (green) and quarantined (red) rows."""
    bar_height, gap, label_width, width = 18, 6, 230, 420
    most = max((r["rows_received"] for r in rows), default=1) or 1
    parts = []
    for i, row in enumerate(rows):
        y = i * (bar_height + gap)
        accepted = width * row["rows_accepted"] / most
        quarantined = width * row["rows_quarantined"] / most
        label = html.escape(f"{row['feed']} {row['hospital_id']} {row['batch_month']}")
        parts.append(
            f'<text x="0" y="{y + 13}" font-size="12">{label}</text>'
            f'<rect x="{label_width}" y="{y}" width="{accepted:.1f}" height="{bar_height}" fill="#4c9a6a">'
            f"<title>{row['rows_accepted']} accepted</title></rect>"
            f'<rect x="{label_width + accepted:.1f}" y="{y}" width="{max(quarantined, 1):.1f}" '
            f'height="{bar_height}" fill="#c8553d"><title>{row["rows_quarantined"]} quarantined</title></rect>'
            f'<text x="{label_width + accepted + quarantined + 6:.1f}" y="{y + 13}" font-size="11">'
            f"{row['rows_accepted']} + {row['rows_quarantined']}</text>"
        )
    total_height = len(rows) * (bar_height + gap)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_width + width + 120}" '
        f'height="{total_height}" role="img" aria-label="rows accepted and quarantined per file">'
        + "".join(parts)
        + "</svg>"
    )


def _read(columns: tuple[str, ...], table: str, order: str) -> list[dict]:
    with duckdb.connect(str(settings.duckdb_path()), read_only=True) as connection:
        schema = os.environ.get("CTW_SCHEMA_PREFIX", "") + "marts"
        cursor = connection.execute(f"select {', '.join(columns)} from {schema}.{table} order by {order}")
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def read_quality_rows() -> list[dict]:
    return _read(COLUMNS, "rpt_monitoring_quality", "feed, hospital_id, batch_month, batch_file")


def read_unknown_vocabulary() -> list[dict] | None:
    """Per hospital, the measures and units no seed row maps, most rows first (None when the
    mart was not built, e.g. by a narrower dbt selection)."""
    try:
        return _read(
            UNKNOWN_COLUMNS,
            "rpt_monitoring_unknown_vocabulary",
            "hospital_id, row_count desc, feed, vocabulary_kind, measure_code, reported_value",
        )
    except duckdb.CatalogException:
        return None


def _unknown_table(rows: list[dict] | None) -> str:
    if rows is None:
        return '<p id="unknown-vocabulary">Not built in this run (<code>rpt_monitoring_unknown_vocabulary</code>).</p>'
    if not rows:
        return "<p id=\"unknown-vocabulary\">None: every measure and unit received is in the vocabulary seeds.</p>"
    header = "".join(f"<th>{html.escape(c.replace('_', ' '))}</th>" for c in UNKNOWN_COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(row[c]))}</td>" for c in UNKNOWN_COLUMNS) + "</tr>" for row in rows
    )
    return (
        "<p>Rows quarantined because no row of <code>seeds/monitoring_measures.csv</code> names the measure "
        "(kind <i>measure</i>) or no row of <code>seeds/monitoring_units.csv</code> converts the unit of a "
        "known measure (kind <i>unit</i>). Add the seed row or alias and load the files again.</p>"
        f'<table id="unknown-vocabulary"><tr>{header}</tr>{body}</table>'
    )


def render(rows: list[dict], tests: TestResults, generated_at: datetime, unknown: list[dict] | None = None) -> str:
    totals = {
        key: sum(r[key] for r in rows)
        for key in ("rows_received", "rows_accepted", "rows_quarantined")
    }
    header = "".join(f"<th>{html.escape(c.replace('_', ' '))}</th>" for c in COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(row[c]))}</td>" for c in COLUMNS) + "</tr>"
        for row in rows
    )
    by_reason = "".join(
        f"<tr><td>{reason.removesuffix('_rows').replace('_', ' ')}</td><td>{sum(r[reason] for r in rows)}</td></tr>"
        for reason in REASONS
    )
    statuses = (
        ", ".join(f"{status}: {count}" for status, count in sorted(tests.statuses.items()))
        or "no results found"
    )
    failures = "".join(
        f"<li><code>{html.escape(uid)}</code> {html.escape(status)} {html.escape(message)}</li>"
        for uid, status, message in tests.failures
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Monitoring data quality</title>
<style>body{{font-family:sans-serif;margin:2em}} table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:2px 6px;text-align:right}} th{{background:#eee}}</style></head>
<body>
<h1>Hospital monitoring: data quality</h1>
<p>Generated {generated_at:%Y-%m-%d %H:%M:%S} UTC from <code>{html.escape(str(settings.duckdb_path()))}</code>.</p>
<h2>Totals</h2>
<p id="totals">Rows received: <b>{totals["rows_received"]}</b>; accepted: <b>{totals["rows_accepted"]}</b>;
quarantined: <b>{totals["rows_quarantined"]}</b>.</p>
<h2>Rows per file (accepted + quarantined)</h2>
{_bar_chart(rows)}
<h2>Quarantined rows by reason</h2>
<table><tr><th>reason</th><th>rows</th></tr>{by_reason}</table>
<h2>Per hospital and month</h2>
<table><tr>{header}</tr>{body}</table>
<h2>Measures and units the vocabulary lacks, per hospital</h2>
{_unknown_table(unknown)}
<h2>dbt tests</h2>
<p id="dbt-tests">{html.escape(statuses)}</p>
<ul>{failures}</ul>
</body></html>
"""


def write_quality_report(run_results: list[Path] | None = None) -> Path:
    """Render the report; returns the path of this run's file (also copied to ``..._latest.html``)."""
    paths = (
        run_results
        if run_results is not None
        else [settings.dbt_target_dir() / "run_results.json"]
    )
    expanded: list[Path] = []
    for path in paths:
        expanded.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    generated_at = datetime.now(UTC).replace(tzinfo=None)
    document = render(read_quality_rows(), TestResults.read(expanded), generated_at, read_unknown_vocabulary())
    folder = reports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"monitoring_quality_{generated_at:%Y%m%dT%H%M%S%f}.html"
    path.write_text(document, encoding="utf-8")
    (folder / "monitoring_quality_latest.html").write_text(document, encoding="utf-8")
    return path
