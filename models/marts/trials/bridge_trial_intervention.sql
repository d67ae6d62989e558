with

interventions as (

    select * from {{ ref('stg_ctgov__interventions') }}
    where intervention_key is not null

),

final as (

    select
        ----------  ids
        nct_id as trial_id,
        {{ surrogate_key(['intervention_type', 'intervention_key']) }} as intervention_id,

        ----------  numerics
        min(intervention_rank) as intervention_rank

    from interventions
    group by nct_id, intervention_type, intervention_key

)

select * from final
