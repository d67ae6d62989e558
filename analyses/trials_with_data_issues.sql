-- KPI 6: share of sponsor studies with missing or inconsistent data, and which studies and why.
select
    study_code,
    has_missing_data,
    has_inconsistent_data,
    missing_data_issues,
    inconsistent_data_issues,
    participations_with_missing_data,
    participations_with_inconsistent_data,
    medications_with_missing_data,
    medications_with_inconsistent_data
from {{ ref('dim_study') }}
where has_missing_data or has_inconsistent_data
order by study_code
