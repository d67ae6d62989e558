{#-
    Trials studying a condition that contains the `condition` var ("cancer" by default), matched on
    the normalised condition name. The var is quoted as a SQL literal, never spliced as code.
-#}
with

conditions as (

    select * from {{ ref('dim_condition') }}

),

bridge as (

    select * from {{ ref('bridge_trial_condition') }}

),

trials as (

    select * from {{ ref('dim_trial') }}

),

matched as (

    select
        bridge.trial_id,
        min(conditions.condition_name) as matched_condition_name,
        count(*) as matched_condition_count
    from bridge
    inner join conditions
        on bridge.condition_id = conditions.condition_id
    where conditions.condition_key like {{ like_pattern(var('condition')) }}
    group by bridge.trial_id

),

final as (

    select
        ----------  ids
        trials.trial_id,

        ----------  strings
        {{ sql_string_literal(var('condition')) }} as searched_condition,
        matched.matched_condition_name,
        trials.brief_title,
        trials.trial_status,
        trials.phase,

        ----------  numerics
        matched.matched_condition_count,
        trials.enrollment_count,

        ----------  dates
        trials.start_date

    from matched
    inner join trials
        on matched.trial_id = trials.trial_id

)

select * from final
