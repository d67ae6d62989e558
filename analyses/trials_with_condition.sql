-- Trials studying a condition: dbt compile -s trials_with_condition --vars '{condition: leukemia}'
-- then run target/compiled/.../trials_with_condition.sql. The var is quoted as a literal.
-- Materialised for the default var as marts.rpt_trials_by_condition.
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

final as (

    select
        trials.trial_id,
        trials.brief_title,
        trials.trial_status_label,
        trials.phase_label,
        trials.start_date,
        conditions.condition_name
    from bridge
    inner join conditions
        on bridge.condition_id = conditions.condition_id
    inner join trials
        on bridge.trial_id = trials.trial_id
    where conditions.condition_key like {{ like_pattern(var('condition')) }}

)

select * from final
order by start_date desc nulls last, trial_id asc
