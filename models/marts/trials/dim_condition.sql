with

conditions as (

    select * from {{ ref('int_trials__conditions_resolved') }}

),

spellings as (

    select
        condition_key,
        condition_name,
        row_number() over (
            partition by condition_key order by count(*) desc, condition_name asc
        ) as spelling_rank
    from conditions
    group by condition_key, condition_name

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['condition_key']) }} as condition_id,

        ----------  strings
        condition_name,
        condition_key

    from spellings
    where spelling_rank = 1

)

select * from final
