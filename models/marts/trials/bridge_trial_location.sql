{{ config(
    materialized="table" if target.type == "spark" else "incremental",
    incremental_strategy="append",
    on_schema_change="append_new_columns",
    pre_hook="{{ delete_changed_trials() }}",
) }}

with

locations as (

    select * from {{ ref('int_trials__locations_country_coded') }}
    {{ only_changed_trials() }}

),

final as (

    select
        ----------  ids
        trial_id,
        location_id,

        ----------  strings
        min(site_status) as site_status,

        ----------  timestamps
        {{ build_started_at() }} as built_at

    from locations
    group by trial_id, location_id

)

select * from final
