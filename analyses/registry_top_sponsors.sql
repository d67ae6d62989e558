-- Top sponsors over every registry by the trials they lead (sponsor names matched case,
-- punctuation and legal suffix insensitively, one organisation per matching key).
-- Reads marts.rpt_top_sponsors: the top_sponsors_limit organisations by all their trials.
select
    sponsor_id,
    sponsor_name,
    sponsor_class,
    lead_trial_count,
    trial_count,
    sponsor_rank
from {{ ref('rpt_top_sponsors') }}
order by lead_trial_count desc, sponsor_rank asc
