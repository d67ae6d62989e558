"""The results section of a ClinicalTrials.gov study (participant flow, baseline, outcomes with
their analyses, adverse events, point of contact) as flat raw tables.

Both extraction paths call :func:`results_rows` on the study's JSON document: the per-record path
after the study passed validation, the bulk fast path on the ``resultsSection`` of each study its
SQL accepted. The results are kept as the registry wrote them, every value as text (counts,
``<0.001``, ``NA``): the staging models parse them, check them against the groups each module
declares and report what they reject. What cannot become rows at all (a module that is not an
object, a list that is not a list) is returned as a problem, with its JSON path, for the
quarantine table; the rest of the study loads.

Each table is a child table of ``studies`` like the protocol's lists (``_dlt_parent_id``,
``_dlt_list_idx``), so a new version of a study replaces its results (see ``sweep_orphans``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

RESULTS_PATH = "resultsSection"

# Table (without the ``studies__`` prefix) -> its columns, all text; the order is the raw table's.
RESULT_TABLES: dict[str, tuple[str, ...]] = {
    "results": (
        "results_first_submit_date", "results_first_post_date",
        "has_participant_flow", "has_baseline", "has_outcome_measures", "has_adverse_events",
        "flow_recruitment_details", "flow_pre_assignment_details", "flow_type_units_analyzed",
        "baseline_population_description", "baseline_type_units_analyzed",
        "ae_frequency_threshold", "ae_time_frame", "ae_description", "ae_all_cause_mortality_comment",
        "poc_title", "poc_organization", "poc_email", "poc_phone", "poc_phone_ext",
        "limitations_and_caveats", "pi_sponsor_employee", "restrictive_agreement", "restriction_type",
        "agreement_other_details",
    ),
    "arm_groups": ("arm_group_label", "arm_group_type", "arm_group_description", "intervention_names"),
    "result_groups": (
        "result_module", "outcome_index", "group_code", "group_title", "group_description",
        "serious_num_affected", "serious_num_at_risk", "other_num_affected", "other_num_at_risk",
        "deaths_num_affected", "deaths_num_at_risk",
    ),
    "flow_counts": (
        "period_index", "period_title", "count_kind", "type_index", "count_type", "group_code",
        "num_subjects", "count_comment",
    ),
    "result_denoms": ("result_module", "outcome_index", "measure_index", "class_index", "units", "group_code", "value"),
    "baseline_measurements": (
        "measure_index", "measure_title", "measure_description", "population_description", "param_type",
        "dispersion_type", "unit_of_measure", "class_index", "class_title", "category_index", "category_title",
        "group_code", "value", "spread", "lower_limit", "upper_limit", "measurement_comment",
    ),
    "outcome_measures": (
        "outcome_index", "outcome_type", "title", "description", "population_description", "reporting_status",
        "anticipated_posting_date", "param_type", "dispersion_type", "unit_of_measure", "time_frame",
        "type_units_analyzed",
    ),
    "outcome_measurements": (
        "outcome_index", "class_index", "class_title", "category_index", "category_title", "group_code",
        "value", "spread", "lower_limit", "upper_limit", "measurement_comment",
    ),
    "outcome_analyses": (
        "outcome_index", "analysis_index", "group_codes", "group_description", "non_inferiority_type",
        "non_inferiority_comment", "tested_non_inferiority", "p_value", "p_value_comment", "statistical_method",
        "statistical_comment", "param_type", "param_value", "dispersion_type", "dispersion_value", "ci_pct_value",
        "ci_num_sides", "ci_lower_limit", "ci_upper_limit", "ci_upper_limit_comment", "estimate_comment",
        "other_analysis_description",
    ),
    "adverse_events": (
        "event_kind", "event_index", "term", "organ_system", "source_vocabulary", "assessment_type", "event_notes",
        "group_code", "num_events", "num_affected", "num_at_risk",
    ),
}


def _text(value: Any) -> str | None:
    """A JSON value as text: strings stripped, numbers and booleans as JSON writes them."""
    kind = type(value)
    if kind is str:
        return value.strip()
    if value is None:
        return None
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is float:
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# Characters str.strip() removes: what utf8_trim removes from a column of texts.
_WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


def text_column(values: Sequence[Any]) -> pa.Array:
    """:func:`_text` of every value, as an Arrow string array: a column of texts, integers or
    booleans (and nulls) is converted by Arrow at once, any other column value by value."""
    try:
        array = pa.array(values)
    except (pa.ArrowException, OverflowError, TypeError, ValueError):  # mixed, or not text
        array = None
    if array is not None:
        kind = array.type
        if pa.types.is_string(kind):
            return pc.utf8_trim(array, characters=_WHITESPACE)
        if pa.types.is_null(kind):
            return pa.nulls(len(array), pa.string())
        # str() of an integer, "true"/"false" of a boolean: what _text gives.
        if kind == pa.int64() or pa.types.is_boolean(kind):
            return pc.cast(array, pa.string())
    return pa.array([_text(value) for value in values], pa.string())


class _Walker:
    """Collects rows per table (tuples of JSON values in the table's column order, made text by
    :func:`_text` or :func:`text_column`) and the places whose shape is not what the API
    documents."""

    def __init__(self) -> None:
        self.tables: dict[str, list[tuple[Any, ...]]] = {name: [] for name in RESULT_TABLES}
        self.problems: list[tuple[str, str]] = []

    def obj(self, value: Any, path: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problems.append((path, f"expected a JSON object, got {type(value).__name__}"))
            return {}
        return value

    def objects(self, value: Any, path: str) -> Iterator[tuple[int, dict[str, Any]]]:
        """The objects of a list with their positions; anything else is a problem."""
        if value is None:
            return
        if not isinstance(value, list):
            self.problems.append((path, f"expected a JSON list, got {type(value).__name__}"))
            return
        for index, element in enumerate(value):
            if isinstance(element, dict):
                yield index, element
            else:
                self.problems.append((f"{path}[{index}]", f"expected a JSON object, got {type(element).__name__}"))

    def add(self, table: str, **values: Any) -> None:
        get = values.get
        self.tables[table].append(tuple([get(column) for column in RESULT_TABLES[table]]))

    def head(self, table: str, tail: tuple[str, ...], **values: Any) -> tuple[Any, ...]:
        """The values of a table's columns before ``tail`` (its last columns), for the rows that
        share them: each row is then ``head + `` its own ``tail`` values."""
        columns = RESULT_TABLES[table]
        if columns[len(columns) - len(tail) :] != tail:
            raise ValueError(f"{tail} are not the last columns of {table}")
        get = values.get
        return tuple([get(column) for column in columns[: len(columns) - len(tail)]])


def _groups(w: _Walker, module: str, groups: Any, path: str, outcome_index: int | None = None) -> None:
    for _, group in w.objects(groups, path):
        w.add(
            "result_groups",
            result_module=module,
            outcome_index=outcome_index,
            group_code=group.get("id"),
            group_title=group.get("title"),
            group_description=group.get("description"),
            **{
                column: group.get(key)
                for column, key in (
                    ("serious_num_affected", "seriousNumAffected"), ("serious_num_at_risk", "seriousNumAtRisk"),
                    ("other_num_affected", "otherNumAffected"), ("other_num_at_risk", "otherNumAtRisk"),
                    ("deaths_num_affected", "deathsNumAffected"), ("deaths_num_at_risk", "deathsNumAtRisk"),
                )
            },
        )


# The columns of each row of a list whose rows share the other columns (see _Walker.head).
DENOM_TAIL = ("group_code", "value")
MEASUREMENT_TAIL = ("group_code", "value", "spread", "lower_limit", "upper_limit", "measurement_comment")
FLOW_TAIL = ("group_code", "num_subjects", "count_comment")
EVENT_TAIL = ("group_code", "num_events", "num_affected", "num_at_risk")


def _denoms(w: _Walker, module: str, denoms: Any, path: str, **where: Any) -> None:
    rows = w.tables["result_denoms"]
    for d, denom in w.objects(denoms, path):
        head = w.head("result_denoms", DENOM_TAIL, result_module=module, units=denom.get("units"), **where)
        for _, count in w.objects(denom.get("counts"), f"{path}[{d}].counts"):
            rows.append((*head, count.get("groupId"), count.get("value")))


def _measurements(w: _Walker, table: str, classes: Any, path: str, denom_module: str, **measure: Any) -> None:
    rows = w.tables[table]
    for c, klass in w.objects(classes, path):
        _denoms(w, denom_module, klass.get("denoms"), f"{path}[{c}].denoms", class_index=c,
                **{k: v for k, v in measure.items() if k in ("outcome_index", "measure_index")})
        for g, category in w.objects(klass.get("categories"), f"{path}[{c}].categories"):
            head = w.head(
                table, MEASUREMENT_TAIL, class_index=c, class_title=klass.get("title"), category_index=g,
                category_title=category.get("title"), **measure,
            )
            for _, m in w.objects(category.get("measurements"), f"{path}[{c}].categories[{g}].measurements"):
                rows.append((
                    *head, m.get("groupId"), m.get("value"), m.get("spread"),
                    m.get("lowerLimit"), m.get("upperLimit"), m.get("comment"),
                ))


FLOW_LISTS = (("milestone", "milestones", "achievements"), ("drop_withdraw", "dropWithdraws", "reasons"))


def _flow(w: _Walker, flow: dict[str, Any], path: str) -> None:
    _groups(w, "participant_flow", flow.get("groups"), f"{path}.groups")
    rows = w.tables["flow_counts"]
    for p, period in w.objects(flow.get("periods"), f"{path}.periods"):
        for kind, key, inner in FLOW_LISTS:
            for t, item in w.objects(period.get(key), f"{path}.periods[{p}].{key}"):
                head = w.head(
                    "flow_counts", FLOW_TAIL, period_index=p, period_title=period.get("title"), count_kind=kind,
                    type_index=t, count_type=item.get("type"),
                )
                for _, count in w.objects(item.get(inner), f"{path}.periods[{p}].{key}[{t}].{inner}"):
                    rows.append(
                        (*head, count.get("groupId"), count.get("numSubjects"),
                         count.get("comment"))
                    )


def _baseline(w: _Walker, baseline: dict[str, Any], path: str) -> None:
    _groups(w, "baseline", baseline.get("groups"), f"{path}.groups")
    _denoms(w, "baseline", baseline.get("denoms"), f"{path}.denoms")
    for i, measure in w.objects(baseline.get("measures"), f"{path}.measures"):
        _measurements(
            w, "baseline_measurements", measure.get("classes"), f"{path}.measures[{i}].classes", "baseline",
            measure_index=i, measure_title=measure.get("title"), measure_description=measure.get("description"),
            population_description=measure.get("populationDescription"), param_type=measure.get("paramType"),
            dispersion_type=measure.get("dispersionType"), unit_of_measure=measure.get("unitOfMeasure"),
        )


ANALYSIS_KEYS = {
    "group_description": "groupDescription", "non_inferiority_type": "nonInferiorityType",
    "non_inferiority_comment": "nonInferiorityComment", "tested_non_inferiority": "testedNonInferiority",
    "p_value": "pValue", "p_value_comment": "pValueComment", "statistical_method": "statisticalMethod",
    "statistical_comment": "statisticalComment", "param_type": "paramType", "param_value": "paramValue",
    "dispersion_type": "dispersionType", "dispersion_value": "dispersionValue", "ci_pct_value": "ciPctValue",
    "ci_num_sides": "ciNumSides", "ci_lower_limit": "ciLowerLimit", "ci_upper_limit": "ciUpperLimit",
    "ci_upper_limit_comment": "ciUpperLimitComment", "estimate_comment": "estimateComment",
    "other_analysis_description": "otherAnalysisDescription",
}


def _outcomes(w: _Walker, outcomes: dict[str, Any], path: str) -> None:
    for o, outcome in w.objects(outcomes.get("outcomeMeasures"), f"{path}.outcomeMeasures"):
        here = f"{path}.outcomeMeasures[{o}]"
        w.add(
            "outcome_measures", outcome_index=o, outcome_type=outcome.get("type"), title=outcome.get("title"),
            description=outcome.get("description"), population_description=outcome.get("populationDescription"),
            reporting_status=outcome.get("reportingStatus"),
            anticipated_posting_date=outcome.get("anticipatedPostingDate"), param_type=outcome.get("paramType"),
            dispersion_type=outcome.get("dispersionType"), unit_of_measure=outcome.get("unitOfMeasure"),
            time_frame=outcome.get("timeFrame"), type_units_analyzed=outcome.get("typeUnitsAnalyzed"),
        )
        _groups(w, "outcome", outcome.get("groups"), f"{here}.groups", outcome_index=o)
        _denoms(w, "outcome", outcome.get("denoms"), f"{here}.denoms", outcome_index=o)
        _measurements(w, "outcome_measurements", outcome.get("classes"), f"{here}.classes", "outcome", outcome_index=o)
        for a, analysis in w.objects(outcome.get("analyses"), f"{here}.analyses"):
            group_ids = analysis.get("groupIds")
            if group_ids is not None and not isinstance(group_ids, list):
                w.problems.append((f"{here}.analyses[{a}].groupIds", "expected a JSON list of group ids"))
                group_ids = None
            w.add(
                "outcome_analyses", outcome_index=o, analysis_index=a,
                group_codes="|".join(str(g).strip() for g in group_ids) if group_ids else None,
                **{column: analysis.get(key) for column, key in ANALYSIS_KEYS.items()},
            )


def _adverse_events(w: _Walker, events: dict[str, Any], path: str) -> None:
    _groups(w, "adverse_events", events.get("eventGroups"), f"{path}.eventGroups")
    rows = w.tables["adverse_events"]
    for kind, key in (("serious", "seriousEvents"), ("other", "otherEvents")):
        for e, event in w.objects(events.get(key), f"{path}.{key}"):
            head = w.head(
                "adverse_events", EVENT_TAIL, event_kind=kind, event_index=e, term=event.get("term"),
                organ_system=event.get("organSystem"), source_vocabulary=event.get("sourceVocabulary"),
                assessment_type=event.get("assessmentType"), event_notes=event.get("notes"),
            )
            for _, stat in w.objects(event.get("stats"), f"{path}.{key}[{e}].stats"):
                rows.append((
                    *head, stat.get("groupId"), stat.get("numEvents"),
                    stat.get("numAffected"), stat.get("numAtRisk"),
                ))


Rows = dict[str, list[tuple[Any, ...]]]


def results_rows(document: Any) -> tuple[dict[str, list[dict[str, Any]]], list[tuple[str, str]]]:
    """Rows of every results table (without the linking columns) for one study document, and
    the (JSON path, reason) of each part whose shape could not be read."""
    tables, problems = results_tuples(document)
    return {name: [{c: _text(v) for c, v in zip(RESULT_TABLES[name], row, strict=True)} for row in rows]
            for name, rows in tables.items()}, problems


def results_tuples(document: Any) -> tuple[Rows, list[tuple[str, str]]]:
    """:func:`results_rows` with each row a tuple of the JSON values in its table's column order,
    not yet text (the bulk fast path makes each column text at once, :func:`text_column`)."""
    w = _Walker()
    if not isinstance(document, dict):
        return w.tables, w.problems
    protocol = w.obj(document.get("protocolSection"), "protocolSection")
    arms = w.obj(protocol.get("armsInterventionsModule"), "protocolSection.armsInterventionsModule")
    for _, arm in w.objects(arms.get("armGroups"), "protocolSection.armsInterventionsModule.armGroups"):
        names = arm.get("interventionNames")
        w.add(
            "arm_groups", arm_group_label=arm.get("label"), arm_group_type=arm.get("type"),
            arm_group_description=arm.get("description"),
            intervention_names="|".join(str(n).strip() for n in names) if isinstance(names, list) and names else None,
        )
    results = w.obj(document.get(RESULTS_PATH), RESULTS_PATH)
    if not results:
        return w.tables, w.problems
    status = w.obj(protocol.get("statusModule"), "protocolSection.statusModule")
    posted = status.get("resultsFirstPostDateStruct")
    modules = {
        key: w.obj(results.get(key), f"{RESULTS_PATH}.{key}")
        for key in ("participantFlowModule", "baselineCharacteristicsModule", "outcomeMeasuresModule",
                    "adverseEventsModule", "moreInfoModule")
    }
    flow, baseline = modules["participantFlowModule"], modules["baselineCharacteristicsModule"]
    outcomes, events, more = modules["outcomeMeasuresModule"], modules["adverseEventsModule"], modules["moreInfoModule"]
    contact = w.obj(more.get("pointOfContact"), f"{RESULTS_PATH}.moreInfoModule.pointOfContact")
    agreement = w.obj(more.get("certainAgreement"), f"{RESULTS_PATH}.moreInfoModule.certainAgreement")
    limitations = w.obj(more.get("limitationsAndCaveats"), f"{RESULTS_PATH}.moreInfoModule.limitationsAndCaveats")
    w.add(
        "results",
        results_first_submit_date=status.get("resultsFirstSubmitDate"),
        results_first_post_date=posted.get("date") if isinstance(posted, dict) else None,
        has_participant_flow=bool(flow), has_baseline=bool(baseline), has_outcome_measures=bool(outcomes),
        has_adverse_events=bool(events),
        flow_recruitment_details=flow.get("recruitmentDetails"),
        flow_pre_assignment_details=flow.get("preAssignmentDetails"),
        flow_type_units_analyzed=flow.get("typeUnitsAnalyzed"),
        baseline_population_description=baseline.get("populationDescription"),
        baseline_type_units_analyzed=baseline.get("typeUnitsAnalyzed"),
        ae_frequency_threshold=events.get("frequencyThreshold"), ae_time_frame=events.get("timeFrame"),
        ae_description=events.get("description"),
        ae_all_cause_mortality_comment=events.get("allCauseMortalityComment"),
        poc_title=contact.get("title"), poc_organization=contact.get("organization"),
        poc_email=contact.get("email"), poc_phone=contact.get("phone"), poc_phone_ext=contact.get("phoneExt"),
        limitations_and_caveats=limitations.get("description"),
        pi_sponsor_employee=agreement.get("piSponsorEmployee"),
        restrictive_agreement=agreement.get("restrictiveAgreement"),
        restriction_type=agreement.get("restrictionType"), agreement_other_details=agreement.get("otherDetails"),
    )
    path = RESULTS_PATH
    _flow(w, flow, f"{path}.participantFlowModule")
    _baseline(w, baseline, f"{path}.baselineCharacteristicsModule")
    _outcomes(w, outcomes, f"{path}.outcomeMeasuresModule")
    _adverse_events(w, events, f"{path}.adverseEventsModule")
    return w.tables, w.problems


def linked_results_rows(
    document: Any, parent_id: str, last_update_post_date: str, nct_id: str
) -> tuple[list[tuple[str, list[dict[str, Any]]]], list[tuple[str, str]]]:
    """(``studies__<table>``, rows) of one study's results with the child-table linking columns
    (the same as :func:`.helpers.study_rows` gives the protocol's lists), and the problems."""
    from .helpers import child_id

    tables, problems = results_rows(document)
    linked = []
    for name, rows in tables.items():
        if rows:
            linked.append((
                f"studies__{name}",
                [
                    {
                        "nct_id": nct_id,
                        **row,
                        "last_update_post_date": last_update_post_date,
                        "_dlt_parent_id": parent_id,
                        "_dlt_root_id": parent_id,
                        "_dlt_list_idx": index,
                        "_dlt_id": child_id(parent_id, name, index),
                    }
                    for index, row in enumerate(rows)
                ],
            ))
    return linked, problems


def result_column_hints() -> dict[str, dict[str, dict[str, Any]]]:
    """Column hints of the results tables: every value text, plus the linking columns."""
    keys = {
        "last_update_post_date": {"data_type": "text", "nullable": True},
        "_dlt_parent_id": {"data_type": "text", "nullable": False},
        "_dlt_root_id": {"data_type": "text", "nullable": False},
        "_dlt_list_idx": {"data_type": "bigint", "nullable": False},
        "_dlt_id": {"data_type": "text", "nullable": False},
    }
    return {
        f"studies__{name}": {
            "nct_id": {"data_type": "text", "nullable": True},
            **{column: {"data_type": "text", "nullable": True} for column in columns},
            **keys,
        }
        for name, columns in RESULT_TABLES.items()
    }
