{{ config(
    materialized="table" if target.type == "spark" else "incremental",
    incremental_strategy="append",
    on_schema_change="append_new_columns",
    pre_hook="{{ delete_changed_trials() }}",
) }}

with

conditions as (

    select * from {{ ref('int_trials__conditions_resolved') }}
    {{ only_changed_trials() }}

),

final as (

    select
        ----------  ids
        trial_id,
        condition_id,

        ----------  numerics
        min(condition_rank) as condition_rank,

        ----------  timestamps
        {{ build_started_at() }} as built_at

    from conditions
    group by trial_id, condition_id

)

select * from final
