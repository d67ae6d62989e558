-- KPI 2: average age (whole years at registration) of distinct patients per diagnosis.
with

patient_diagnoses as (

    select distinct
        patient_id,
        diagnosis_id
    from {{ ref('fct_trial_participation') }}
    where is_linked and diagnosis_id is not null

),

final as (

    select
        diagnoses.diagnosis_code,
        diagnoses.diagnosis_name,
        count(*) as patient_count,
        round(avg(patients.age_years), 2) as average_age_years
    from patient_diagnoses
    inner join {{ ref('dim_patient') }} as patients
        on patient_diagnoses.patient_id = patients.patient_id
    inner join {{ ref('dim_diagnosis') }} as diagnoses
        on patient_diagnoses.diagnosis_id = diagnoses.diagnosis_id
    group by diagnoses.diagnosis_code, diagnoses.diagnosis_name

)

select * from final
order by diagnosis_code
