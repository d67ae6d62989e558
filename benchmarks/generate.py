"""Seeded, streaming generator of registry-scale test data.

    python -m benchmarks.generate --n 50000 --out warehouse/bench/data            # everything
    python -m benchmarks.generate --n 50000 --out DIR --only ctgov --zip          # + bulk zip

What it writes under ``--out``:

``ctgov/studies-00000.ndjson`` ...
    N studies in the ClinicalTrials.gov API v2 JSON shape, one per line, in shards. The bundled
    real records (``extract/demo_data/ctgov/studies``) give the structure (which modules exist,
    how fields nest) and seed the vocabularies; counts of conditions, sites, outcomes, text
    lengths, partial dates, statuses and phases follow the registry's rough distributions, with
    the registry's messiness (stray whitespace, country spellings, duplicated conditions,
    stub records) and ~0.5% records that break a validation rule. Studies with ``hasResults``
    (about 15%, as in the registry) carry a ``resultsSection`` made from one of the bundled
    real records' results (participant flow, baseline, outcome measures, adverse events, more
    info) with other numbers; a few are a few hundred kB (``--no-results`` leaves them out).
``ctgov.zip`` (with ``--zip``)
    the same studies as one JSON file per study, like the official bulk download.
``ctgov_increment/studies-increment.ndjson``
    a weekly increment: 0.25% of the valid studies again, with a later ``lastUpdatePostDate``
    and a different ``overallStatus``.
``ictrp/trials-00000.xml``, ``vitals/vitals.csv``, ``labs/labs.csv``,
``omop/person.csv``, ``omop/visit_occurrence.csv``, ``omop/condition_occurrence.csv``
    WHO ICTRP-style XML trials and the hospital/OMOP feeds other sources will read.

Every record is generated from ``Random(seed, index)`` alone and written as soon as it is made,
so memory stays flat in N and any record can be regenerated (the increment does that).
"""

from __future__ import annotations

import argparse
import bisect
import csv
import itertools
import json
import random
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "extract" / "demo_data" / "ctgov" / "studies"
SHARD_SIZE = 25_000
INCREMENT_FRACTION = 0.0025
# Every generated study was last updated on or before this day; the increment is posted later.
LAST_BASE_UPDATE = date(2026, 11, 14)
INCREMENT_UPDATE = "2026-11-21"
INVALID_SHARE = 0.005
# Share of results sections made several times longer than the largest bundled one
# (real records with many outcome measures and adverse events reach a few hundred kB).
LARGE_RESULTS_SHARE = 0.04
# Values in results sections that hold a number as text: varied per study.
_NUMBER_KEYS = frozenset(
    "numSubjects value lowerLimit upperLimit spread numAffected numAtRisk numEvents pValue "
    "paramValue ciLowerLimit ciUpperLimit dispersionValue estimateComment".split()
)

# (value, weight) pairs: rough shares of the registry.
STATUSES = [
    ("COMPLETED", 52),
    ("UNKNOWN", 13),
    ("RECRUITING", 12),
    ("TERMINATED", 6),
    ("ACTIVE_NOT_RECRUITING", 5),
    ("NOT_YET_RECRUITING", 4),
    ("WITHDRAWN", 3),
    ("ENROLLING_BY_INVITATION", 1.5),
    ("SUSPENDED", 0.5),
    ("AVAILABLE", 0.3),
    ("NO_LONGER_AVAILABLE", 0.3),
    ("APPROVED_FOR_MARKETING", 0.1),
]
STUDY_TYPES = [("INTERVENTIONAL", 77), ("OBSERVATIONAL", 22), ("EXPANDED_ACCESS", 1)]
PHASES = [
    (["NA"], 35),
    (["PHASE2"], 18),
    (["PHASE1"], 12),
    (["PHASE3"], 10),
    (["PHASE4"], 10),
    (["PHASE1", "PHASE2"], 4),
    (["PHASE2", "PHASE3"], 2),
    (["EARLY_PHASE1"], 2),
    (None, 7),
]
SPONSOR_CLASSES = [("OTHER", 60), ("INDUSTRY", 30), ("NIH", 3), ("OTHER_GOV", 4), ("NETWORK", 2), ("FED", 1)]
INTERVENTION_TYPES = [
    ("DRUG", 45),
    ("OTHER", 14),
    ("DEVICE", 10),
    ("BEHAVIORAL", 10),
    ("PROCEDURE", 8),
    ("BIOLOGICAL", 7),
    ("DIETARY_SUPPLEMENT", 4),
    ("RADIATION", 1),
    ("DIAGNOSTIC_TEST", 1),
]
SITE_STATUSES = [(None, 70), ("RECRUITING", 15), ("COMPLETED", 8), ("NOT_YET_RECRUITING", 5), ("WITHDRAWN", 2)]
# Country spellings as registries write them: the warehouse maps aliases to ISO codes.
COUNTRIES = [
    ("United States", 38),
    ("China", 9),
    ("France", 5),
    ("Canada", 4),
    ("United Kingdom", 4),
    ("Germany", 4),
    ("Spain", 3),
    ("Italy", 3),
    ("Egypt", 3),
    ("Korea, Republic of", 3),
    ("Turkey", 2),
    ("Türkiye", 1),
    ("Japan", 2),
    ("Brazil", 2),
    ("Netherlands", 2),
    ("Denmark", 2),
    ("Belgium", 2),
    ("Australia", 2),
    ("Israel", 1),
    ("India", 1),
    ("Iran, Islamic Republic of", 1),
    ("Poland", 1),
    ("Switzerland", 1),
    ("Sweden", 1),
    ("Taiwan", 1),
    ("Mexico", 1),
    ("USA", 0.3),
    ("UK", 0.2),
    ("Russian Federation", 1),
    ("South Africa", 0.5),
]
AGES = [
    ("18 Years", 60),
    ("12 Years", 3),
    ("6 Months", 2),
    ("2 Years", 2),
    ("65 Years", 3),
    ("21 Years", 3),
    ("28 Days", 1),
    ("40 Years", 2),
    (None, 24),
]
MAX_AGES = [
    (None, 55),
    ("65 Years", 10),
    ("75 Years", 8),
    ("80 Years", 6),
    ("17 Years", 5),
    ("99 Years", 4),
    ("50 Years", 5),
    ("12 Months", 1),
    ("100 Years", 6),
]
SECONDARY_ID_TYPES = [("OTHER", 40), ("OTHER_GRANT", 20), ("NIH", 15), ("EUDRACT_NUMBER", 15), ("REGISTRY", 10)]
INVALID_KINDS = ["bad_nct_id", "no_title", "negative_enrollment", "bad_date", "stub", "empty_intervention"]

WORDS = (
    "randomized controlled trial efficacy safety tolerability pharmacokinetics study patients adults "
    "children treatment therapy dose escalation open label double blind placebo comparison evaluation "
    "outcome quality life pain chronic acute disease disorder response biomarker cohort prospective "
    "observational phase multicenter intervention surgery recovery exercise diet vaccine immunogenicity "
    "infection inflammation glucose insulin blood pressure cardiac function renal hepatic cognitive "
    "sleep depression anxiety mobility screening prevention early detection imaging survival relapse "
    "remission progression adverse events monitoring follow up baseline week month year change"
).split()
ORGAN_WORDS = "breast lung colorectal prostate ovarian pancreatic gastric liver renal bladder skin brain".split()
DISEASE_WORDS = (
    "Cancer Carcinoma Lymphoma Leukemia Diabetes Hypertension Asthma Obesity Depression Schizophrenia "
    "Arthritis Psoriasis Stroke Heart Failure COVID-19 HIV Infections Hepatitis Sepsis Dementia Epilepsy"
).split()
FIRST_NAMES = "Anna Ben Chen David Elena Farid Grace Hiro Ines Jonas Kofi Lea Maria Nadia Omar Pia Raj Sara".split()
CITIES = [
    ("Boston", "Massachusetts"),
    ("Houston", "Texas"),
    ("New York", "New York"),
    ("Paris", None),
    ("Beijing", "Beijing"),
    ("Shanghai", None),
    ("Toronto", "Ontario"),
    ("London", None),
    ("Berlin", None),
    ("Madrid", None),
    ("Milan", None),
    ("Cairo", None),
    ("Seoul", None),
    ("Istanbul", None),
    ("Tokyo", None),
    ("São Paulo", "SP"),
    ("Amsterdam", None),
    ("Copenhagen", None),
    ("Charleston", "South Carolina"),
    ("Rochester", "Minnesota"),
    ("Los Angeles", "California"),
    ("Chicago", "Illinois"),
    ("Lyon", None),
]


def _template_vocabulary() -> dict[str, list[str]]:
    """Names that occur in the bundled real records, to mix with the synthetic ones."""
    vocab: dict[str, list[str]] = {
        "conditions": [],
        "interventions": [],
        "sponsors": [],
        "facilities": [],
        "measures": [],
    }
    for path in sorted(TEMPLATE_DIR.glob("*.json")):
        section = json.loads(path.read_text(encoding="utf-8")).get("protocolSection", {})
        vocab["conditions"] += section.get("conditionsModule", {}).get("conditions", [])
        vocab["interventions"] += [
            i["name"] for i in section.get("armsInterventionsModule", {}).get("interventions", []) if "name" in i
        ]
        lead = section.get("sponsorCollaboratorsModule", {}).get("leadSponsor", {})
        if lead.get("name"):
            vocab["sponsors"].append(lead["name"])
        vocab["facilities"] += [
            loc["facility"]
            for loc in section.get("contactsLocationsModule", {}).get("locations", [])[:20]
            if loc.get("facility")
        ]
        vocab["measures"] += [o["measure"][:120] for o in section.get("outcomesModule", {}).get("primaryOutcomes", [])]
    return {key: sorted(set(values)) for key, values in vocab.items()}


class Vocabulary:
    """Names with a long-tailed popularity: a few very common, many rare."""

    def __init__(self) -> None:
        real = _template_vocabulary()
        synthetic_conditions = [f"{o.title()} {d}" for o in ORGAN_WORDS for d in DISEASE_WORDS[:6]] + DISEASE_WORDS
        self.conditions = real["conditions"] + synthetic_conditions + [f"Rare Disease Type {i}" for i in range(3000)]
        self.interventions = real["interventions"] + [f"Compound-{i:05d}" for i in range(20000)]
        self.sponsors = (
            real["sponsors"]
            + [
                f"{city} {kind}"
                for city, _ in CITIES
                for kind in (
                    "University Hospital",
                    "Medical Center",
                    "Cancer Institute",
                    "Pharma Ltd",
                    "Research Network",
                )
            ]
            + [f"Sponsor {i:05d} Inc." for i in range(15000)]
        )
        self.facilities = real["facilities"] + [f"{city} Site {i}" for city, _ in CITIES for i in range(400)]
        self.measures = (
            real["measures"]
            + [f"Change from baseline in {w} score" for w in WORDS]
            + [f"Number of participants with {w} events" for w in WORDS]
        )

    @staticmethod
    def pick(rng: random.Random, values: list[str], skew: float = 3.0) -> str:
        return values[int(len(values) * rng.random() ** skew)]


_CUMULATIVE: dict[tuple[float, ...], list[float]] = {}


def _weighted(rng: random.Random, options: list[tuple[Any, float]]) -> Any:
    """One value drawn with the given weights (cumulative weights cached by the weights alone,
    so lists built on the fly are safe to pass)."""
    weights = tuple(weight for _, weight in options)
    cumulative = _CUMULATIVE.get(weights)
    if cumulative is None:
        cumulative = _CUMULATIVE[weights] = list(itertools.accumulate(weights))
    index = bisect.bisect_left(cumulative, rng.random() * cumulative[-1])
    return options[min(index, len(options) - 1)][0]


# A long shuffled text to cut passages from: far cheaper than drawing word by word.
_CORPUS = " ".join(random.Random(0).choices(WORDS, k=40_000))


def _text(rng: random.Random, low: int, high: int) -> str:
    """A passage of between ``low`` and ``high`` characters (text lengths are long-tailed)."""
    length = int(low + (high - low) * rng.random() ** 2)
    start = _CORPUS.find(" ", rng.randrange(len(_CORPUS) - length - 20)) + 1
    end = _CORPUS.find(" ", start + length)
    return _CORPUS[start : end if end > 0 else None].capitalize()


def _date(rng: random.Random, day: date, partial_share: float) -> str:
    """A date as the registry writes it: full, or only year and month for older estimates."""
    return day.strftime("%Y-%m") if rng.random() < partial_share else day.isoformat()


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max((end - start).days, 1)))


def _count(rng: random.Random, buckets: list[tuple[tuple[int, int], float]]) -> int:
    low, high = _weighted(rng, buckets)
    return rng.randint(low, high)


_UNIT_YEARS = {"Years": 1.0, "Months": 1 / 12, "Weeks": 1 / 52, "Days": 1 / 365}


def _years(age: str) -> float:
    number, unit = age.split()
    return int(number) * _UNIT_YEARS[unit]


def nct_id(index: int) -> str:
    # Spread over the real range (NCT00000102 .. NCT07xxxxxx) without collisions.
    return f"NCT{(index * 13 + 102) % 100_000_000:08d}"


_RESULT_TEMPLATES: list[dict[str, Any]] = []


def _result_templates() -> list[dict[str, Any]]:
    """The results sections of the bundled real records (read once)."""
    if not _RESULT_TEMPLATES:
        for path in sorted(TEMPLATE_DIR.glob("*.json")):
            section = json.loads(path.read_text(encoding="utf-8")).get("resultsSection")
            if section:
                _RESULT_TEMPLATES.append(section)
    return _RESULT_TEMPLATES


def _vary(node: Any, rng: random.Random, key: str = "") -> Any:
    """A copy of ``node`` with every number written as text under a value key drawn again
    (whole numbers stay whole, decimals keep their places); everything else as it was."""
    if isinstance(node, dict):
        return {k: _vary(v, rng, k) for k, v in node.items()}
    if isinstance(node, list):
        return [_vary(v, rng, key) for v in node]
    if key in _NUMBER_KEYS and isinstance(node, str) and node[:1].isdigit():
        whole, dot, places = node.partition(".")
        if whole.isdigit() and (not dot or places.isdigit()):
            number = float(node) * (0.5 + rng.random())
            return f"{number:.{len(places)}f}" if dot else str(round(number))
    return node


def make_results(rng: random.Random) -> dict[str, Any]:
    """A ``resultsSection``: a bundled real record's, numbers drawn again; a few are made
    several times longer by repeating its outcome measures and adverse events at other time points."""
    templates = _result_templates()
    section = _vary(templates[rng.randrange(len(templates))], rng)
    if rng.random() < LARGE_RESULTS_SHARE:
        section = _vary(max(templates, key=lambda t: len(json.dumps(t))), rng)
        copies = rng.randint(2, 3)
        outcomes = section["outcomeMeasuresModule"]["outcomeMeasures"]
        section["outcomeMeasuresModule"]["outcomeMeasures"] = outcomes + [
            {**_vary(o, rng), "title": f"{o.get('title', 'Outcome')}, week {4 * k}", "type": "OTHER_PRE_SPECIFIED"}
            for k in range(1, copies + 1)
            for o in outcomes
        ]
        events = section.get("adverseEventsModule", {})
        for kind in ("seriousEvents", "otherEvents"):
            if events.get(kind):
                events[kind] = events[kind] + [
                    {**_vary(e, rng), "term": f"{e.get('term', 'Event')} (grade {k + 1})"}
                    for k in range(1, copies + 1)
                    for e in events[kind]
                ]
    return section


def make_study(
    index: int, seed: int, vocab: Vocabulary, results: bool = True
) -> tuple[dict[str, Any], bool]:
    """Study number ``index`` and whether it is meant to pass validation. A study with
    ``hasResults`` (30% of completed ones, ~15% of all, as in the registry) carries a
    ``resultsSection`` unless ``results`` is false (then ``hasResults`` is false too)."""
    rng = random.Random(seed * 1_000_003 + index)
    study_id = nct_id(index)
    first_submit = _day(rng, date(2000, 1, 1), date(2026, 9, 1))
    first_post = first_submit + timedelta(days=rng.randint(1, 40))
    last_update = first_post + timedelta(days=int(3000 * rng.random() ** 1.5))
    if last_update > LAST_BASE_UPDATE:
        last_update = _day(rng, first_post, LAST_BASE_UPDATE)
    start = first_submit + timedelta(days=rng.randint(-200, 300))
    primary_completion = start + timedelta(days=rng.randint(60, 2500))
    completion = primary_completion + timedelta(days=rng.randint(0, 400))
    old = first_submit.year < 2015
    status = _weighted(rng, STATUSES)
    study_type = _weighted(rng, STUDY_TYPES)
    estimated = "ESTIMATED" if completion > LAST_BASE_UPDATE else "ACTUAL"
    lead_class = _weighted(rng, SPONSOR_CLASSES)
    lead = Vocabulary.pick(rng, vocab.sponsors, 2.5)
    if rng.random() < 0.02:
        lead = f"  {lead} "  # stray whitespace, as some submitters type it

    conditions = [
        Vocabulary.pick(rng, vocab.conditions) for _ in range(_count(rng, [((1, 1), 60), ((2, 3), 30), ((4, 8), 10)]))
    ]
    if rng.random() < 0.05:
        conditions.append(conditions[0].lower())  # the same condition spelled twice
    n_sites = _count(rng, [((0, 0), 12), ((1, 1), 58), ((2, 10), 21), ((11, 50), 7), ((51, 250), 2)])
    locations = []
    for _ in range(n_sites):
        city, state = CITIES[int(len(CITIES) * rng.random() ** 2)]
        site: dict[str, Any] = {"facility": Vocabulary.pick(rng, vocab.facilities, 1.5)}
        site_status = _weighted(rng, SITE_STATUSES)
        if site_status:
            site["status"] = site_status
        site["city"] = city
        if state:
            site["state"] = state
        if rng.random() < 0.7:
            site["zip"] = f"{rng.randint(1000, 99999):05d}"
        site["country"] = _weighted(rng, COUNTRIES)
        site["geoPoint"] = {"lat": round(rng.uniform(-40, 60), 5), "lon": round(rng.uniform(-120, 140), 5)}
        locations.append(site)
    interventions = []
    if study_type != "OBSERVATIONAL" or rng.random() < 0.4:
        for _ in range(_count(rng, [((1, 1), 45), ((2, 2), 35), ((3, 6), 20)])):
            kind = _weighted(rng, INTERVENTION_TYPES)
            interventions.append(
                {
                    "type": kind,
                    "name": Vocabulary.pick(rng, vocab.interventions, 2.0),
                    "description": _text(rng, 20, 200),
                    "armGroupLabels": [f"Arm {rng.randint(1, 3)}"],
                }
            )

    def outcomes(low: int, high: int) -> list[dict[str, str]]:
        return [
            {
                "measure": Vocabulary.pick(rng, vocab.measures, 1.5),
                "description": _text(rng, 0, 250),
                "timeFrame": f"{rng.randint(1, 104)} weeks",
            }
            for _ in range(rng.randint(low, high))
        ]

    status_module: dict[str, Any] = {
        "statusVerifiedDate": last_update.strftime("%Y-%m"),
        "overallStatus": status,
        "expandedAccessInfo": {"hasExpandedAccess": False},
        "startDateStruct": {"date": _date(rng, start, 0.5 if old else 0.2), "type": "ACTUAL"},
        "primaryCompletionDateStruct": {"date": _date(rng, primary_completion, 0.3), "type": estimated},
        "completionDateStruct": {"date": _date(rng, completion, 0.3), "type": estimated},
        "studyFirstSubmitDate": first_submit.isoformat(),
        "studyFirstSubmitQcDate": first_submit.isoformat(),
        "studyFirstPostDateStruct": {"date": first_post.isoformat(), "type": "ACTUAL"},
        "lastUpdateSubmitDate": last_update.isoformat(),
        "lastUpdatePostDateStruct": {"date": last_update.isoformat(), "type": "ACTUAL"},
    }
    if status in ("TERMINATED", "WITHDRAWN", "SUSPENDED"):
        status_module["whyStopped"] = _text(rng, 10, 120)
    design: dict[str, Any] = {"studyType": study_type}
    phases = _weighted(rng, PHASES) if study_type == "INTERVENTIONAL" else None
    if phases:
        design["phases"] = phases
    design["designInfo"] = {
        "allocation": "RANDOMIZED" if rng.random() < 0.6 else "NA",
        "interventionModel": "PARALLEL",
        "primaryPurpose": "TREATMENT" if rng.random() < 0.6 else "PREVENTION",
        "maskingInfo": {"masking": "NONE"},
    }
    design["enrollmentInfo"] = {"count": int(rng.lognormvariate(4.0, 1.4)), "type": estimated}
    eligibility: dict[str, Any] = {
        "eligibilityCriteria": "Inclusion Criteria:\n\n* " + _text(rng, 100, 600),
        "healthyVolunteers": rng.random() < 0.2,
        "sex": _weighted(rng, [("ALL", 85), ("FEMALE", 10), ("MALE", 5)]),
    }
    if (minimum := _weighted(rng, AGES)) is not None:
        eligibility["minimumAge"] = minimum
    if (maximum := _weighted(rng, MAX_AGES)) is not None and _years(maximum) >= _years(minimum or "0 Years"):
        eligibility["maximumAge"] = maximum
    eligibility["stdAges"] = ["ADULT", "OLDER_ADULT"]
    identification: dict[str, Any] = {
        "nctId": study_id,
        "orgStudyIdInfo": {"id": f"{lead_class[:3]}-{rng.randint(1, 99999)}"},
        "organization": {"fullName": lead.strip(), "class": lead_class},
        "briefTitle": _text(rng, 30, 180),
        "officialTitle": _text(rng, 60, 300),
    }
    if rng.random() < 0.15:
        identification["acronym"] = "".join(rng.choice("ABCDEFGHIKLMNOPRSTUVW") for _ in range(rng.randint(3, 7)))
    if rng.random() < 0.3:
        identification["secondaryIdInfos"] = [
            {
                "id": f"{rng.randint(2000, 2026)}-{rng.randint(100000, 999999)}",
                "type": _weighted(rng, SECONDARY_ID_TYPES),
            }
            for _ in range(rng.randint(1, 3))
        ]
    collaborators = [
        {"name": Vocabulary.pick(rng, vocab.sponsors, 2.0), "class": _weighted(rng, SPONSOR_CLASSES)}
        for _ in range(_count(rng, [((0, 0), 65), ((1, 1), 22), ((2, 5), 13)]))
    ]
    sponsor_module: dict[str, Any] = {
        "responsibleParty": {"type": "SPONSOR"},
        "leadSponsor": {"name": lead, "class": lead_class},
    }
    if collaborators:
        sponsor_module["collaborators"] = collaborators
    keywords = [
        WORDS[rng.randrange(len(WORDS))] for _ in range(_count(rng, [((0, 0), 40), ((1, 5), 50), ((6, 12), 10)]))
    ]
    conditions_module: dict[str, Any] = {"conditions": conditions}
    if keywords:
        conditions_module["keywords"] = keywords
    outcomes_module: dict[str, Any] = {"primaryOutcomes": outcomes(1, 3)}
    if secondary := outcomes(0, 6):
        outcomes_module["secondaryOutcomes"] = secondary
    protocol: dict[str, Any] = {
        "identificationModule": identification,
        "statusModule": status_module,
        "sponsorCollaboratorsModule": sponsor_module,
        "oversightModule": {"oversightHasDmc": rng.random() < 0.3},
        "descriptionModule": {"briefSummary": _text(rng, 80, 900)},
        "conditionsModule": conditions_module,
        "designModule": design,
        "armsInterventionsModule": {"interventions": interventions} if interventions else {},
        "outcomesModule": outcomes_module,
        "eligibilityModule": eligibility,
        "contactsLocationsModule": {"locations": locations} if locations else {},
    }
    if rng.random() < 0.3:
        protocol["descriptionModule"]["detailedDescription"] = _text(rng, 200, 1500)
    document: dict[str, Any] = {
        "protocolSection": protocol,
        "derivedSection": {
            "miscInfoModule": {"versionHolder": (last_update + timedelta(days=rng.randint(0, 30))).isoformat()},
            "conditionBrowseModule": {
                "meshes": [{"id": f"D{rng.randint(1, 99999):06d}", "term": c} for c in conditions[:2]]
            },
        },
        "hasResults": status == "COMPLETED" and rng.random() < 0.3,
    }
    if document["hasResults"] and results:
        # Its own generator, so the rest of the study is the same with or without results.
        document["resultsSection"] = make_results(random.Random((seed * 1_000_003 + index) * 31 + 17))
    else:
        document["hasResults"] = False

    if rng.random() >= INVALID_SHARE:
        return document, True
    kind = INVALID_KINDS[rng.randrange(len(INVALID_KINDS))]
    if kind == "bad_nct_id":
        identification["nctId"] = f"NCT{rng.randint(1, 99999)}"
    elif kind == "no_title":
        identification["briefTitle"] = "   "
    elif kind == "negative_enrollment":
        design["enrollmentInfo"]["count"] = -rng.randint(1, 50)
    elif kind == "bad_date":
        status_module["startDateStruct"]["date"] = start.strftime("%B %Y")
    elif kind == "stub":
        # Like the registry's unposted records: an identification module and nothing else.
        document = {"protocolSection": {"identificationModule": identification}, "hasResults": False}
    elif kind == "empty_intervention":
        protocol["armsInterventionsModule"] = {"interventions": [{"type": "DRUG", "name": ""}]}
    return document, False


def iter_studies(n: int, seed: int, results: bool = True) -> Iterator[tuple[int, dict[str, Any], bool]]:
    vocab = Vocabulary()
    for index in range(n):
        document, valid = make_study(index, seed, vocab, results)
        yield index, document, valid


def write_ctgov(
    out: Path, n: int, seed: int, shard_size: int = SHARD_SIZE, as_zip: bool = False, results: bool = True
) -> dict[str, int]:
    """NDJSON shards (and optionally a zip of per-study files); returns counts."""
    folder = out / "ctgov"
    folder.mkdir(parents=True, exist_ok=True)
    archive = zipfile.ZipFile(out / "ctgov.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=1) if as_zip else None
    shard = None
    valid_count = with_results = 0
    try:
        for index, document, valid in iter_studies(n, seed, results):
            if index % shard_size == 0:
                if shard:
                    shard.close()
                shard = (folder / f"studies-{index // shard_size:05d}.ndjson").open("w", encoding="utf-8")
            line = json.dumps(document, ensure_ascii=False)
            shard.write(line + "\n")
            if archive is not None:
                archive.writestr(f"{nct_id(index)}.json", line)
            valid_count += valid
            with_results += "resultsSection" in document
    finally:
        if shard:
            shard.close()
        if archive is not None:
            archive.close()
    return {"studies": n, "valid_studies": valid_count, "studies_with_results": with_results}


def increment_indices(n: int, seed: int, fraction: float = INCREMENT_FRACTION) -> list[int]:
    count = max(1, round(n * fraction))
    return sorted(random.Random(seed + 7).sample(range(n), min(count, n)))


def write_increment(
    out: Path, n: int, seed: int, fraction: float = INCREMENT_FRACTION, results: bool = True
) -> dict[str, int]:
    """The studies a weekly run sees: a later last-update date and another status."""
    folder = out / "ctgov_increment"
    folder.mkdir(parents=True, exist_ok=True)
    vocab = Vocabulary()
    written = 0
    with (folder / "studies-increment.ndjson").open("w", encoding="utf-8") as handle:
        for index in increment_indices(n, seed, fraction):
            document, valid = make_study(index, seed, vocab, results)
            if not valid:
                continue
            status_module = document["protocolSection"]["statusModule"]
            status_module["overallStatus"] = (
                "TERMINATED" if status_module["overallStatus"] != "TERMINATED" else "COMPLETED"
            )
            status_module["lastUpdatePostDateStruct"]["date"] = INCREMENT_UPDATE
            document["derivedSection"]["miscInfoModule"]["versionHolder"] = INCREMENT_UPDATE
            handle.write(json.dumps(document, ensure_ascii=False) + "\n")
            written += 1
    return {"increment_studies": written}


ICTRP_SPONSORS = ["University Hospital", "Ministry of Health", "Pharma Ltd"]
ICTRP_STATUSES = [("Recruiting", 40), ("Not recruiting", 50), ("Pending", 10)]


def write_ictrp(out: Path, n: int, seed: int, shard_size: int = SHARD_SIZE) -> dict[str, int]:
    """WHO ICTRP export-style XML (``<Trials><Trial><main>...``), in shards."""
    folder = out / "ictrp"
    folder.mkdir(parents=True, exist_ok=True)
    registers = [("ISRCTN", 20), ("ChiCTR", 30), ("CTRI", 15), ("EUCTR", 20), ("DRKS", 8), ("JPRN", 7)]
    handle = None
    for index in range(n):
        if index % shard_size == 0:
            if handle:
                handle.write("</Trials>\n")
                handle.close()
            handle = (folder / f"trials-{index // shard_size:05d}.xml").open("w", encoding="utf-8")
            handle.write('<?xml version="1.0" encoding="UTF-8"?>\n<Trials>\n')
        rng = random.Random(seed * 7_000_001 + index)
        register = _weighted(rng, registers)
        registered = _day(rng, date(2004, 1, 1), date(2026, 11, 1))
        date_text = registered.strftime("%d/%m/%Y") if rng.random() < 0.7 else registered.isoformat()
        countries = ";".join(_weighted(rng, COUNTRIES) for _ in range(rng.randint(1, 3)))
        handle.write(
            "<Trial><main>"
            f"<TrialID>{register}{index:08d}</TrialID>"
            f"<Last_Refreshed_on>{_day(rng, registered, date(2026, 11, 14)).strftime('%d %B %Y')}</Last_Refreshed_on>"
            f"<Public_title>{escape(_text(rng, 30, 200))}</Public_title>"
            f"<Scientific_title>{escape(_text(rng, 50, 300))}</Scientific_title>"
            f"<Primary_sponsor>{escape(rng.choice(ICTRP_SPONSORS))}</Primary_sponsor>"
            f"<Date_registration>{date_text}</Date_registration>"
            f"<Recruitment_Status>{_weighted(rng, ICTRP_STATUSES)}</Recruitment_Status>"
            f"<Target_size>{rng.randint(10, 2000)}</Target_size>"
            f"<Study_type>{_weighted(rng, [('Interventional', 75), ('Observational', 25)])}</Study_type>"
            f"<Phase>{_weighted(rng, [('Phase 1', 20), ('Phase 2', 30), ('Phase 3', 20), ('N/A', 30)])}</Phase>"
            f"<Countries>{escape(countries)}</Countries>"
            f"<Condition>{escape(_weighted(rng, [(d, 1) for d in DISEASE_WORDS]))}</Condition>"
            "</main></Trial>\n"
        )
    if handle:
        handle.write("</Trials>\n")
        handle.close()
    return {"ictrp_trials": n}


VITALS = [
    ("heart_rate", "bpm", 55, 110),
    ("systolic_bp", "mmHg", 95, 170),
    ("diastolic_bp", "mmHg", 55, 100),
    ("temperature", "C", 35.8, 39.5),
    ("spo2", "%", 88, 100),
    ("weight", "kg", 45, 130),
]
LABS = [
    ("glucose", "mg/dL", "70-99", 60, 250),
    ("hba1c", "%", "4.0-5.6", 4.2, 11),
    ("creatinine", "mg/dL", "0.6-1.2", 0.4, 3),
    ("alt", "U/L", "7-56", 5, 200),
    ("hemoglobin", "g/dL", "12-17.5", 8, 18),
    ("ldl", "mg/dL", "<100", 40, 220),
]


def write_hospital(out: Path, rows: int, seed: int) -> dict[str, int]:
    """Vitals and labs CSV as hospitals send them (mixed date formats, a few bad values)."""
    counts = {}
    for name, header, kinds in (
        ("vitals", ["hospital_id", "measurement_date", "patient_id", "vital_type", "value", "unit"], VITALS),
        (
            "labs",
            ["hospital_id", "test_date", "patient_id", "test_type", "result_value", "reference_range", "unit"],
            LABS,
        ),
    ):
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        rng = random.Random(seed * 31 + len(name))
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for _ in range(rows):
                kind = kinds[rng.randrange(len(kinds))]
                day = _day(rng, date(2020, 1, 1), date(2026, 11, 1))
                when = day.isoformat() if rng.random() < 0.9 else day.strftime("%m/%d/%Y")
                low, high = kind[-2], kind[-1]
                value: Any = round(rng.uniform(low, high), 1)
                if rng.random() < 0.002:
                    value = rng.choice(["", "n/a", "-999"])
                hospital = f"H{rng.randint(1, 40):03d}"
                patient = f"P{rng.randint(1, max(rows // 20, 10)):07d}"
                if name == "vitals":
                    writer.writerow([hospital, when, patient, kind[0], value, kind[1]])
                else:
                    writer.writerow([hospital, when, patient, kind[0], value, kind[2], kind[1]])
        counts[f"{name}_rows"] = rows
    return counts


def write_omop(out: Path, persons: int, seed: int) -> dict[str, int]:
    """OMOP CDM-like person, visit_occurrence and condition_occurrence rows with a load date."""
    folder = out / "omop"
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed * 53)
    load_dt = "2026-11-14"
    visits = conditions = 0
    with (
        (folder / "person.csv").open("w", newline="", encoding="utf-8") as p,
        (folder / "visit_occurrence.csv").open("w", newline="", encoding="utf-8") as v,
        (folder / "condition_occurrence.csv").open("w", newline="", encoding="utf-8") as c,
    ):
        person_w, visit_w, condition_w = csv.writer(p), csv.writer(v), csv.writer(c)
        person_w.writerow(
            [
                "person_id",
                "gender_concept_id",
                "year_of_birth",
                "month_of_birth",
                "race_concept_id",
                "ethnicity_concept_id",
                "person_source_value",
                "load_dt",
            ]
        )
        visit_w.writerow(
            [
                "visit_occurrence_id",
                "person_id",
                "visit_concept_id",
                "visit_start_date",
                "visit_end_date",
                "visit_type_concept_id",
                "care_site_id",
                "load_dt",
            ]
        )
        condition_w.writerow(
            [
                "condition_occurrence_id",
                "person_id",
                "condition_concept_id",
                "condition_start_date",
                "condition_type_concept_id",
                "visit_occurrence_id",
                "condition_source_value",
                "load_dt",
            ]
        )
        for person_id in range(1, persons + 1):
            person_w.writerow(
                [
                    person_id,
                    rng.choice([8507, 8532]),
                    rng.randint(1930, 2020),
                    rng.randint(1, 12),
                    rng.choice([8527, 8516, 8515, 0]),
                    rng.choice([38003563, 38003564]),
                    f"src-{person_id:08d}",
                    load_dt,
                ]
            )
            for _ in range(_count(rng, [((1, 3), 60), ((4, 10), 35), ((11, 40), 5)])):
                visits += 1
                start = _day(rng, date(2015, 1, 1), date(2026, 11, 1))
                visit_w.writerow(
                    [
                        visits,
                        person_id,
                        rng.choice([9201, 9202, 9203]),
                        start.isoformat(),
                        (start + timedelta(days=rng.randint(0, 10))).isoformat(),
                        44818517,
                        rng.randint(1, 200),
                        load_dt,
                    ]
                )
                for _ in range(rng.randint(0, 3)):
                    conditions += 1
                    condition_w.writerow(
                        [
                            conditions,
                            person_id,
                            rng.choice([201826, 320128, 4329847, 255573, 433736]),
                            start.isoformat(),
                            32020,
                            visits,
                            f"ICD10:{rng.choice('EIJKC')}{rng.randint(10, 99)}",
                            load_dt,
                        ]
                    )
    return {"omop_persons": persons, "omop_visits": visits, "omop_conditions": conditions}


def generate(
    out: Path,
    n: int,
    seed: int = 42,
    only: str | None = None,
    as_zip: bool = False,
    shard_size: int = SHARD_SIZE,
    results: bool = True,
) -> dict[str, int]:
    """Write every data set for ``n`` studies; ``only='ctgov'`` skips the other sources;
    ``results=False`` writes studies without results sections."""
    out.mkdir(parents=True, exist_ok=True)
    counts = write_ctgov(out, n, seed, shard_size, as_zip, results)
    counts.update(write_increment(out, n, seed, results=results))
    if only != "ctgov":
        counts.update(write_ictrp(out, n, seed, shard_size))
        counts.update(write_hospital(out, 4 * n, seed))
        counts.update(write_omop(out, max(n // 5, 10), seed))
    (out / "manifest.json").write_text(json.dumps({"n": n, "seed": seed, "results": results, **counts}, indent=2))
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000, help="number of studies")
    parser.add_argument("--out", type=Path, default=Path("warehouse/bench/data"))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--only", choices=["ctgov"], help="generate only ClinicalTrials.gov studies")
    parser.add_argument("--zip", action="store_true", help="also write ctgov.zip of per-study JSON files")
    parser.add_argument("--shard-size", type=int, default=SHARD_SIZE)
    parser.add_argument("--no-results", action="store_true", help="studies without results sections")
    args = parser.parse_args()
    counts = generate(args.out, args.n, args.seed, args.only, args.zip, args.shard_size, not args.no_results)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
