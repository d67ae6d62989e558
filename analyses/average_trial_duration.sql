-- KPI 4: average trial duration: per study (start to end) and per participation (enrolment to completion).
select
    studies_measured,
    average_study_duration_days,
    participations_measured,
    average_participation_duration_days
from {{ ref('rpt_average_trial_duration') }}
