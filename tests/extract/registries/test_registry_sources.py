"""Registry sources on real-format files: loading, incremental re-runs, malformed input."""

from __future__ import annotations

import shutil

from extract.runner import extract_source
from extract.sources.ema.helpers import extract_findings, read_pdf_pages


def test_ictrp_shared_xml_and_truncated_file_quarantined(warehouse, query, shared_data, tmp_path):
    folder = tmp_path / "ictrp"
    folder.mkdir()
    shutil.copy(shared_data / "who_ictrp" / "ictrp_export_machado-t.xml", folder / "a.xml")
    text = (shared_data / "who_ictrp" / "ictrp_export_machado-t.xml").read_bytes()
    (folder / "b_truncated.xml").write_bytes(text[: len(text) // 2])
    latin1 = "TrialID,Public title,Recruitment Status\nX1,Caf\xe9,Recruiting\n"
    (folder / "c_latin1.csv").write_bytes(latin1.encode("latin-1"))
    (folder / "d_missing_column.csv").write_text("TrialID,Public title\nX2,Title\n", encoding="utf-8")

    summary = extract_source("ictrp", folder)

    # 95 records; EUCTR2008-001262-87-PT has no public title and is quarantined, not loaded. The
    # truncated copy's 48 readable records are kept beside a.xml's (one record per export file).
    assert query("select count(distinct trial_id), count(*) from raw_ictrp.trials")[0] == (94, 94 + 48)
    assert ("EUCTR2008-001262-87-PT", "public_title") in query("select record_id, field from raw_ictrp.quarantine")
    reasons = dict(query("select location, reason from raw_ictrp.quarantine where field in ('<file>', '<header>')"))
    assert "unreadable XML after record" in reasons["b_truncated.xml"]
    assert "not UTF-8 encoded" in reasons["c_latin1.csv"]
    assert "missing required column(s) recruitment_status" in reasons["d_missing_column.csv"]
    assert summary.quarantined >= 3
    # JPRN writes dates year first (2016/12/06): kept as written for staging, not quarantined.
    assert query(
        "select trial_id, date_enrollement from raw_ictrp.trials where trial_id like 'JPRN-UMIN%' order by trial_id"
    ) == [
        ("JPRN-UMIN000001825", "2009/04/01"),
        ("JPRN-UMIN000008396", "2012/08/01"),
        ("JPRN-UMIN000027045", "2016/12/06"),
    ]
    assert query("select count(*) from raw_ictrp.quarantine where field = 'date_enrollement'") == [(0,)]
    # Secondary IDs link EUCTR and CT.gov records of one trial.
    assert ("NCT04973137",) in query(
        "select secondary_id from raw_ictrp.trials__secondary_ids where trial_id = 'EUCTR2021-000037-14-PL'"
    )


def test_ictrp_rerun_loads_nothing_and_changed_file_merges(warehouse, query, shared_data, tmp_path):
    folder = tmp_path / "ictrp"
    folder.mkdir()
    shutil.copy(shared_data / "who_ictrp" / "ictrp_covid19_export_2020-04-07.csv", folder / "export.csv")
    extract_source("ictrp", folder)
    first = query("select count(*) from raw_ictrp.trials")[0][0]
    assert first == 927
    assert extract_source("ictrp", folder).loaded == 0
    # The later snapshot of 300 of the same trials: each export's record is kept (staging combines
    # them field by field), and loading it again duplicates nothing.
    shutil.copy(shared_data / "who_ictrp" / "ictrp_covid19_export_2020-04-15_first300.csv", folder / "later.csv")
    extract_source("ictrp", folder)
    assert query("select count(*), count(distinct trial_id) from raw_ictrp.trials")[0] == (1227, 927)
    assert query("select count(*) from (select trial_id, source_location from raw_ictrp.trials group by all)") == [
        (1227,)
    ]
    assert extract_source("ictrp", folder).loaded == 0


def test_euctr_protocols_per_member_state(warehouse, query, demo_data):
    extract_source("euctr", demo_data / "euctr")
    rows = query("select protocol_id from raw_euctr.protocols where eudract_number = '2021-002179-21' order by 1")
    assert [r[0][-2:] for r in rows] == ["ES", "FR", "GR", "HU", "PL", "PT"]
    # The irregular flag is quarantined by field; the protocol itself still loads.
    assert query("select record_id, field from raw_euctr.quarantine") == [("2022-002568-62-ES", "part_of_pip")]
    assert extract_source("euctr", demo_data / "euctr").loaded == 0


def test_isrctn_placeholders_dropped_and_links_kept(warehouse, query, demo_data):
    extract_source("isrctn", demo_data / "isrctn")
    assert query("select eudract_number from raw_isrctn.trials where isrctn = 'ISRCTN13281214'") == [
        ("2015-004526-33",)
    ]
    assert query(
        "select count(*) from raw_isrctn.trials__secondary_numbers where lower(secondary_number) = 'nil known'"
    ) == [(0,)]


def test_ema_report_extractor_locates_identifiers_with_confidence(demo_data):
    pdf = demo_data / "ema" / "reports" / "EMEA-H-C-004159_AB21004_CSR_interim_redacted.pdf"
    findings = extract_findings(read_pdf_pages(pdf.read_bytes()))
    labelled = {(f["finding_type"], f["finding_value"]) for f in findings if f["confidence"] >= 0.9}
    assert ("eudract_number", "2021-002179-21") in labelled
    assert ("sponsor_protocol_number", "AB21004") in labelled
    background = [f for f in findings if f["finding_value"] == "2012-005349-26"]
    assert background and all(f["confidence"] < 0.9 and f["label"] is None for f in background)
    assert any(f["finding_type"] == "title" and f["page_number"] == 2 for f in findings)


def test_ema_damaged_pdf_quarantined(warehouse, query, demo_data, tmp_path):
    folder = tmp_path / "ema"
    shutil.copytree(demo_data / "ema", folder)
    (folder / "reports" / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<")
    extract_source("ema", folder)
    assert query("select count(*) from raw_ema.reports")[0][0] == 3
    assert query("select record_id, field from raw_ema.quarantine where record_id = 'broken.pdf'") == [
        ("broken.pdf", "<file>")
    ]
