"""Registry boundaries in Python, on the exports written for this project
(tests/data/registries_identity): EUCTR E.8.6 countries, damaged and truncated protocol blocks,
the ISRCTN status derived as of the extraction. No warehouse."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from extract.files import InputFile
from extract.quarantine import Rejection
from extract.sources.euctr import to_row as euctr_row
from extract.sources.euctr.helpers import iter_protocols
from extract.sources.isrctn import to_row as isrctn_row
from extract.sources.isrctn.helpers import iter_trials

DATA = Path(__file__).resolve().parents[2] / "data" / "registries_identity"
EUCTR = (DATA / "euctr" / "euctr_download.txt").read_text(encoding="utf-8")


def _protocols(text: str) -> list:
    return list(iter_protocols(InputFile("download.txt", text.encode("utf-8"))))


def test_euctr_trial_countries_of_e_8_6_are_read():
    first, *_ = _protocols(EUCTR)
    row, _rejections = euctr_row(first)
    assert [c["country_name"] for c in row["trial_countries"]] == ["United States", "Canada"]


def test_a_damaged_eudract_number_line_is_a_quarantined_block_not_a_lost_one():
    damaged = EUCTR.replace("EudraCT Number: 2023-590032-45", "EudraCT Numbr 2023-590032-45", 1)
    items = _protocols(damaged)
    rejections = [item for item in items if isinstance(item, Rejection)]
    assert [(r.record_id, r.field) for r in rejections] == [("2023-590032-45-NL", "<block>")]
    assert "damaged protocol block" in rejections[0].reason
    assert "EudraCT Numbr 2023-590032-45" in rejections[0].message()
    # The other blocks still load, and the damaged one did not run into the block before it.
    loaded = [euctr_row(item)[0] for item in items if not isinstance(item, Rejection)]
    assert [row["protocol_id"] for row in loaded] == ["2019-090001-11-DE", "2019-090001-11-FR"]
    assert all(row["full_title"].endswith("(A)") for row in loaded)


def test_a_truncated_protocol_never_loads_over_a_complete_one():
    truncated = EUCTR[: EUCTR.rindex("N. Review by the Competent Authority")]
    items = _protocols(truncated)
    rejections = [item for item in items if isinstance(item, Rejection)]
    assert [r.record_id for r in rejections] == ["2023-590032-45-NL"]
    assert "truncated protocol block" in rejections[0].reason


ISRCTN = """<?xml version='1.0' encoding='UTF-8'?>
<allTrials xmlns="http://www.67bricks.com/isrctn" totalCount="1">
  <fullTrial>
    <trial lastUpdated="2019-06-01T10:00:00.000Z">
      <isrctn>90000099</isrctn>
      <trialDescription><title>An old record of a finished trial</title></trialDescription>
      <trialDesign><overallEndDate>2020-12-31T00:00:00.000Z</overallEndDate></trialDesign>
      <participants>
        <recruitmentStart>2019-01-01T00:00:00.000Z</recruitmentStart>
        <recruitmentEnd>2020-06-30T00:00:00.000Z</recruitmentEnd>
      </participants>
    </trial>
  </fullTrial>
</allTrials>
"""


def test_isrctn_status_is_derived_as_of_the_extraction_not_the_record_update():
    (record,) = iter_trials(InputFile("page.xml", ISRCTN.encode("utf-8")))
    row, _rejections = isrctn_row(record, "page.xml")
    # On its lastUpdated day the trial was recruiting; at extraction time it has ended.
    assert row["recruitment_status"] == "Completed"
    assert row["extracted_at"] <= datetime.now(UTC).replace(tzinfo=None)
