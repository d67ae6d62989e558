-- Trials over every registry whose title mentions var('condition').
with

trials as (

    select * from {{ ref('dim_trial') }}

),

final as (

    select
        trial_id,
        registries,
        brief_title,
        trial_status
    from trials
    where lower(coalesce(official_title, brief_title)) like '%{{ var("condition") | lower }}%'

)

select * from final
