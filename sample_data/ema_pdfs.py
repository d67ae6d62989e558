"""Write the bundled EMA clinical-data-publication samples (made here, not EMA documents).

Three redacted clinical-study-report (CSR) synopses laid out the way CSRs published under EMA
Policy 0070 usually are: a title page (product, study code, EudraCT/NCT numbers, sponsor, report
date) with personal data removed and replaced by black boxes, then the ICH E3 synopsis table.
The trials they describe are real registry entries bundled with this project (ClinicalTrials.gov
NCT02552212 and NCT00716976, EUCTR 2021-002179-21); the report text itself is invented.

    python -m sample_data.ema_pdfs
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

OUT = Path(__file__).resolve().parents[2] / "demo_data" / "ema" / "reports"

REPORTS = [
    {
        "file": "EMEA-H-C-001037-II-0071_AS0006_CSR_redacted.pdf",
        "product": "Cimzia (certolizumab pegol)",
        "title": "A Multicenter, Randomized, Double-blind, Placebo-controlled Study to Evaluate the "
        "Efficacy and Safety of Certolizumab Pegol in Subjects With Active Axial Spondyloarthritis "
        "Without X-ray Evidence of Ankylosing Spondylitis and Objective Signs of Inflammation",
        "lines": [
            ("Study code", "AS0006"),
            ("EudraCT number", "2015-001894-41"),
            ("Registry", "ClinicalTrials.gov NCT02552212"),
            ("Sponsor", "UCB BIOPHARMA SRL"),
            ("Phase of development", "Phase 3"),
            ("Study period", "First subject enrolled: 15 Oct 2015  Last subject completed: 22 Nov 2018"),
            ("Report date", "14 June 2019"),
        ],
        "body": "Subjects were randomised 1:1 to certolizumab pegol 200 mg Q2W or placebo. The primary "
        "variable was the proportion of subjects achieving major improvement at Week 52.",
    },
    {
        "file": "EMEA-H-C-005858_ACCL0431_CSR_redacted.pdf",
        "product": "Pedmarqsi (sodium thiosulfate)",
        "title": "A Randomized Phase III Study of Sodium Thiosulfate for the Prevention of Cisplatin-"
        "Induced Ototoxicity in Children",
        "lines": [
            ("Protocol number", "ACCL0431"),
            ("Registry", "NCT00716976"),
            ("Sponsor", "Children's Oncology Group"),
            ("Phase of development", "Phase III"),
            ("Study period", "June 2008 to September 2012"),
            ("Report date", "2021-11-30"),
        ],
        "body": "Children receiving cisplatin were randomised to sodium thiosulfate or observation. "
        "Hearing loss was assessed by audiometry four weeks after the final cisplatin course.",
    },
    {
        "file": "EMEA-H-C-004159_AB21004_CSR_interim_redacted.pdf",
        "product": "Masitinib",
        "title": "A multicenter, randomized, double-blind, placebo-controlled, parallel-group phase 3 "
        "study to evaluate the safety and efficacy of masitinib as add-on therapy in patients with "
        "mild to moderate Alzheimer's disease",
        "lines": [
            ("Sponsor protocol code", "AB21004"),
            ("EudraCT No.", "2021-002179-21"),
            ("Sponsor", "AB Science S.A."),
            ("Phase of development", "3"),
            ("Report date", "03/2024"),
        ],
        "body": "Interim report. The study was also described in the sponsor's earlier protocol "
        "AB12003 (EudraCT 2012-005349-26), which is cited for background only.",
    },
]


def boxed(pdf: canvas.Canvas, x: float, y: float, label: str, width: float = 160) -> None:
    """A label followed by a black redaction box: the personal data is not in the file."""
    pdf.setFont("Helvetica", 10)
    pdf.drawString(x, y, label)
    pdf.setFillColorRGB(0, 0, 0)
    pdf.rect(x + pdf.stringWidth(label, "Helvetica", 10) + 6, y - 3, width, 13, stroke=0, fill=1)


def wrap(pdf: canvas.Canvas, text: str, x: float, y: float, width: float, size: int = 10) -> float:
    pdf.setFont("Helvetica", size)
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if pdf.stringWidth(candidate, "Helvetica", size) > width:
            pdf.drawString(x, y, line)
            y -= size + 3
            line = word
        else:
            line = candidate
    if line:
        pdf.drawString(x, y, line)
        y -= size + 3
    return y


def write(report: dict) -> None:
    path = OUT / report["file"]
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    width, height = A4
    # Title page
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(60, height - 80, "CLINICAL STUDY REPORT")
    y = wrap(pdf, report["title"], 60, height - 110, width - 120, 12)
    y -= 10
    pdf.setFont("Helvetica", 10)
    pdf.drawString(60, y, f"Investigational product: {report['product']}")
    y -= 16
    for label, value in report["lines"]:
        pdf.drawString(60, y, f"{label}: {value}")
        y -= 16
    y -= 10
    boxed(pdf, 60, y, "Coordinating investigator:")
    boxed(pdf, 60, y - 18, "Sponsor signatory:", 120)
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont("Helvetica-Oblique", 8)
    pdf.drawString(60, 50, "Personal data redacted in line with EMA Policy 0070. Sample made for "
                   "clinical-trials-warehouse tests; not an EMA document.")
    pdf.showPage()
    # Synopsis page
    pdf.setFont("Helvetica-Bold", 13)
    pdf.drawString(60, height - 70, "2. SYNOPSIS")
    rows = [("Name of Sponsor/Company", dict(report["lines"]).get("Sponsor", "")),
            ("Name of Active Ingredient", report["product"]),
            ("Title of Study", report["title"])] + [r for r in report["lines"] if r[0] != "Sponsor"]
    y = height - 100
    for label, value in rows:
        pdf.setFont("Helvetica-Bold", 9)
        pdf.drawString(60, y, f"{label}:")
        y = wrap(pdf, value, 230, y, width - 290, 9) - 6
        pdf.line(60, y + 4, width - 60, y + 4)
    boxed(pdf, 60, y - 10, "Investigators and study centres:", 200)
    y = wrap(pdf, report["body"], 60, y - 40, width - 120, 9)
    pdf.showPage()
    pdf.save()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for report in REPORTS:
        write(report)
        print(f"wrote {OUT / report['file']}")


if __name__ == "__main__":
    main()
