{#-
    KPI 2: average age (whole years at registration) of the distinct patients with at least one
    linked participation carrying the diagnosis.
-#}
with

participations as (

    select * from {{ ref('fct_trial_participation') }}

),

patients as (

    select * from {{ ref('dim_patient') }}

),

diagnoses as (

    select * from {{ ref('dim_diagnosis') }}

),

patient_diagnoses as (

    select distinct
        patient_id,
        diagnosis_id
    from participations
    where is_linked and diagnosis_id is not null

),

final as (

    select
        ----------  ids
        patient_diagnoses.diagnosis_id,

        ----------  strings
        diagnoses.diagnosis_name,

        ----------  numerics
        count(*) as patient_count,
        count(patients.age_years) as patients_with_age,
        round(avg(patients.age_years), 2) as average_age_years

    from patient_diagnoses
    inner join patients
        on patient_diagnoses.patient_id = patients.patient_id
    left join diagnoses
        on patient_diagnoses.diagnosis_id = diagnoses.diagnosis_id
    group by patient_diagnoses.diagnosis_id, diagnoses.diagnosis_name

)

select * from final
