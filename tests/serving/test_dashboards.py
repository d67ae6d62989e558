"""Dashboards as code (dashboards/dashboards.yml): every question runs on the served copy as the
read-only role and returns rows on the bundled data; the sync is idempotent (against an
in-memory stand-in for Metabase's REST API: Metabase itself cannot run here)."""

from __future__ import annotations

import itertools
import re

import pytest

from ctw import dashboards, serving

DEFINITIONS = dashboards.load()
QUESTIONS = [(dashboard.exposure, question) for dashboard in DEFINITIONS.dashboards for question in dashboard.questions]


def test_every_dashboard_exposure_is_defined_and_reads_only_published_marts(serving_env):
    manifest = serving.load_manifest()
    exposures = dashboards.dashboard_exposures(manifest)
    assert {dashboard.exposure for dashboard in DEFINITIONS.dashboards} == set(exposures)
    published = {table.name for table in serving.mart_tables(manifest)}
    names = {node["unique_id"]: node["name"] for node in manifest["nodes"].values()}
    for dashboard in DEFINITIONS.dashboards:
        read = {
            name
            for question in dashboard.questions
            for name in re.findall(r"\bmarts\.([a-z_]+)", question.sql)
        }
        assert read <= published, dashboard.exposure
        # The exposure declares what its dashboard reads, and reads only what is published.
        declared = {names[node] for node in exposures[dashboard.exposure]["depends_on"]["nodes"]}
        assert read <= declared, dashboard.exposure
        assert declared <= published, dashboard.exposure


@pytest.mark.parametrize(("exposure", "question"), QUESTIONS, ids=[f"{e}-{q.key}" for e, q in QUESTIONS])
def test_every_question_returns_rows_for_the_reader(serving_env, exposure, question):
    pg_settings = serving.PgSettings.from_env()
    reader = serving.PgSettings(
        pg_settings.host, pg_settings.port, serving.reader_role(), "reader", pg_settings.database
    )
    connection = serving.connect(reader)
    try:
        with connection.cursor() as cursor:
            cursor.execute(question.sql)
            rows = cursor.fetchall()
            columns = [column.name for column in cursor.description]
    finally:
        connection.close()
    assert rows, question.name
    assert all(value is not None for value in rows[0][:1]), (question.name, rows[0])
    for setting in ("graph.dimensions", "graph.metrics"):
        assert set(question.visualization.get(setting, [])) <= set(columns), (question.name, setting)


class FakeMetabase:
    """Just enough of Metabase's API to count what a sync creates and updates."""

    def __init__(self) -> None:
        self.ids = itertools.count(1)
        self.databases = [{"id": 7, "name": "ctw"}]
        self.collections: list[dict] = []
        self.cards: dict[int, dict] = {}
        self.dashboards: dict[int, dict] = {}
        self.calls: list[tuple[str, str]] = []

    def __call__(self, method: str, path: str, body: dict | None):
        self.calls.append((method, path.split("?")[0]))
        if (method, path) == ("GET", "/api/database"):
            return {"data": self.databases}
        if (method, path) == ("GET", "/api/collection"):
            return self.collections
        if (method, path) == ("POST", "/api/collection"):
            self.collections.append({"id": next(self.ids), **body})
            return self.collections[-1]
        if method == "GET" and path.startswith("/api/collection/"):
            model = path.split("models=")[1]
            store = self.cards if model == "card" else self.dashboards
            return {"data": [{"id": i, "name": item["name"], "model": model} for i, item in store.items()]}
        if method == "POST" and path in {"/api/card", "/api/dashboard"}:
            store = self.cards if path == "/api/card" else self.dashboards
            new_id = next(self.ids)
            store[new_id] = {"dashcards": [], **body}
            return {"id": new_id, **body}
        kind, _, number = path.removeprefix("/api/").partition("/")
        store = self.cards if kind == "card" else self.dashboards
        if method == "GET":
            return store[int(number)]
        if method == "PUT":
            if kind == "dashboard":
                body = {
                    **body,
                    "dashcards": [
                        {**card, "id": card["id"] if card["id"] > 0 else next(self.ids)} for card in body["dashcards"]
                    ],
                }
            store[int(number)].update(body)
            return store[int(number)]
        raise AssertionError(f"unexpected call {method} {path}")


def _layout(metabase: FakeMetabase) -> dict[int, list[tuple]]:
    return {
        number: [(card["id"], card["card_id"], card["col"], card["row"]) for card in dashboard["dashcards"]]
        for number, dashboard in metabase.dashboards.items()
    }


def test_sync_creates_once_then_only_updates():
    metabase = FakeMetabase()
    first = dashboards.sync(DEFINITIONS, metabase, "ctw")
    assert set(first) == {dashboard.exposure for dashboard in DEFINITIONS.dashboards}
    assert len(metabase.cards) == len(QUESTIONS) and len(metabase.dashboards) == len(DEFINITIONS.dashboards)
    layout = _layout(metabase)
    card = next(iter(metabase.cards.values()))
    assert card["dataset_query"]["database"] == 7 and card["dataset_query"]["type"] == "native"

    metabase.calls.clear()
    second = dashboards.sync(DEFINITIONS, metabase, "ctw")
    assert second == first
    assert not [call for call in metabase.calls if call[0] == "POST"], "a second sync created something"
    assert len(metabase.cards) == len(QUESTIONS) and len(metabase.collections) == 1
    # Same cards in the same places, keeping their dashcard ids.
    assert _layout(metabase) == layout


def test_sync_without_credentials_or_database_is_one_line(monkeypatch, capsys):
    monkeypatch.delenv("METABASE_API_KEY", raising=False)
    monkeypatch.delenv("METABASE_USERNAME", raising=False)
    assert dashboards.main(["sync"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == "error: set METABASE_API_KEY (or METABASE_USERNAME and METABASE_PASSWORD) to reach Metabase"
    metabase = FakeMetabase()
    with pytest.raises(dashboards.DashboardError, match="no database named 'other'.*it has: ctw"):
        dashboards.sync(DEFINITIONS, metabase, "other")
