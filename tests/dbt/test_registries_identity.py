"""Identity across registries, lossless ICTRP exports and an open status vocabulary, on exports
written for this project in each registry's real format (tests/data/registries_identity: a
ClinicalTrials.gov API v2 page, an ICTRP XML export and a later ICTRP CSV export without a
secondary-ID column, an ISRCTN API page, an EUCTR text download) whose true trials are listed in
truth.csv. One extraction and one build of the trial models, in their own warehouse."""

from __future__ import annotations

import csv
from itertools import combinations
from pathlib import Path

import pytest

from extract.runner import extract_source
from tests.conftest import Warehouse

pytestmark = pytest.mark.dbt

DATA = Path(__file__).resolve().parents[1] / "data" / "registries_identity"
# The ICTRP XML export first, the later CSV export after it, as they would arrive.
LOADS = (("ctgov", "ctgov"), ("isrctn", "isrctn"), ("euctr", "euctr"), ("ictrp", "ictrp_xml"), ("ictrp", "ictrp_csv"))
# What the assertions read (not the sponsor, condition and location models: dim_trial's
# resolution of nct_id and registries is the deduplicated model's and a unit test's).
SELECT = (
    "+int_trials__deduplicated +bridge_trial_registry_id +rpt_unmapped_trial_statuses"
    " +rpt_unlinked_registry_identifiers"
)


@pytest.fixture(scope="module")
def identity() -> Warehouse:
    scratch = Warehouse("registries_identity").reset()
    with pytest.MonkeyPatch.context() as patch:
        for key, value in scratch.environment().items():
            patch.setenv(key, value)
        for source, folder in LOADS:
            assert extract_source(source, DATA / folder).loaded > 0
    # cautious: the tests of the selected models only, not those of models left out (the history);
    # no unit tests (the session's build runs them).
    built = scratch.ctw(
        "build", "--select", SELECT, DBT_INDIRECT_SELECTION="cautious", DBT_EXCLUDE_RESOURCE_TYPES="unit_test"
    )
    # Exit 0 although an ICTRP status is missing from the seed (a warn-level test only).
    assert built.returncode == 0, built.stdout[-5000:] + built.stderr[-2000:]
    return scratch


def _same_trial_pairs(assignment: dict[tuple[str, str], str]) -> set[frozenset]:
    pairs = combinations(sorted(assignment), 2)
    return {frozenset(pair) for pair in pairs if assignment[pair[0]] == assignment[pair[1]]}


def test_same_trial_pairs_have_full_precision_and_recall(identity) -> None:
    with (DATA / "truth.csv").open(newline="", encoding="utf-8") as handle:
        truth = {(row["registry"], row["record_id"]): row["true_trial"] for row in csv.DictReader(handle)}
    found = {
        (registry, record_id): trial_id
        for trial_id, registry, record_id in identity.query(
            "select distinct trial_id, record_registry, registry_record_id "
            "from marts.bridge_trial_registry_id where has_registry_record"
        )
    }
    assert set(found) == set(truth)  # every record loaded once, none lost
    true_pairs, found_pairs = _same_trial_pairs(truth), _same_trial_pairs(found)
    precision = len(true_pairs & found_pairs) / len(found_pairs)
    recall = len(true_pairs & found_pairs) / len(true_pairs)
    assert precision == 1.0, sorted(map(sorted, found_pairs - true_pairs))
    assert recall >= 0.99, sorted(map(sorted, true_pairs - found_pairs))
    assert len(set(found.values())) == len(set(truth.values()))


def test_transitive_links_and_primary_registries(identity) -> None:
    # NCT -> DRKS (CT.gov secondary ID), DRKS -> UTN (ICTRP), UTN <- EudraCT (EUCTR A.5.3).
    assert identity.query(
        "select trial_id, registries, registry_count from intermediate.int_trials__deduplicated "
        "where trial_id = 'NCT90000001'"
    ) == [("NCT90000001", "ctgov, drks, euctr", 3)]
    # An ICTRP record counts as the registry it republishes.
    assert identity.query(
        "select registries from intermediate.int_trials__deduplicated where trial_id = 'NCT90000010'"
    ) == [("ctgov, jprn",)]
    assert identity.query(
        "select count(*) from intermediate.int_trials__deduplicated where registries like '%ictrp%'"
    ) == [(0,)]


def test_the_later_export_without_secondary_ids_erases_nothing(identity) -> None:
    rows = identity.query(
        "select source_status, export_count from staging.stg_ictrp__trials where ictrp_trial_id = 'JPRN-UMIN000090003'"
    )
    # The newest export's status, the earlier export's secondary ID (and the link it carries).
    assert rows == [("complete: follow-up complete", 2)]
    assert identity.query(
        "select secondary_id from staging.stg_ictrp__secondary_ids where ictrp_trial_id = 'JPRN-UMIN000090003'"
    ) == [("NCT90000003",)]
    assert identity.query(
        "select distinct trial_id from marts.bridge_trial_registry_id where registry_id = 'JPRN-UMIN000090003'"
    ) == [("NCT90000003",)]


def test_non_identifiers_never_link_and_are_listed(identity) -> None:
    unlinked = set(identity.query("select stated_by, raw_identifier from marts.rpt_unlinked_registry_identifiers"))
    # (ISRCTN's own placeholders, "Nil known" included, are dropped by its extractor.)
    assert {("ctgov", "Nil known"), ("ictrp", "N/A"), ("ctgov", "001")} <= unlinked
    # The EU CT number is not read as the EudraCT number that shares its first three parts.
    assert identity.query(
        "select canonical_id, id_registry from intermediate.int_trials__registry_identifiers "
        "where raw_identifier = '2023-590032-45-00'"
    ) == [("2023-590032-45-00", "ctis")]


def test_a_status_missing_from_the_seed_is_reported_not_fatal(identity) -> None:
    assert identity.query(
        "select trial_status, source_status from intermediate.int_trials__deduplicated "
        "where trial_id = 'ChiCTR2000090050'"
    ) == [("unknown", "suspended - awaiting funding")]
    assert identity.query("select registry, source_status, record_count from marts.rpt_unmapped_trial_statuses") == [
        ("ictrp", "suspended - awaiting funding", 1)
    ]
    # EUCTR "Ongoing" says the trial runs, not that it recruits.
    assert identity.query(
        "select trial_status from intermediate.int_trials__deduplicated where trial_id = '2023-590032-45'"
    ) == [("active_not_recruiting",)]
