{{ config(materialized="table") }}

{#-
    Every value the patient models could not use, and every delivered row they counted once
    only, one row per record and field, naming file, line and field: superseded or duplicate
    deliveries (field '<row>'), unreadable or ambiguous dates, birth dates in the future or
    before a 125-year age, impossible ages, and countries, phases, drugs, dose units and routes
    that no seed row maps. Stays in the warehouse (it holds raw values, birth dates among
    them); rpt_patients_data_quality counts it for the marts.
-#}
with

patients as (

    select * from {{ ref('stg_patients__patients') }}

),

matched as (

    select * from {{ ref('int_patients__site_records_matched') }}

),

studies as (

    select * from {{ ref('stg_patients__studies') }}

),

participations as (

    select * from {{ ref('stg_patients__participations') }}

),

medications as (

    select * from {{ ref('stg_patients__medications') }}

),

normalized_medications as (

    select * from {{ ref('int_patients__medications_normalized') }}

),

findings as (

    select
        'patients' as table_name,
        record_id,
        source_file,
        source_line,
        '<row>' as field_name,
        'superseded by a newer delivery of the same patient_ref' as finding,
        patient_ref as value_text
    from patients
    where delivery_rank > 1
    union all
    select
        'patients' as table_name,
        record_id,
        source_file,
        source_line,
        'birth_date' as field_name,
        birth_date_problem as finding,
        birth_date_text as value_text
    from patients
    where birth_date_problem is not null
    union all
    select
        'patients' as table_name,
        record_id,
        source_file,
        source_line,
        'registered_on' as field_name,
        registration_date_problem as finding,
        registration_date_text as value_text
    from patients
    where registration_date_problem is not null
    union all
    select
        'patients' as table_name,
        record_id,
        source_file,
        source_line,
        'age' as field_name,
        age_problem as finding,
        age_text as value_text
    from patients
    where age_problem is not null
    union all
    select
        'patients' as table_name,
        record_id,
        source_file,
        source_line,
        'sex' as field_name,
        'sex not recognised' as finding,
        sex_text as value_text
    from patients
    where sex is null and nullif(trim(sex_text), '') is not null
    union all
    select
        'patients' as table_name,
        record_id,
        source_file,
        source_line,
        'country' as field_name,
        'country not recognised' as finding,
        trim(country_text) as value_text
    from matched
    where country_code is null and nullif(trim(country_text), '') is not null
    union all
    select
        'studies' as table_name,
        record_id,
        source_file,
        source_line,
        '<row>' as field_name,
        'superseded by a newer delivery of the same study code' as finding,
        study_code as value_text
    from studies
    where delivery_rank > 1
    union all
    select
        'studies' as table_name,
        record_id,
        source_file,
        source_line,
        'phase' as field_name,
        'phase not recognised' as finding,
        trim(phase_text) as value_text
    from studies
    where phase is null and nullif(trim(phase_text), '') is not null
    union all
    select
        'studies' as table_name,
        record_id,
        source_file,
        source_line,
        'start_date' as field_name,
        start_date_problem as finding,
        start_date_text as value_text
    from studies
    where start_date_problem is not null
    union all
    select
        'studies' as table_name,
        record_id,
        source_file,
        source_line,
        'end_date' as field_name,
        end_date_problem as finding,
        end_date_text as value_text
    from studies
    where end_date_problem is not null
    union all
    select
        'participations' as table_name,
        record_id,
        source_file,
        source_line,
        '<row>' as field_name,
        're-sent participation (same patient, study and enrolment date): the newest counts' as finding,
        patient_ref as value_text
    from participations
    where delivery_rank > 1
    union all
    select
        'participations' as table_name,
        record_id,
        source_file,
        source_line,
        'enrolled_on' as field_name,
        enrolment_date_problem as finding,
        enrolment_date_text as value_text
    from participations
    where enrolment_date_problem is not null
    union all
    select
        'participations' as table_name,
        record_id,
        source_file,
        source_line,
        'completed_on' as field_name,
        completion_date_problem as finding,
        completion_date_text as value_text
    from participations
    where completion_date_problem is not null
    union all
    select
        'medications' as table_name,
        record_id,
        source_file,
        source_line,
        '<row>' as field_name,
        're-sent medication row (same patient, study, drug, dose, route, dates): counted once' as finding,
        patient_ref as value_text
    from medications
    where delivery_rank > 1
    union all
    select
        'medications' as table_name,
        record_id,
        source_file,
        source_line,
        'started_on' as field_name,
        start_date_problem as finding,
        start_date_text as value_text
    from medications
    where start_date_problem is not null
    union all
    select
        'medications' as table_name,
        record_id,
        source_file,
        source_line,
        'ended_on' as field_name,
        end_date_problem as finding,
        end_date_text as value_text
    from medications
    where end_date_problem is not null
    union all
    select
        'medications' as table_name,
        record_id,
        source_file,
        source_line,
        'dose_unit' as field_name,
        'dose unit not recognised' as finding,
        coalesce(nullif(trim(dose_unit_text), ''), drug_name_text) as value_text
    from medications
    where dose_amount is not null and dose_unit is null
    union all
    select
        'medications' as table_name,
        record_id,
        source_file,
        source_line,
        'route' as field_name,
        'route not recognised' as finding,
        trim(route_text) as value_text
    from medications
    where route is null and nullif(trim(route_text), '') is not null
    union all
    select
        'medications' as table_name,
        exposure_id as record_id,
        source_file,
        source_line,
        'drug_name' as field_name,
        'drug not recognised' as finding,
        drug_key as value_text
    from normalized_medications
    where ingredient is null and drug_key is not null

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['table_name', 'record_id', 'field_name', 'finding']) }} as finding_id,
        record_id,

        ----------  strings
        table_name,
        field_name,
        finding,
        value_text,
        source_file,

        ----------  numerics
        source_line

    from findings

)

select * from final
