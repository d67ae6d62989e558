with

interventions as (

    select * from {{ ref('stg_ctgov__interventions') }}
    where intervention_key is not null

),

spellings as (

    select
        intervention_type,
        intervention_key,
        intervention_name,
        row_number() over (
            partition by intervention_type, intervention_key
            order by count(*) desc, intervention_name asc
        ) as spelling_rank
    from interventions
    group by intervention_type, intervention_key, intervention_name

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['intervention_type', 'intervention_key']) }} as intervention_id,

        ----------  strings
        intervention_name,
        intervention_key,
        intervention_type

    from spellings
    where spelling_rank = 1

)

select * from final
