with

conditions as (

    select * from {{ ref('int_trials__conditions_resolved') }}

),

final as (

    select
        ----------  ids
        trial_id,
        condition_id,

        ----------  numerics
        min(condition_rank) as condition_rank

    from conditions
    group by trial_id, condition_id

)

select * from final
