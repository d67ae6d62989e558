-- KPI 7: percentage of patients (with at least one linked participation) in more than one trial.
-- Materialised as marts.rpt_patients_in_multiple_trials.
select
    patients_in_trials,
    patients_in_multiple_trials,
    pct_patients_in_multiple_trials
from {{ ref('rpt_patients_in_multiple_trials') }}
