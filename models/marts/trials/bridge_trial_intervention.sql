{{ config(
    materialized="table" if target.type == "spark" else "incremental",
    incremental_strategy="append",
    on_schema_change="append_new_columns",
    pre_hook="{{ delete_changed_trials() }}",
) }}

with

interventions as (

    select * from {{ ref('stg_ctgov__interventions') }}
    where intervention_key is not null
        {{ only_changed_studies(keyword='and') }}

),

resolved as (

    {#- The trial each NCT ID belongs to (an NCT ID that lost a merge to a better one names no
        trial of its own). -#}
    select * from {{ ref('int_trials__identity_resolved') }}
    {{ only_changed_trials() }}

),

final as (

    select
        ----------  ids
        resolved.trial_id,
        {{ surrogate_key(['interventions.intervention_type', 'interventions.intervention_key']) }} as intervention_id,

        ----------  numerics
        min(interventions.intervention_rank) as intervention_rank,

        ----------  timestamps
        {{ build_started_at() }} as built_at

    from interventions
    inner join resolved
        on interventions.nct_id = resolved.registry_id
    group by resolved.trial_id, interventions.intervention_type, interventions.intervention_key

)

select * from final
