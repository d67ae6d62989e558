"""The WHO ICTRP, ISRCTN and EMA bad-input corpus (tests/data/bad/<source>/): each broken file
beside a valid one gives exactly the quarantine rows expected, with file, record, field and
reason, the valid records of the batch load, and nothing raises."""

from __future__ import annotations

import csv

import pytest
from openpyxl import Workbook

from extract.runner import extract_source
from tests.reliability.bad_input import (
    CORPUS,
    FIFTY_MB,
    Quarantined,
    assert_outcome,
    assert_quarantined,
    batch,
    quarantine_rows,
)

ICTRP_VALID = {"ChiCTR2000029949", "ChiCTR2000029850"}
ICTRP_PAIR = {"ChiCTR2000029953", "ChiCTR2000029935"}  # the two records of each case file
ICTRP_CASES = {
    "truncated.xml": (
        {"NCT02552212", "EUCTR2021-002179-21-FR"},
        [Quarantined("truncated.xml", "record 3", "<file>", "unreadable XML after record 2 (line 1")],
    ),
    "latin1.csv": (set(), [Quarantined("latin1.csv", None, "<file>", "byte 0xf4 at offset")]),
    "utf16_with_bom.csv": (ICTRP_PAIR, []),
    "utf8_with_bom.csv": (ICTRP_PAIR, []),
    "missing_column.csv": (
        set(), [Quarantined("missing_column.csv", None, "<header>", "missing required column(s) recruitment_status")]
    ),
    "renamed_column.csv": (
        set(), [Quarantined("renamed_column.csv", None, "<header>", "'trial_id' may be 'trialid' renamed")]
    ),
    "empty.csv": (set(), [Quarantined("empty.csv", None, "<file>", "empty file")]),
    "duplicated_keys.csv": (
        ICTRP_PAIR,
        [Quarantined("duplicated_keys.csv#2", "ChiCTR2000029953", "trial_id",
                     "duplicated key 'ChiCTR2000029953' in the same file (first at duplicated_keys.csv#1)")],
    ),
    "impossible_date.csv": (
        ICTRP_PAIR,
        [Quarantined("impossible_date.csv#1", "ChiCTR2000029953", "date_registration", "not a calendar date"),
         Quarantined("impossible_date.csv#1", "ChiCTR2000029953", "date_registration3", "not a calendar date")],
    ),
    "future_date.csv": (
        ICTRP_PAIR,
        [Quarantined("future_date.csv#1", "ChiCTR2000029953", "date_registration", "in the future"),
         Quarantined("future_date.csv#1", "ChiCTR2000029953", "date_registration3", "in the future")],
    ),
    "negative_age.csv": (
        ICTRP_PAIR,
        [Quarantined("negative_age.csv#1", "ChiCTR2000029953", "inclusion_agemin", "negative age '-5 Years'")],
    ),
}


@pytest.mark.parametrize("case", sorted(ICTRP_CASES))
def test_ictrp_bad_file(case, tmp_path, warehouse, query):
    loaded, expected = ICTRP_CASES[case]
    summary = extract_source("ictrp", batch(tmp_path, "ictrp", "valid.csv", case))
    assert_outcome(summary, query, "raw_ictrp", "select trial_id from raw_ictrp.trials",
                   ICTRP_VALID | loaded, expected)


def test_ictrp_encodings_keep_the_accents(tmp_path, warehouse, query):
    extract_source("ictrp", batch(tmp_path, "ictrp", "utf16_with_bom.csv"))
    assert query("select primary_sponsor from raw_ictrp.trials where trial_id = 'ChiCTR2000029953'") == [
        ("Hôpital Bichat – Claude Bernard, Assistance Publique",)
    ]


def test_ictrp_duplicated_key_keeps_the_first_record(tmp_path, warehouse, query):
    extract_source("ictrp", batch(tmp_path, "ictrp", "duplicated_keys.csv"))
    (title,) = query("select public_title from raw_ictrp.trials where trial_id = 'ChiCTR2000029953'")[0]
    assert not title.endswith("(corrected)")


def test_ictrp_50_mb_field_is_refused_by_field_and_the_rest_of_the_file_loads(tmp_path, warehouse, query):
    folder = batch(tmp_path, "ictrp", "valid.csv")
    rows = list(csv.reader((CORPUS / "ictrp" / "utf8_with_bom.csv").open(encoding="utf-8-sig")))
    rows[1][rows[0].index("Scientific title")] = "x" * FIFTY_MB
    with (folder / "huge_field.csv").open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)

    summary = extract_source("ictrp", folder)

    assert {r[0] for r in query("select trial_id from raw_ictrp.trials")} == ICTRP_VALID | ICTRP_PAIR
    assert_quarantined(quarantine_rows(query, "raw_ictrp"), [
        Quarantined("huge_field.csv#1", "ChiCTR2000029953", "scientific_title", "at most 100000 characters")
    ])
    assert summary.quarantined == 1
    assert query("select scientific_title from raw_ictrp.trials where trial_id = 'ChiCTR2000029953'") == [(None,)]
    assert query("select max(length(raw_record)) from raw_ictrp.quarantine")[0][0] < 25_000


ISRCTN_VALID = {"ISRCTN12949496", "ISRCTN88261002"}
ISRCTN_PAIR = {"ISRCTN96912679", "ISRCTN17473621"}
ISRCTN_CASES = {
    "truncated.xml": (
        ISRCTN_PAIR, [Quarantined("truncated.xml", "record 3", "<file>", "unreadable XML after record 2")]
    ),
    "empty.xml": (set(), [Quarantined("empty.xml", None, "<file>", "empty file")]),
    "duplicated_keys.xml": (
        ISRCTN_PAIR,
        [Quarantined("duplicated_keys.xml#2", "ISRCTN96912679", "isrctn",
                     "duplicated key 'ISRCTN96912679' in the same file (first at duplicated_keys.xml#1)")],
    ),
    "impossible_date.xml": (
        ISRCTN_PAIR,
        [Quarantined("impossible_date.xml#1", "ISRCTN96912679", "recruitment_start", "not a calendar date")],
    ),
    # lastUpdated is the incremental cursor: a record claiming 2999 is refused whole.
    "future_update.xml": (
        {"ISRCTN17473621"},
        [Quarantined("future_update.xml#1", "ISRCTN96912679", "last_updated", "in the future")],
    ),
}


@pytest.mark.parametrize("case", sorted(ISRCTN_CASES))
def test_isrctn_bad_file(case, tmp_path, warehouse, query):
    loaded, expected = ISRCTN_CASES[case]
    summary = extract_source("isrctn", batch(tmp_path, "isrctn", "valid.xml", case))
    assert_outcome(summary, query, "raw_isrctn", "select isrctn from raw_isrctn.trials",
                   ISRCTN_VALID | loaded, expected)


def test_isrctn_50_mb_text_node_is_refused_by_field_and_the_rest_of_the_file_loads(tmp_path, warehouse, query):
    folder = batch(tmp_path, "isrctn", "valid.xml")
    text = (CORPUS / "isrctn" / "duplicated_keys.xml").read_text(encoding="utf-8")
    start = text.index("<scientificTitle>") + len("<scientificTitle>")
    end = text.index("</scientificTitle>", start)
    (folder / "huge_field.xml").write_text(text[:start] + "x" * FIFTY_MB + text[end:], encoding="utf-8")

    extract_source("isrctn", folder)

    assert {r[0] for r in query("select isrctn from raw_isrctn.trials")} == ISRCTN_VALID | ISRCTN_PAIR
    rows = quarantine_rows(query, "raw_isrctn")
    assert [r[:3] for r in rows] == [
        ("huge_field.xml#1", "ISRCTN96912679", "scientific_title"),
        ("huge_field.xml#2", "ISRCTN96912679", "isrctn"),
    ]
    assert "at most 100000 characters" in rows[0][3]


EMA_VALID = {"CDP-004159-0000-07", "CDP-001037-0071-02"}
EMA_PAIR = {"CDP-001037-0071-01", "CDP-005858-0000-03"}
EMA_CASES = {
    "latin1.csv": (set(), [Quarantined("latin1.csv", None, "<file>", "byte 0xe9 at offset")]),
    "utf16_with_bom.csv": (EMA_PAIR, []),
    "utf8_with_bom.csv": (EMA_PAIR, []),
    "missing_column.csv": (
        set(), [Quarantined("missing_column.csv", None, "<header>", "missing required column(s) procedure_number")]
    ),
    "renamed_column.csv": (
        set(),
        [Quarantined("renamed_column.csv", None, "<header>",
                     "missing required column(s) publication_date; header is")],
    ),
    "empty.csv": (set(), [Quarantined("empty.csv", None, "<file>", "empty file")]),
    "duplicated_keys.csv": (
        EMA_PAIR,
        [Quarantined("duplicated_keys.csv:3", "CDP-001037-0071-01", "document_id",
                     "duplicated key 'CDP-001037-0071-01' in the same file (first at duplicated_keys.csv:2)")],
    ),
    "impossible_date.csv": (
        EMA_PAIR,
        [Quarantined("impossible_date.csv:2", "CDP-001037-0071-01", "publication_date", "not a calendar date")],
    ),
    "future_date.csv": (
        EMA_PAIR, [Quarantined("future_date.csv:2", "CDP-001037-0071-01", "publication_date", "in the future")]
    ),
}


@pytest.mark.parametrize("case", sorted(EMA_CASES))
def test_ema_bad_listing(case, tmp_path, warehouse, query):
    loaded, expected = EMA_CASES[case]
    summary = extract_source("ema", batch(tmp_path, "ema", "valid.csv", case))
    assert_outcome(summary, query, "raw_ema", "select document_id from raw_ema.documents",
                   EMA_VALID | loaded, expected)


def test_ema_excel_listing_with_formula_cells(tmp_path, warehouse, query):
    """openpyxl writes formulas without computed values, as a script-generated workbook
    arrives: the formula is never loaded as data; the cell is quarantined by name."""
    folder = batch(tmp_path, "ema", "valid.csv")
    rows = list(csv.reader((CORPUS / "ema" / "utf8_with_bom.csv").open(encoding="utf-8-sig")))
    header = rows[0]
    rows[1][header.index("Document title")] = '=HYPERLINK("http://example.invalid","Clinical study report")'
    rows[2][header.index("Active substance")] = '=CONCATENATE("sodium ","thiosulfate")'
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(folder / "listing.xlsx")

    summary = extract_source("ema", folder)

    assert {r[0] for r in query("select document_id from raw_ema.documents")} == EMA_VALID | {"CDP-005858-0000-03"}
    assert query("select active_substance from raw_ema.documents where document_id = 'CDP-005858-0000-03'") == [
        (None,)
    ]
    assert_quarantined(quarantine_rows(query, "raw_ema"), [
        Quarantined("listing.xlsx:2", "CDP-001037-0071-01", "document_title", "formula cell G2: =HYPERLINK("),
        Quarantined("listing.xlsx:2", "CDP-001037-0071-01", "document_title", "Input should be a valid string"),
        Quarantined("listing.xlsx:3", "CDP-005858-0000-03", "active_substance", "formula cell C3: =CONCATENATE("),
    ])
    assert summary.quarantined == 3
    assert query("select count(*) from raw_ema.documents where document_title like '=%'") == [(0,)]
