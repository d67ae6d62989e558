"""The cohort registry: approved cohorts as data, one JSON file per cohort.

    {"cohort_id": "gi_bleed_2026", "cohort_name": "...", "approved_on": "2026-10-05",
     "person_ids": [10000006, 10000012, ...]}

A cohort is an exact, approved list of person IDs and never changes once ingested: a changed
list is a new approval with a new ``cohort_id`` (the pipeline refuses a changed list under an
existing ID, see :func:`fingerprint`). Cohort IDs are data: they reach SQL only as bound
parameters and never become file or table names.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError
from sqlalchemy import Connection, delete, insert, select

from extract.files import decode_bytes, undecodable_reason
from extract.inputs import InputPath, head_text
from extract.quarantine import Rejection

from . import cdm
from .settings import SOURCE_NAME


class CohortFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cohort_id: str = Field(min_length=1, max_length=200)
    cohort_name: str = Field(min_length=1)
    approved_on: date
    person_ids: list[StrictInt] = Field(min_length=1)


@dataclass(frozen=True)
class Cohort:
    cohort_id: str
    cohort_name: str
    approved_on: date
    person_ids: tuple[int, ...]
    location: str = ""

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.person_ids)


@dataclass
class Registry:
    cohorts: list[Cohort] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)

    def get(self, cohort_id: str) -> Cohort | None:
        return next((cohort for cohort in self.cohorts if cohort.cohort_id == cohort_id), None)


def fingerprint(person_ids: Iterable[int]) -> str:
    """A digest of the sorted, distinct person IDs: equal lists, equal fingerprints."""
    text = ",".join(str(person) for person in sorted(set(person_ids)))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def parse_cohort(document: Any, location: str) -> tuple[Cohort | None, list[Rejection]]:
    """One cohort from a parsed JSON document; repeated person IDs are reported and kept once."""
    try:
        parsed = CohortFile.model_validate(document)
    except ValidationError as error:
        record = document.get("cohort_id") if isinstance(document, dict) else None
        return None, [
            Rejection(
                SOURCE_NAME,
                location,
                problem["msg"],
                str(record) if record else None,
                ".".join(str(part) for part in problem["loc"]),
                document,
            )
            for problem in error.errors()
        ]
    repeated = sorted(person for person, count in Counter(parsed.person_ids).items() if count > 1)
    rejections = [
        Rejection(
            SOURCE_NAME,
            location,
            "duplicate person ID in cohort (kept once)",
            parsed.cohort_id,
            f"person_ids[{person}]",
            {"person_id": person},
        )
        for person in repeated
    ]
    cohort = Cohort(
        parsed.cohort_id,
        parsed.cohort_name,
        parsed.approved_on,
        tuple(dict.fromkeys(parsed.person_ids)),
        location,
    )
    return cohort, rejections


def is_cohort_list(head: bytes) -> bool:
    """Whether a JSON file starts like an approved cohort list (an object with a ``cohort_id``)."""
    text = head_text(head).lstrip()
    return text.startswith("{") and '"cohort_id"' in text


def load_registry(files: list[InputPath]) -> Registry:
    """Every approved cohort list among ``files``, in the order given, with what was wrong."""
    registry = Registry()
    seen: dict[str, str] = {}
    for file in files:
        location = file.location
        data = file.read_bytes()
        try:
            document = json.loads(decode_bytes(data, location))
        except UnicodeDecodeError as error:
            reason = undecodable_reason(data, error)
            registry.rejections.append(Rejection(SOURCE_NAME, location, reason, field="<file>"))
            continue
        except json.JSONDecodeError as error:
            registry.rejections.append(Rejection(SOURCE_NAME, location, f"not valid JSON: {error}", field="<file>"))
            continue
        cohort, rejections = parse_cohort(document, location)
        registry.rejections.extend(rejections)
        if cohort is None:
            continue
        if cohort.cohort_id in seen:
            registry.rejections.append(
                Rejection(
                    SOURCE_NAME,
                    location,
                    f"cohort ID already defined in {seen[cohort.cohort_id]} (file ignored)",
                    cohort.cohort_id,
                    "cohort_id",
                )
            )
            continue
        seen[cohort.cohort_id] = location
        registry.cohorts.append(cohort)
    return registry


def sync_sandbox(connection: Connection, cohorts: Iterable[Cohort]) -> None:
    """Write the cohort lists to ``sandbox.ctw_cohort_member`` (our table on the source side),
    replacing each cohort's rows, so extraction can join to them."""
    cdm.cohort_member.create(connection, checkfirst=True)
    for cohort in cohorts:
        connection.execute(delete(cdm.cohort_member).where(cdm.cohort_member.c.cohort_id == cohort.cohort_id))
        connection.execute(
            insert(cdm.cohort_member),
            [{"cohort_id": cohort.cohort_id, "person_id": person} for person in cohort.person_ids],
        )


def chunks(values: tuple[int, ...], size: int) -> Iterable[tuple[int, ...]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def unknown_persons(connection: Connection, cohort: Cohort, person_filter: str, in_list_size: int) -> list[int]:
    """Person IDs of the cohort that the source's ``person`` table does not hold. Only the
    cohort's own IDs are looked up."""
    person = cdm.cdm_tables["person"]
    if person_filter == "sandbox":
        member = cdm.cohort_member
        statement = (
            select(member.c.person_id)
            .outerjoin(person, person.c.person_id == member.c.person_id)
            .where(member.c.cohort_id == cohort.cohort_id, person.c.person_id.is_(None))
        )
        missing = set(connection.execute(statement).scalars())
    else:
        found: set[int] = set()
        for chunk in chunks(cohort.person_ids, in_list_size):
            found.update(connection.execute(select(person.c.person_id).where(person.c.person_id.in_(chunk))).scalars())
        missing = set(cohort.person_ids) - found
    return sorted(missing)


def unknown_person_rejections(cohort: Cohort, unknown: list[int]) -> list[Rejection]:
    return [
        Rejection(
            SOURCE_NAME,
            cohort.location or cohort.cohort_id,
            "person ID not found in the source person table",
            cohort.cohort_id,
            f"person_ids[{person}]",
            {"person_id": person},
        )
        for person in unknown
    ]
