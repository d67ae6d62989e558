{{ config(
    materialized="table" if target.type == "spark" else "incremental",
    incremental_strategy="append",
    on_schema_change="append_new_columns",
    pre_hook="{{ delete_changed_trials() }}",
) }}

{#- Every registry ID, linked or loaded, with the trial it belongs to and, where a registry
    record was loaded, that record's own values (the values that lost precedence stay here). -#}
with

resolved as (

    select * from {{ ref('int_trials__identity_resolved') }}
    {{ only_changed_trials() }}

),

records as (

    select * from {{ ref('int_trials__registry_records') }}

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['resolved.registry_id', 'records.registry', 'records.registry_record_id']) }}
            as trial_registry_id_id,
        resolved.trial_id,
        resolved.registry_id,
        records.registry_record_id,

        ----------  strings
        resolved.id_registry,
        records.registry as record_registry,
        records.title as record_title,
        records.sponsor_name as record_sponsor_name,
        records.source_status as record_source_status,
        records.trial_status as record_trial_status,
        records.phase as record_phase,

        ----------  numerics
        resolved.id_precedence,

        ----------  booleans
        records.registry_record_id is not null as has_registry_record,
        resolved.registry_id = resolved.trial_id as is_trial_id,

        ----------  dates
        records.start_date as record_start_date,

        ----------  timestamps
        {{ build_started_at() }} as built_at

    from resolved
    left join records
        on resolved.registry_id = records.registry_id

)

select * from final
