-- KPI 1: patients per country (de-duplicated across sites; NULL country = not recognised).
select
    country_code,
    country_name,
    count(*) as patient_count
from {{ ref('dim_patient') }}
group by country_code, country_name
order by patient_count desc, country_code asc
