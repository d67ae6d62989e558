"""Metabase dashboards as code: ``dashboards/dashboards.yml`` created or updated through
Metabase's REST API, idempotently.

Every question is a native SQL question over the served PostgreSQL copy; a dashboard is named
after the dbt exposure it implements. A sync finds (or creates) the collection, then each
question and dashboard by name inside it, updates what exists and creates what does not, so a
second sync changes nothing; each dashboard's cards are laid out as the YAML says. The ids and
URLs Metabase assigned are written to ``dashboards/metabase_ids.json`` for the exposures.

    python -m ctw.dashboards check      # the YAML is valid and names every dashboard exposure
    python -m ctw.dashboards sync       # METABASE_URL, METABASE_API_KEY (or _USERNAME/_PASSWORD)

Settings: ``METABASE_URL`` (default http://localhost:3000), ``METABASE_API_KEY`` or
``METABASE_USERNAME`` and ``METABASE_PASSWORD``, ``METABASE_DATABASE`` (the name of the
serving database in Metabase, default ``ctw``).
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from extract import settings

DISPLAYS = {"scalar", "table", "bar", "row", "line", "pie", "area"}
GRID_COLUMNS = 24


class DashboardError(RuntimeError):
    """The YAML is invalid, or Metabase refused or cannot be reached."""


@dataclass(frozen=True)
class Question:
    key: str
    name: str
    sql: str
    display: str
    place: tuple[int, int, int, int]
    visualization: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Dashboard:
    exposure: str
    name: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Definitions:
    collection: str
    dashboards: tuple[Dashboard, ...]


def definitions_path() -> Path:
    return settings.project_dir() / "dashboards" / "dashboards.yml"


def load(path: Path | None = None) -> Definitions:
    """The dashboards of the YAML, checked: known displays, places on the grid, unique names."""
    path = path or definitions_path()
    document = yaml.safe_load(path.read_text())
    dashboards = []
    names: set[str] = set()
    for entry in document.get("dashboards") or []:
        questions = []
        for item in entry.get("questions") or []:
            where = f"{path.name}: dashboard {entry.get('exposure')!r}, question {item.get('key')!r}"
            missing = [key for key in ("key", "name", "sql", "display", "place") if not item.get(key)]
            if missing:
                raise DashboardError(f"{where}: missing {', '.join(missing)}")
            if item["display"] not in DISPLAYS:
                known = ", ".join(sorted(DISPLAYS))
                raise DashboardError(f"{where}: display {item['display']!r} is not one of {known}")
            place = tuple(int(value) for value in item["place"])
            if len(place) != 4 or place[0] < 0 or place[1] < 0 or place[0] + place[2] > GRID_COLUMNS:
                raise DashboardError(f"{where}: place is [col, row, width, height] on a {GRID_COLUMNS}-column grid")
            if item["name"] in names:
                raise DashboardError(f"{where}: another question is named {item['name']!r}")
            names.add(item["name"])
            questions.append(
                Question(
                    key=item["key"],
                    name=item["name"],
                    sql=item["sql"].strip(),
                    display=item["display"],
                    place=place,  # type: ignore[arg-type]
                    visualization=dict(item.get("visualization") or {}),
                )
            )
        dashboards.append(Dashboard(entry["exposure"], entry["name"], tuple(questions)))
    return Definitions(document.get("collection") or "Clinical Trials Warehouse", tuple(dashboards))


def dashboard_exposures(manifest: dict) -> dict[str, dict]:
    """The dbt exposures of type dashboard, by name."""
    return {
        exposure["name"]: exposure
        for exposure in manifest.get("exposures", {}).values()
        if exposure.get("type") == "dashboard"
    }


# ---------------------------------------------------------------------------------------------
# Metabase's REST API

Request = Callable[[str, str, dict | None], Any]


def http_client(base_url: str, api_key: str | None, username: str | None, password: str | None) -> Request:
    """A ``request(method, path, body)`` for Metabase's API, authenticated by API key or session."""
    headers = {"Content-Type": "application/json"}

    def request(method: str, path: str, body: dict | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        call = urllib.request.Request(base_url.rstrip("/") + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(call, timeout=30) as response:
                text = response.read().decode() or "null"
        except urllib.error.HTTPError as exc:
            detail = " ".join(exc.read().decode(errors="replace").split())[:300]
            raise DashboardError(f"Metabase refused {method} {path}: HTTP {exc.code} {detail}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise DashboardError(f"cannot reach Metabase at {base_url}: {exc}") from exc
        return json.loads(text)

    if api_key:
        headers["x-api-key"] = api_key
    elif username and password:
        session = request("POST", "/api/session", {"username": username, "password": password})
        headers["X-Metabase-Session"] = session["id"]
    else:
        raise DashboardError("set METABASE_API_KEY (or METABASE_USERNAME and METABASE_PASSWORD) to reach Metabase")
    return request


def _rows(payload: Any) -> list[dict]:
    """Metabase lists come bare or as {"data": [...]} depending on the endpoint and version."""
    return payload.get("data", []) if isinstance(payload, dict) else list(payload or [])


def _database_id(request: Request, name: str) -> int:
    databases = _rows(request("GET", "/api/database", None))
    for database in databases:
        if database.get("name") == name:
            return database["id"]
    known = ", ".join(sorted(str(d.get("name")) for d in databases)) or "none"
    raise DashboardError(f"Metabase has no database named {name!r} (METABASE_DATABASE); it has: {known}")


def _collection_id(request: Request, name: str) -> int:
    for collection in _rows(request("GET", "/api/collection", None)):
        if collection.get("name") == name and not collection.get("archived"):
            return collection["id"]
    return request("POST", "/api/collection", {"name": name, "color": "#509EE3"})["id"]


def _items(request: Request, collection_id: int, model: str) -> dict[str, int]:
    items = _rows(request("GET", f"/api/collection/{collection_id}/items?models={model}", None))
    return {item["name"]: item["id"] for item in items if item.get("model", model) == model}


def sync(definitions: Definitions, request: Request, database: str) -> dict[str, dict]:
    """Create or update every question and dashboard; returns {exposure: {id, url path}}."""
    database_id = _database_id(request, database)
    collection_id = _collection_id(request, definitions.collection)
    cards = _items(request, collection_id, "card")
    boards = _items(request, collection_id, "dashboard")
    assigned: dict[str, dict] = {}
    for dashboard in definitions.dashboards:
        card_ids: dict[str, int] = {}
        for question in dashboard.questions:
            body = {
                "name": question.name,
                "description": f"{dashboard.name}: {question.key} (dashboards/dashboards.yml)",
                "collection_id": collection_id,
                "display": question.display,
                "visualization_settings": question.visualization,
                "dataset_query": {"type": "native", "native": {"query": question.sql}, "database": database_id},
            }
            if question.name in cards:
                request("PUT", f"/api/card/{cards[question.name]}", body)
                card_ids[question.key] = cards[question.name]
            else:
                card_ids[question.key] = cards[question.name] = request("POST", "/api/card", body)["id"]
        description = f"dbt exposure {dashboard.exposure} (dashboards/dashboards.yml)"
        if dashboard.name in boards:
            dashboard_id = boards[dashboard.name]
        else:
            created = {"name": dashboard.name, "collection_id": collection_id, "description": description}
            dashboard_id = boards[dashboard.name] = request("POST", "/api/dashboard", created)["id"]
        current = request("GET", f"/api/dashboard/{dashboard_id}", None) or {}
        existing = {dashcard.get("card_id"): dashcard["id"] for dashcard in current.get("dashcards") or []}
        dashcards = []
        for number, question in enumerate(dashboard.questions, start=1):
            col, row, width, height = question.place
            card_id = card_ids[question.key]
            dashcards.append(
                {
                    # An existing card keeps its dashcard id; a new one gets a negative placeholder.
                    "id": existing.get(card_id, -number),
                    "card_id": card_id,
                    "col": col,
                    "row": row,
                    "size_x": width,
                    "size_y": height,
                    "parameter_mappings": [],
                    "visualization_settings": {},
                }
            )
        request(
            "PUT",
            f"/api/dashboard/{dashboard_id}",
            {
                "name": dashboard.name,
                "description": description,
                "collection_id": collection_id,
                "dashcards": dashcards,
            },
        )
        assigned[dashboard.exposure] = {"dashboard_id": dashboard_id, "path": f"/dashboard/{dashboard_id}"}
    return assigned


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    command = arguments[0] if arguments else "check"
    try:
        definitions = load()
        if command == "check":
            questions = sum(len(dashboard.questions) for dashboard in definitions.dashboards)
            print(f"{len(definitions.dashboards)} dashboards, {questions} questions")
            return 0
        if command != "sync":
            raise DashboardError(f"unknown command {command!r}; use check or sync")
        base_url = os.environ.get("METABASE_URL", "http://localhost:3000")
        request = http_client(
            base_url,
            os.environ.get("METABASE_API_KEY"),
            os.environ.get("METABASE_USERNAME"),
            os.environ.get("METABASE_PASSWORD"),
        )
        assigned = sync(definitions, request, os.environ.get("METABASE_DATABASE", "ctw"))
        ids_path = definitions_path().parent / "metabase_ids.json"
        urls = {name: {**value, "url": base_url.rstrip("/") + value["path"]} for name, value in assigned.items()}
        ids_path.write_text(json.dumps(urls, indent=2, sort_keys=True) + "\n")
        for name, value in sorted(urls.items()):
            print(f"{name}: {value['url']}")
        return 0
    except (DashboardError, OSError, yaml.YAMLError) as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
