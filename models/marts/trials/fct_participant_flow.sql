{{ config(
    materialized="table" if target.type == "spark" else "incremental",
    incremental_strategy="append",
    on_schema_change="append_new_columns",
    pre_hook="{{ delete_changed_trials() }}",
) }}

with

flow_counts as (

    select * from {{ ref('stg_ctgov__flow_counts') }}
    {{ only_changed_studies() }}

),

rejected as (

    select * from {{ ref('int_trials__result_rows_rejected') }}
    where is_excluded and result_table = 'fct_participant_flow'

),

result_groups as (

    select * from {{ ref('dim_result_group') }}
    where result_module = 'participant_flow'
        {{ only_changed_trials(keyword='and') }}

),

final as (

    select
        ----------  ids
        flow_counts.flow_count_id,
        result_groups.trial_id,
        flow_counts.nct_id,
        result_groups.result_group_id,
        flow_counts.group_code,

        ----------  strings
        flow_counts.period_title,
        flow_counts.count_kind,
        flow_counts.count_type,
        flow_counts.num_subjects_text,
        flow_counts.count_comment,

        ----------  numerics
        cast(flow_counts.period_rank as {{ dbt.type_int() }}) as period_rank,
        cast(flow_counts.type_rank as {{ dbt.type_int() }}) as type_rank,
        cast(flow_counts.num_subjects as {{ dbt.type_int() }}) as num_subjects,

        ----------  timestamps
        {{ build_started_at() }} as built_at

    from flow_counts
    inner join result_groups
        on
            flow_counts.nct_id = result_groups.nct_id
            and flow_counts.group_code = result_groups.group_code
    where flow_counts.flow_count_id not in (select rejected.row_id from rejected)

)

select * from final
