"""A fake ClinicalTrials.gov API on 127.0.0.1 serving pages built from the real v2 records."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from extract.settings import DEMO_DATA_DIR

STUDY_FILES = sorted((DEMO_DATA_DIR / "ctgov" / "studies").glob("NCT*.json"))


def load_studies() -> list[dict]:
    """The bundled real study records (valid and invalid), in file-name order."""
    return [json.loads(path.read_text(encoding="utf-8")) for path in STUDY_FILES]


def last_update(study: dict) -> str | None:
    return (
        study.get("protocolSection", {})
        .get("statusModule", {})
        .get("lastUpdatePostDateStruct", {})
        .get("date")
    )


class FakeStudiesApi:
    """Serves ``/api/v2/studies`` like the real API: pageSize, pageToken/nextPageToken and
    ``filter.advanced=AREA[LastUpdatePostDate]RANGE[start,MAX]``. Records every request."""

    def __init__(self, studies: list[dict]):
        self.studies = studies
        self.requests: list[dict[str, list[str]]] = []
        self.broken_page: int | None = None

    def handle(self, request: Request) -> Response:
        params = parse_qs(request.query_string.decode())
        self.requests.append(params)
        studies = self.studies
        advanced = params.get("filter.advanced", [None])[0]
        if advanced:
            start = advanced.split("RANGE[", 1)[1].split(",", 1)[0]
            # Records without the date cannot be range-filtered: they are always returned.
            studies = [s for s in studies if (last_update(s) or "9999") >= start]
        size = int(params.get("pageSize", ["10"])[0])
        offset = int(params.get("pageToken", ["0"])[0])
        page_number = offset // size + 1
        if self.broken_page == page_number:
            return Response('{"studies": [{"protocolSection": ', content_type="application/json")
        body: dict = {"studies": studies[offset : offset + size]}
        if offset + size < len(studies):
            body["nextPageToken"] = str(offset + size)
        return Response(json.dumps(body), content_type="application/json")


@pytest.fixture
def fake_api(httpserver: HTTPServer) -> FakeStudiesApi:
    api = FakeStudiesApi(copy.deepcopy(load_studies()))
    httpserver.expect_request("/api/v2/studies").respond_with_handler(api.handle)
    return api


@pytest.fixture
def api_url(httpserver: HTTPServer, fake_api: FakeStudiesApi) -> str:
    return httpserver.url_for("/api/v2")


def write_studies(folder: Path, studies: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for study in studies:
        nct_id = study["protocolSection"]["identificationModule"]["nctId"]
        (folder / f"{nct_id}.json").write_text(json.dumps(study), encoding="utf-8")
    return folder
