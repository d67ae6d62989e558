-- Trials (not registry records) by recruitment status and start year, over every registry.
-- Materialised as marts.rpt_trials_by_status_start_year (dim_trial holds one row per trial).
select
    trial_status,
    start_year,
    trial_count
from {{ ref('rpt_trials_by_status_start_year') }}
order by start_year desc nulls last, trial_status asc
