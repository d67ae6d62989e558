{{ config(
    materialized="table" if target.type == "spark" else "incremental",
    incremental_strategy="append",
    on_schema_change="append_new_columns",
    pre_hook="{{ delete_changed_trials() }}",
) }}

with

adverse_events as (

    select * from {{ ref('stg_ctgov__adverse_events') }}
    {{ only_changed_studies() }}

),

results as (

    select * from {{ ref('stg_ctgov__results') }}
    {{ only_changed_studies() }}

),

rejected as (

    select * from {{ ref('int_trials__result_rows_rejected') }}
    where is_excluded and result_table = 'fct_adverse_event'

),

result_groups as (

    select * from {{ ref('dim_result_group') }}
    where result_module = 'adverse_events'
        {{ only_changed_trials(keyword='and') }}

),

final as (

    select
        ----------  ids
        adverse_events.adverse_event_id,
        result_groups.trial_id,
        adverse_events.nct_id,
        result_groups.result_group_id,
        adverse_events.group_code,

        ----------  strings
        adverse_events.event_kind,
        adverse_events.adverse_event_term,
        adverse_events.organ_system,
        adverse_events.source_vocabulary,
        adverse_events.assessment_type,
        adverse_events.event_notes,
        results.ae_time_frame,

        ----------  numerics
        cast(adverse_events.event_rank as {{ dbt.type_int() }}) as event_rank,
        cast(adverse_events.num_events as {{ dbt.type_int() }}) as num_events,
        cast(adverse_events.num_affected as {{ dbt.type_int() }}) as num_affected,
        cast(adverse_events.num_at_risk as {{ dbt.type_int() }}) as num_at_risk,

        ----------  booleans
        adverse_events.event_kind = 'serious' as is_serious,

        ----------  timestamps
        {{ build_started_at() }} as built_at

    from adverse_events
    inner join result_groups
        on
            adverse_events.nct_id = result_groups.nct_id
            and adverse_events.group_code = result_groups.group_code
    left join results
        on adverse_events.nct_id = results.nct_id
    where adverse_events.adverse_event_id not in (select rejected.row_id from rejected)

)

select * from final
