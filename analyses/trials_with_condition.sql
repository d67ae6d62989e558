-- Trials studying a condition, newest first, with their status and phase labels.
-- Reads marts.rpt_trials_by_condition, built for the `condition` var. For another condition,
-- build the report and compile this with the same var:
--   dbt build -s rpt_trials_by_condition --vars '{condition: leukemia}'
--   dbt compile -s trials_with_condition --vars '{condition: leukemia}'
-- A report built for another condition gives no rows here, never the wrong trials.
with

report as (

    select * from {{ ref('rpt_trials_by_condition') }}
    where searched_condition = {{ sql_string_literal(var('condition')) }}

),

trials as (

    select * from {{ ref('dim_trial') }}

),

final as (

    select
        report.trial_id,
        report.brief_title,
        trials.trial_status_label,
        trials.phase_label,
        report.start_date,
        report.matched_condition_name,
        report.matched_condition_count
    from report
    inner join trials
        on report.trial_id = trials.trial_id

)

select * from final
order by start_date desc nulls last, trial_id asc
