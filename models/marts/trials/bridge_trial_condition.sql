with

conditions as (

    select * from {{ ref('stg_ctgov__conditions') }}
    where condition_key is not null

),

final as (

    select
        ----------  ids
        nct_id as trial_id,
        {{ surrogate_key(['condition_key']) }} as condition_id,

        ----------  numerics
        min(condition_rank) as condition_rank

    from conditions
    group by nct_id, condition_key

)

select * from final
