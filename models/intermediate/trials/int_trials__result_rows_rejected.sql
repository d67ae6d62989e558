{#- Rows of the ClinicalTrials.gov results the marts leave out, each with its reason: a value for
    a group its module does not declare (or a module that declares none), a count that is not a
    whole number. A p-value that holds no number ("NA") is listed too, but its analysis stays in
    the mart with a NULL p-value (is_excluded false). The rest of the study's results load. -#}
{{ config(
    materialized="table" if target.type == "spark" else "incremental",
    incremental_strategy="append",
    on_schema_change="append_new_columns",
    pre_hook="{{ delete_changed_studies() }}",
) }}

with

result_groups as (

    select * from {{ ref('stg_ctgov__result_groups') }}
    {{ only_changed_studies() }}

),

flow_counts as (

    select * from {{ ref('stg_ctgov__flow_counts') }}
    {{ only_changed_studies() }}

),

baseline_measurements as (

    select * from {{ ref('stg_ctgov__baseline_measurements') }}
    {{ only_changed_studies() }}

),

outcome_measurements as (

    select * from {{ ref('stg_ctgov__outcome_measurements') }}
    {{ only_changed_studies() }}

),

outcome_analyses as (

    select * from {{ ref('stg_ctgov__outcome_analyses') }}
    {{ only_changed_studies() }}

),

adverse_events as (

    select * from {{ ref('stg_ctgov__adverse_events') }}
    {{ only_changed_studies() }}

),

module_groups as (

    select
        nct_id,
        result_module,
        coalesce(outcome_rank, 0) as outcome_rank,
        count(*) as group_count
    from result_groups
    group by nct_id, result_module, coalesce(outcome_rank, 0)

),

grouped_rows as (

    select
        'fct_participant_flow' as result_table,
        flow_count_id as row_id,
        nct_id,
        'participant_flow' as result_module,
        'participant flow' as module_label,
        0 as outcome_rank,
        group_code
    from flow_counts
    union all
    select
        'fct_baseline_measurement' as result_table,
        baseline_measurement_id as row_id,
        nct_id,
        'baseline' as result_module,
        'baseline' as module_label,
        0 as outcome_rank,
        group_code
    from baseline_measurements
    union all
    select
        'fct_outcome_measurement' as result_table,
        outcome_measurement_id as row_id,
        nct_id,
        'outcome' as result_module,
        'outcome' as module_label,
        outcome_rank,
        group_code
    from outcome_measurements
    union all
    select
        'fct_adverse_event' as result_table,
        adverse_event_id as row_id,
        nct_id,
        'adverse_events' as result_module,
        'adverse events' as module_label,
        0 as outcome_rank,
        group_code
    from adverse_events

),

group_rejections as (

    select
        grouped_rows.result_table,
        grouped_rows.row_id,
        grouped_rows.nct_id,
        'group_code' as field_name,
        grouped_rows.group_code as value_text,
        case
            when grouped_rows.group_code is null or grouped_rows.group_code = '' then 'the value names no group'
            when module_groups.nct_id is null
                then {{ dbt.concat(["'the '", "grouped_rows.module_label", "' module declares no groups'"]) }}
            else {{ dbt.concat([
                "'group '", "grouped_rows.group_code", "' is not declared in the '", "grouped_rows.module_label", "' module'",
            ]) }}
        end as rejection_reason
    from grouped_rows
    left join module_groups
        on
            grouped_rows.nct_id = module_groups.nct_id
            and grouped_rows.result_module = module_groups.result_module
            and grouped_rows.outcome_rank = module_groups.outcome_rank
    left join result_groups
        on
            grouped_rows.nct_id = result_groups.nct_id
            and grouped_rows.result_module = result_groups.result_module
            and grouped_rows.outcome_rank = coalesce(result_groups.outcome_rank, 0)
            and grouped_rows.group_code = result_groups.group_code
    where result_groups.result_group_id is null

),

count_rejections as (

    select
        'fct_participant_flow' as result_table,
        flow_count_id as row_id,
        nct_id,
        'num_subjects' as field_name,
        num_subjects_text as value_text,
        {{ dbt.concat(["'count \"'", "num_subjects_text", "'\" is not a whole number'"]) }} as rejection_reason
    from flow_counts
    where num_subjects_text is not null and num_subjects is null
    union all
    select
        'fct_adverse_event' as result_table,
        adverse_event_id as row_id,
        nct_id,
        'num_affected' as field_name,
        num_affected_text as value_text,
        {{ dbt.concat(["'count \"'", "num_affected_text", "'\" is not a whole number'"]) }} as rejection_reason
    from adverse_events
    where num_affected_text is not null and num_affected is null
    union all
    select
        'fct_adverse_event' as result_table,
        adverse_event_id as row_id,
        nct_id,
        'num_at_risk' as field_name,
        num_at_risk_text as value_text,
        {{ dbt.concat(["'count \"'", "num_at_risk_text", "'\" is not a whole number'"]) }} as rejection_reason
    from adverse_events
    where num_at_risk_text is not null and num_at_risk is null
    union all
    select
        'fct_outcome_analysis' as result_table,
        outcome_analysis_id as row_id,
        nct_id,
        'p_value' as field_name,
        p_value_text as value_text,
        {{ dbt.concat(["'p-value \"'", "p_value_text", "'\" holds no number'"]) }} as rejection_reason
    from outcome_analyses
    where p_value_text is not null and p_value is null

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['result_table', 'row_id', 'field_name']) }} as rejection_id,
        row_id,
        nct_id,

        ----------  strings
        result_table,
        field_name,
        value_text,
        rejection_reason,

        ----------  booleans
        field_name <> 'p_value' as is_excluded,

        ----------  timestamps
        {{ build_started_at() }} as built_at

    from (
        select * from group_rejections
        union all
        select * from count_rejections
    ) as rejections

)

select * from final
