-- Trials over every registry whose title mentions var('condition') (quoted as a literal), whatever
-- their listed conditions; marts.rpt_trials_by_condition matches the listed conditions instead.
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
    where
        lower(coalesce(official_title, brief_title))
        like {{ sql_string_literal('%' ~ (var('condition') | lower) ~ '%') }}

)

select * from final
