"""The warehouse benchmark: one run, the same generated files, every figure of issue 8.

    python -m benchmarks.bench --n 5000                 # or: make bench BENCH_N=5000
    python -m benchmarks.bench --n 50000 --json docs/bench-50k.json

Steps, each in its own child process so that its wall time and peak memory (``ru_maxrss`` of
that child and its children, from ``os.wait4``) are its own:

(a) floor       DuckDB alone reads the study NDJSON into a table (``read_json``), plus DuckDB
                reading the other generated formats (CSV; the ICTRP XML by Python's iterparse)
(b) extract     the ctgov pipeline in bulk mode into a fresh warehouse (which holds, loaded
                untimed before, the other sources' bundled samples: dbt builds every domain)
(c) build       ``ctw build --no-unit-tests``: the production build (seeds, models, snapshots,
                data tests; dbt's unit tests are CI's), with dbt's node time and start-up apart
(d) increment   0.25% of studies with a later last-update date and another status:
                extract + build of what reads ClinicalTrials.gov (``--select source:ctgov+
                --data-only``: views are not made again; tests read the changed rows)
(e) queries     KPI and search-like queries on the marts, p50/p95 over repeated runs
(f) plain dlt   a minimal ``@dlt.resource`` with dlt's defaults loads the same study NDJSON
                into DuckDB, under a memory cap (``--plain-dlt-cap-mb``); ``null`` with the
                reason when it fails or runs out of memory

It prints one comparison (the ratios of (b)+(c), (d) and (f) to the floor and to the extract)
and writes everything as JSON, with the headline keys ``floor_s``, ``extract_s``, ``build_s``,
``increment_s``, ``plain_dlt_s``, the three ``ratio_*`` and ``peak_rss_mb`` per step.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[1]

# Queries an analyst or the dashboard runs on the marts: headline KPIs and searches.
QUERIES: dict[str, str] = {
    "kpi_trials": "select count(*) from marts.dim_trial",
    "kpi_recruiting": (
        "select count(*) from marts.dim_trial where trial_status in ('recruiting', 'not_yet_recruiting')"
    ),
    "kpi_trials_by_status": "select trial_status, count(*) from marts.dim_trial group by 1 order by 2 desc",
    "kpi_top_sponsors": "select sponsor_name, trial_count from marts.rpt_top_sponsors order by sponsor_rank limit 25",
    "kpi_by_start_year": "select * from marts.rpt_trials_by_status_start_year order by 1, 2",
    "search_title_word": (
        "select nct_id, brief_title from marts.dim_trial where lower(brief_title) like '%vaccine%' limit 50"
    ),
    "search_condition": (
        "select t.nct_id, t.brief_title from marts.dim_trial t "
        "join marts.bridge_trial_condition b using (trial_id) "
        "join marts.dim_condition c using (condition_id) "
        "where c.condition_key like '%breast%' and t.is_active limit 50"
    ),
    "search_sponsor_trials": (
        "select t.nct_id, t.trial_status from marts.dim_trial t "
        "join marts.bridge_trial_sponsor b using (trial_id) "
        "join marts.dim_sponsor s using (sponsor_id) "
        "where s.sponsor_name = 'Boston University Hospital' limit 100"
    ),
    "search_country_phase": (
        "select count(*) from marts.dim_trial t join marts.bridge_trial_location b using (trial_id) "
        "join marts.dim_location l using (location_id) where l.country_code = 'FR' and t.phase = 'phase3'"
    ),
    "lookup_nct_id": "select * from marts.dim_trial where nct_id = 'NCT00000115'",
}


class StepTimedOut(RuntimeError):
    """A step ran longer than its time limit and was stopped."""


def run_step(name: str, command: list[str], env: dict[str, str], timeout: float | None = None) -> dict[str, Any]:
    """Run one step as a child process; its wall time, peak RSS and exit status. A step still
    running after ``timeout`` seconds is killed and raises :class:`StepTimedOut`."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    timer = None
    if timeout:
        import threading

        timer = threading.Timer(timeout, process.kill)
        timer.start()
    output_chunks = []
    assert process.stdout is not None
    for line in process.stdout:
        output_chunks.append(line)
    _, status, usage = os.wait4(process.pid, 0)
    if timer is not None:
        timer.cancel()
        if not timer.is_alive() and time.perf_counter() - started >= timeout:
            raise StepTimedOut(f"bench step {name} stopped after {timeout:.0f} s")
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    output = b"".join(output_chunks).decode("utf-8", "replace")
    if process.returncode != 0:
        raise RuntimeError(f"bench step {name} failed (exit {process.returncode}):\n{output[-4000:]}")
    # Linux reports ru_maxrss in KiB: the largest resident set of the child or its descendants.
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "output": output}


OTHER_FORMATS = [
    ("vitals_csv", "vitals/*.csv"),
    ("labs_csv", "labs/*.csv"),
    ("omop_person_csv", "omop/person.csv"),
    ("omop_visit_occurrence_csv", "omop/visit_occurrence.csv"),
    ("omop_condition_occurrence_csv", "omop/condition_occurrence.csv"),
]


def _timed(con: Any, table: str, sql: str) -> dict[str, Any]:
    started = time.perf_counter()
    con.execute(f"create table {table} as {sql}")
    seconds = round(time.perf_counter() - started, 2)
    return {"seconds": seconds, "rows": con.execute(f"select count(*) from {table}").fetchone()[0]}


def floor_step(data: str, database: str) -> None:
    """(a), in its child process: DuckDB alone reading the generated files into tables."""
    import glob
    import xml.etree.ElementTree as ElementTree

    import duckdb

    con = duckdb.connect(database)
    con.execute("set preserve_insertion_order = false")
    out = {
        "ctgov_read_json": _timed(
            con,
            "studies",
            f"select * from read_json('{data}/ctgov/*.ndjson', format='newline_delimited', "
            "maximum_object_size=67108864)",
        )
    }
    for name, pattern in OTHER_FORMATS:
        if glob.glob(f"{data}/{pattern}"):
            out[name] = _timed(con, name, f"select * from read_csv('{data}/{pattern}', all_varchar=true)")
    files = sorted(glob.glob(f"{data}/ictrp/*.xml"))
    if files:
        started, trials = time.perf_counter(), 0
        for file in files:
            for _, element in ElementTree.iterparse(file):
                if element.tag == "Trial":
                    trials += 1
                    element.clear()
        out["ictrp_xml_iterparse"] = {"seconds": round(time.perf_counter() - started, 2), "rows": trials}
    print("RESULT " + json.dumps(out))


def queries_step(database: str, repeats: int) -> None:
    """(e), in its child process: each query warmed once, then timed ``repeats`` times."""
    import statistics

    import duckdb

    con = duckdb.connect(database, read_only=True)
    out = {}
    for name, sql in QUERIES.items():
        con.execute(sql).fetchall()
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            con.execute(sql).fetchall()
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        out[name] = {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(p95, 2)}
    print("RESULT " + json.dumps(out))


def plain_dlt_step(data: str, folder: str, cap_mb: str) -> None:
    """A plain dlt pipeline with dlt's defaults: one resource yielding every study as parsed
    JSON, loaded into a DuckDB file. The address space is capped, as a user's container would be."""
    import glob
    import resource

    cap = int(cap_mb) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    import dlt

    @dlt.resource(name="studies")
    def studies():
        for path in sorted(glob.glob(f"{data}/ctgov/*.ndjson")):
            with open(path, encoding="utf-8") as lines:
                for line in lines:
                    if line.strip():
                        yield json.loads(line)

    pipeline = dlt.pipeline(
        pipeline_name="plain_dlt",
        pipelines_dir=f"{folder}/pipelines",
        destination=dlt.destinations.duckdb(f"{folder}/plain_dlt.duckdb"),
        dataset_name="studies_raw",
    )
    pipeline.run(studies())
    print("RESULT " + json.dumps({"rows": pipeline.last_trace.last_normalize_info.row_counts.get("studies")}))


def dbt_timing(target: Path) -> dict[str, Any]:
    """What dbt's ``run_results.json`` says of a build: its nodes, the sum of their execution
    times (the build's cost without dbt's start-up and parsing; summed over dbt's threads, so
    above the elapsed time when several ran) per resource type, and the elapsed time of the run
    (start-up excluded)."""
    run = json.loads((target / "run_results.json").read_text())
    kinds: dict[str, dict[str, float]] = {}
    for result in run["results"]:
        kind = kinds.setdefault(result["unique_id"].split(".")[0], {"nodes": 0, "seconds": 0.0})
        kind["nodes"] += 1
        kind["seconds"] += result["execution_time"]
    return {
        "nodes": len(run["results"]),
        "node_seconds": round(sum(k["seconds"] for k in kinds.values()), 2),
        "elapsed_seconds": round(run["elapsed_time"], 2),
        "by_type": {
            name: {"nodes": k["nodes"], "seconds": round(k["seconds"], 2)} for name, k in sorted(kinds.items())
        },
    }


def _child(*args: str) -> list[str]:
    return [sys.executable, "-m", "benchmarks.bench", *args]


def _result(step: dict[str, Any]) -> dict[str, Any]:
    for line in step["output"].splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    raise RuntimeError("step printed no RESULT line:\n" + step["output"][-2000:])


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        info["ram_gb"] = round(pages / 1024**3, 1)
    except (ValueError, OSError):
        pass
    info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return info


def bench(
    n: int,
    work: Path,
    seed: int = 42,
    repeats: int = 30,
    regenerate: bool = False,
    log=print,
    base: Path | None = None,
    plain_dlt: bool = True,
    plain_dlt_cap_mb: int = 8192,
    results: bool = True,
    plain_dlt_timeout: float | None = None,
) -> dict[str, Any]:
    """Generate (if needed) and run every step; returns the figures. The figures so far are
    written to ``WORK/partial-N.json`` before each step, so a run cut short still tells.

    ``base``: a folder holding a built warehouse (``warehouse.duckdb`` and ``dlt_pipelines/``),
    copied instead of loading the other sources' samples; step (c) then builds only what reads
    ClinicalTrials.gov, as the increment does. The test suite runs the benchmark this way, on a
    copy of its session's warehouse; the figures of a real run come without it.
    ``plain_dlt``: run step (f); without it ``plain_dlt_s`` is ``null`` with the reason.
    ``results``: studies with results carry a ``resultsSection`` (about 15% of them, as in the
    registry); without it no study has one (the data of the figures before results were loaded)."""
    from benchmarks.generate import generate

    def step_log(message: str) -> None:
        (work / f"partial-{n}.json").write_text(json.dumps(results, indent=2) + "\n")
        log(message)

    data = work / (f"data-{n}-{seed}" if results else f"data-{n}-{seed}-no-results")
    with_results = results
    results: dict[str, Any] = {"n": n, "seed": seed, "machine_before": machine()}
    manifest = data / "manifest.json"
    if regenerate or not manifest.exists() or json.loads(manifest.read_text()).get("results") != with_results:
        started = time.perf_counter()
        generate(data, n, seed, results=with_results)
        results["generate_seconds"] = round(time.perf_counter() - started, 2)
    results["data"] = json.loads(manifest.read_text())
    results["data"]["ctgov_ndjson_mb"] = round(
        sum(p.stat().st_size for p in (data / "ctgov").glob("*.ndjson")) / 1e6, 1
    )

    warehouse = work / f"warehouse-{n}"
    subprocess.run(["rm", "-rf", str(warehouse)], check=True)
    warehouse.mkdir(parents=True)
    env = {
        **os.environ,
        "CTW_PROJECT_DIR": str(PROJECT_DIR),
        "CTW_DUCKDB_PATH": str(warehouse / "warehouse.duckdb"),
        "CTW_PIPELINES_DIR": str(warehouse / "dlt_pipelines"),
        "CTW_DUCKDB_TEMP_DIRECTORY": str(warehouse / "tmp"),
        "RUNTIME__DLTHUB_TELEMETRY": "false",
    }
    # dbt's run_results.json of each build step is read from here (a stable folder: dbt parses
    # partially from the second build on).
    target = Path(env.get("DBT_TARGET_PATH") or warehouse / "target")
    env["DBT_TARGET_PATH"] = str(target)
    extract = [sys.executable, "-m", "ctw.cli", "extract", "ctgov", "--no-progress", "--input"]
    # The production build: dbt's unit tests check SQL on fixtures, which CI does (make test).
    build = [sys.executable, "-m", "ctw.cli", "build", "--no-unit-tests"]
    # The increment changed ClinicalTrials.gov data only: rebuild and test what reads it; its
    # views need no rebuilding (--data-only), their tests run on the studies loaded.
    increment_build = [*build, "--select", "source:ctgov+", "--data-only"]

    step_log(f"(a) floor: DuckDB reads {results['data']['ctgov_ndjson_mb']} MB of study NDJSON ...")
    floor = run_step("floor", _child("--step", "floor", str(data), str(warehouse / "floor.duckdb")), env)
    formats = _result(floor)
    (warehouse / "floor.duckdb").unlink(missing_ok=True)
    results["floor"] = {
        "seconds": formats["ctgov_read_json"]["seconds"],
        "peak_rss_mb": floor["peak_rss_mb"],
        "rows": formats["ctgov_read_json"]["rows"],
    }
    results["other_formats_read"] = {k: v for k, v in formats.items() if k != "ctgov_read_json"}

    if base is not None:
        step_log(f"setup (untimed): a copy of the warehouse built in {base} ...")
        shutil.copyfile(base / "warehouse.duckdb", warehouse / "warehouse.duckdb")
        shutil.copytree(base / "dlt_pipelines", warehouse / "dlt_pipelines")
        build = increment_build
    else:
        # dbt builds every domain: the other sources' bundled samples are loaded first, untimed.
        from extract.registry import discover

        others = [name for name in discover() if name != "ctgov"]
        step_log(f"setup (untimed): bundled samples of {', '.join(others)} ...")
        run_step("setup", [sys.executable, "-m", "ctw.cli", "extract", "--no-progress", *others], env)
    results["build_command"] = "ctw " + " ".join(build[3:])

    step_log("(b) extract: ctgov bulk pipeline into a fresh warehouse ...")
    step = run_step("extract", extract + [str(data / "ctgov")], env)
    results["extract"] = {k: step[k] for k in ("seconds", "peak_rss_mb")}
    results["extract"]["summary"] = step["output"].strip().splitlines()[-1] if step["output"].strip() else ""

    step_log(f"(c) build: {results['build_command']} ...")
    step = run_step("build", build, env)
    results["build"] = {k: step[k] for k in ("seconds", "peak_rss_mb")}
    results["build"]["dbt"] = dbt_timing(target)
    results["build"]["dbt_startup_seconds"] = round(step["seconds"] - results["build"]["dbt"]["elapsed_seconds"], 2)

    step_log("(d) increment: 0.25% of studies changed, extract + build ...")
    step = run_step("increment_extract", extract + [str(data / "ctgov_increment")], env)
    increment = {
        "extract_seconds": step["seconds"],
        "extract_peak_rss_mb": step["peak_rss_mb"],
        "summary": step["output"].strip().splitlines()[-1] if step["output"].strip() else "",
    }
    step = run_step("increment_build", increment_build, env)
    increment.update({"build_seconds": step["seconds"], "build_peak_rss_mb": step["peak_rss_mb"]})
    increment["build_dbt"] = dbt_timing(target)
    increment["seconds"] = round(increment["extract_seconds"] + increment["build_seconds"], 2)
    results["increment"] = increment

    step_log(f"(e) queries: {len(QUERIES)} KPI and search queries x {repeats} ...")
    step = run_step("queries", _child("--step", "queries", str(warehouse / "warehouse.duckdb"), str(repeats)), env)
    per_query = _result(step)
    results["queries"] = {
        "per_query": per_query,
        "worst_p50_ms": max(q["p50_ms"] for q in per_query.values()),
        "worst_p95_ms": max(q["p95_ms"] for q in per_query.values()),
        "peak_rss_mb": step["peak_rss_mb"],
    }
    if plain_dlt:
        step_log(f"(f) plain dlt: dlt's defaults on the same files, capped at {plain_dlt_cap_mb} MB ...")
        folder = warehouse / "plain_dlt"
        try:
            command = _child("--step", "plain_dlt", str(data), str(folder), str(plain_dlt_cap_mb))
            # glibc reserves a 64 MB malloc arena per thread, which the address-space cap counts:
            # without this, dlt's threads fail to start under the cap long before memory runs out.
            step = run_step("plain_dlt", command, {**env, "MALLOC_ARENA_MAX": "2"}, plain_dlt_timeout)
            results["plain_dlt"] = {"seconds": step["seconds"], "peak_rss_mb": step["peak_rss_mb"], **_result(step)}
        except StepTimedOut:
            results["plain_dlt"] = {
                "seconds": None,
                "reason": f"not finished within {plain_dlt_timeout:.0f} s (stopped)",
                "at_least_seconds": plain_dlt_timeout,
            }
        except RuntimeError as failure:
            lines = [line.strip() for line in str(failure).splitlines() if line.strip()]
            # The exception's own line (dlt ends with a warning about the partly loaded package).
            errors = [line for line in lines if "Error" in line or "error:" in line.lower()]
            reason = (errors or lines)[-1][:500] if lines else "no output"
            results["plain_dlt"] = {"seconds": None, "reason": f"failed under a {plain_dlt_cap_mb} MB cap: {reason}"}
        shutil.rmtree(folder, ignore_errors=True)
    else:
        results["plain_dlt"] = {"seconds": None, "reason": "not run (bench(plain_dlt=False))"}

    full = results["extract"]["seconds"] + results["build"]["seconds"]
    results["full_extract_build_seconds"] = round(full, 2)
    floor_s = max(results["floor"]["seconds"], 0.01)
    plain_s = results["plain_dlt"]["seconds"]
    results.update(
        {
            "floor_s": results["floor"]["seconds"],
            "extract_s": results["extract"]["seconds"],
            "build_s": results["build"]["seconds"],
            "increment_s": increment["seconds"],
            "plain_dlt_s": plain_s,
            "build_node_s": results["build"]["dbt"]["node_seconds"],
            "build_dbt_startup_s": results["build"]["dbt_startup_seconds"],
            "plain_dlt_reason": results["plain_dlt"].get("reason"),
            "ratio_extract_build_to_floor": round(full / floor_s, 2),
            "ratio_increment_to_floor": round(increment["seconds"] / floor_s, 2),
            "ratio_plain_dlt_to_extract": (
                round(plain_s / max(results["extract"]["seconds"], 0.01), 2) if plain_s is not None else None
            ),
            "peak_rss_mb": {
                "floor": results["floor"]["peak_rss_mb"],
                "extract": results["extract"]["peak_rss_mb"],
                "build": results["build"]["peak_rss_mb"],
                "increment_extract": increment["extract_peak_rss_mb"],
                "increment_build": increment["build_peak_rss_mb"],
                "queries": results["queries"]["peak_rss_mb"],
                "plain_dlt": results["plain_dlt"].get("peak_rss_mb"),
            },
        }
    )
    if results["plain_dlt"].get("at_least_seconds"):
        # Stopped unfinished: the plain pipeline took at least this many times the extract.
        results["ratio_plain_dlt_to_extract_at_least"] = round(
            results["plain_dlt"]["at_least_seconds"] / max(results["extract"]["seconds"], 0.01), 2
        )
    results["ratio_to_floor"] = round(full / max(results["floor"]["seconds"], 0.01), 1)
    results["peak_rss_mb_max"] = max(
        results["floor"]["peak_rss_mb"],
        results["extract"]["peak_rss_mb"],
        results["build"]["peak_rss_mb"],
        increment["extract_peak_rss_mb"],
        increment["build_peak_rss_mb"],
        results["queries"]["peak_rss_mb"],
    )
    results["machine_after"] = machine()
    return results


def _line(label: str, step: dict[str, Any]) -> str:
    return f"{label:30s}{step['seconds']:8.2f} s   peak {step['peak_rss_mb']:8.1f} MB"


def describe(results: dict[str, Any]) -> str:
    i = results["increment"]
    q = results["queries"]
    kinds = ", ".join(f"{k} {v['seconds']:.1f} s" for k, v in results["build"]["dbt"]["by_type"].items())
    lines = [
        f"N = {results['n']} studies ({results['data']['ctgov_ndjson_mb']} MB NDJSON), "
        f"{results['machine_before']['cpus']} cores, {results['machine_before'].get('ram_gb')} GB RAM, "
        f"load average before {results['machine_before']['load_average']}",
        _line("(a) floor: DuckDB read_json", results["floor"]),
        _line("(b) extract (ctgov bulk)", results["extract"]),
        _line("(c) dbt build", results["build"]),
        f"    dbt nodes: {results['build']['dbt']['nodes']}, node time {results['build']['dbt']['node_seconds']:.2f} s "
        f"({kinds}); "
        f"dbt start-up and parsing {results['build']['dbt_startup_seconds']:.2f} s",
        f"    (b)+(c) = {results['full_extract_build_seconds']:.2f} s = {results['ratio_to_floor']}x the floor",
        f"(d) weekly increment          {i['seconds']:8.2f} s   (extract {i['extract_seconds']:.2f} s, "
        f"build {i['build_seconds']:.2f} s; peak {max(i['extract_peak_rss_mb'], i['build_peak_rss_mb']):.1f} MB)",
        f"(e) queries                   worst p50 {q['worst_p50_ms']:.1f} ms, worst p95 {q['worst_p95_ms']:.1f} ms",
    ]
    lines += [
        f"      {name:24s} p50 {v['p50_ms']:8.2f} ms   p95 {v['p95_ms']:8.2f} ms" for name, v in q["per_query"].items()
    ]
    lines.append("    other formats read by DuckDB (not yet extracted by a source):")
    lines += [
        f"      {name:30s} {v['rows']:>10} rows {v['seconds']:8.2f} s"
        for name, v in results["other_formats_read"].items()
    ]
    lines.append(f"peak memory of any step: {results['peak_rss_mb_max']:.1f} MB")
    plain = (
        f"{results['plain_dlt_s']:.2f} s = {results['ratio_plain_dlt_to_extract']}x the extract"
        if results["plain_dlt_s"] is not None
        else f"none ({results['plain_dlt_reason']})"
    )
    lines += [
        "comparison (one run):",
        f"    floor {results['floor_s']:.2f} s; extract + build {results['full_extract_build_seconds']:.2f} s = "
        f"{results['ratio_extract_build_to_floor']}x the floor; weekly increment {results['increment_s']:.2f} s = "
        f"{results['ratio_increment_to_floor']}x the floor",
        f"    plain dlt: {plain}",
    ]
    return "\n".join(lines)


def main() -> None:
    if sys.argv[1:2] == ["--step"]:  # a step's child process
        step, *args = sys.argv[2:]
        if step == "floor":
            floor_step(*args)
        elif step == "plain_dlt":
            plain_dlt_step(*args)
        else:
            queries_step(args[0], int(args[1]))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=int(os.environ.get("BENCH_N", "5000")))
    parser.add_argument("--work", type=Path, default=PROJECT_DIR / "warehouse" / "bench")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeats", type=int, default=30, help="runs of each query")
    parser.add_argument("--regenerate", action="store_true", help="write the data files again")
    parser.add_argument("--plain-dlt-cap-mb", type=int, default=8192, help="memory cap of step (f)")
    parser.add_argument("--no-plain-dlt", action="store_true", help="leave step (f) out")
    parser.add_argument("--plain-dlt-timeout", type=float, help="stop step (f) after this many seconds")
    parser.add_argument("--no-results", action="store_true", help="studies without results sections")
    parser.add_argument("--json", type=Path, help="also write the figures here (default: WORK/results-N.json)")
    args = parser.parse_args()
    results = bench(
        args.n,
        args.work,
        args.seed,
        args.repeats,
        args.regenerate,
        plain_dlt=not args.no_plain_dlt,
        plain_dlt_cap_mb=args.plain_dlt_cap_mb,
        results=not args.no_results,
        plain_dlt_timeout=args.plain_dlt_timeout,
    )
    print(describe(results))
    target = args.json or args.work / f"results-{args.n}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2) + "\n")
    print(f"figures: {target}")


if __name__ == "__main__":
    main()
