{{ config(
    materialized="table" if target.type == "spark" else "incremental",
    incremental_strategy="append",
    on_schema_change="append_new_columns",
    pre_hook="{{ delete_changed_trials() }}",
) }}

with

sponsors as (

    select * from {{ ref('int_trials__sponsors_resolved') }}
    {{ only_changed_trials() }}

),

final as (

    select
        ----------  ids
        trial_id,
        sponsor_id,

        ----------  strings
        sponsor_role,

        ----------  booleans
        sponsor_role = 'lead' as is_lead_sponsor,

        ----------  timestamps
        {{ build_started_at() }} as built_at

    from sponsors
    group by trial_id, sponsor_id, sponsor_role

)

select * from final
