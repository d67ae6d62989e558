-- KPI 2: average age (whole years at registration) of distinct patients per diagnosis.
-- Materialised as marts.rpt_average_age_per_diagnosis (diagnosis_id is the ICD-10 category).
select
    diagnosis_id as diagnosis_code,
    diagnosis_name,
    patient_count,
    patients_with_age,
    average_age_years
from {{ ref('rpt_average_age_per_diagnosis') }}
order by diagnosis_code
