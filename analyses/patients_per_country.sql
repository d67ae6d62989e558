-- KPI 1: patients per country (de-duplicated across sites; ZZ = country not recognised).
-- Materialised as marts.rpt_patients_per_country.
select
    country_code,
    country_name,
    patient_count,
    patient_share_pct
from {{ ref('rpt_patients_per_country') }}
order by patient_count desc, country_code asc
