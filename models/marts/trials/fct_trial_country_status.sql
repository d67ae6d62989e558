{#-
    Per-country status of EU Clinical Trials Register trials: EUCTR publishes one protocol per
    member state, each with its own status and competent-authority decision, while dim_trial
    keeps one trial-level status (the most alive of the countries, int_trials__euctr_collapsed).
    One row per protocol, keyed on the resolved trial_id, with the status as EUCTR wrote it and
    in the warehouse vocabulary (seed trial_status_mapping, registry euctr).
-#}
with

protocols as (

    select * from {{ ref('stg_euctr__protocols') }}

),

resolved as (

    select * from {{ ref('int_trials__identity_resolved') }}

),

status_mapping as (

    select * from {{ ref('trial_status_mapping') }}
    where registry = 'euctr'

),

aliases as (

    select * from {{ ref('country_aliases') }}

),

final as (

    select
        ----------  ids
        protocols.protocol_id as trial_country_status_id,
        resolved.trial_id,
        protocols.registry_id as eudract_number,
        aliases.country_code,

        ----------  strings
        protocols.member_state_code,
        protocols.member_state,
        protocols.source_status,
        case
            when protocols.source_status is null then null
            else coalesce(status_mapping.trial_status, 'unknown')
        end as trial_status,

        ----------  booleans
        coalesce(status_mapping.is_active, false) as is_active,

        ----------  dates
        protocols.registered_date,
        protocols.authorised_date

    from protocols
    inner join resolved
        on protocols.registry_id = resolved.registry_id
    left join status_mapping
        on {{ status_key("protocols.source_status") }} = status_mapping.source_status
    left join aliases
        on lower(trim(protocols.member_state_code)) = aliases.country_alias

)

select * from final
