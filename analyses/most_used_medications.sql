-- KPI 3: most frequently used medications (distinct patients per active ingredient).
select
    usage_rank,
    ingredient,
    atc_code,
    patient_count,
    exposure_count
from {{ ref('rpt_medication_usage') }}
order by usage_rank
