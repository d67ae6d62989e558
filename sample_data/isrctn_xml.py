"""Write the bundled ISRCTN sample in the XML shape of the ISRCTN API (made here).

No raw ISRCTN API XML is available to redistribute. The facts (IDs, titles, secondary numbers,
dates, countries, conditions) come from the ISRCTN records in ctrdata's demo database (MIT),
decoded to JSON in ``shared/data/isrctn``; this script writes them back in the API's element
structure (namespace ``http://www.67bricks.com/isrctn``, ``<allTrials><fullTrial><trial>``).

    python -m sample_data.isrctn_xml ../shared/data/isrctn/isrctn_trials_ctrdata_demo.ndjson
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from lxml import etree

NS = "http://www.67bricks.com/isrctn"
OUT = Path(__file__).resolve().parents[2] / "demo_data" / "isrctn" / "isrctn_api_made_here.xml"
SECTIONS = ("trialDescription", "externalRefs", "trialDesign", "participants", "conditions", "interventions")


def add(parent: etree._Element, name: str, value: object) -> None:
    if isinstance(value, list):
        for item in value:
            add(parent, name, item)
        return
    element = etree.SubElement(parent, f"{{{NS}}}{name}")
    if isinstance(value, dict):
        for key, child in value.items():
            add(element, key, child)
    elif value not in (None, ""):
        element.text = str(value)


def main(source: Path) -> None:
    root = etree.Element(f"{{{NS}}}allTrials", nsmap={None: NS})
    records = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    root.set("totalCount", str(len(records)))
    for record in records:
        full = etree.SubElement(root, f"{{{NS}}}fullTrial")
        last_updated = record["record_last_import"].replace(" ", "T") + ".000Z"
        trial = etree.SubElement(full, f"{{{NS}}}trial", lastUpdated=last_updated)
        isrctn = etree.SubElement(trial, f"{{{NS}}}isrctn")
        isrctn.text = record["isrctn"]
        for section in SECTIONS:
            add(trial, section, record.get(section) or {})
    OUT.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
    print(f"wrote {OUT} ({len(records)} trials)")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
