-- KPI 5: time between consecutive trials of the same patient (days between enrolments).
select
    count(*) as consecutive_pairs,
    round(avg(days_between_enrolments), 2) as average_days_between_enrolments,
    min(days_between_enrolments) as min_days_between_enrolments,
    max(days_between_enrolments) as max_days_between_enrolments,
    round(avg(days_since_previous_completion), 2) as average_days_since_previous_completion
from {{ ref('rpt_days_between_consecutive_trials') }}
