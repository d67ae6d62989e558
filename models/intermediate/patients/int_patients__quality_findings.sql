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

    select 'patients' as table_name, record_id, source_file, source_line, '<row>' as field_name,
        'superseded by a newer delivery of the same patient_ref' as finding, patient_ref as value_text
    from patients where delivery_rank > 1
    union all
    select 'patients', record_id, source_file, source_line, 'birth_date', birth_date_problem, birth_date_text
    from patients where birth_date_problem is not null
    union all
    select 'patients', record_id, source_file, source_line, 'registered_on', registration_date_problem,
        registration_date_text
    from patients where registration_date_problem is not null
    union all
    select 'patients', record_id, source_file, source_line, 'age', age_problem, age_text
    from patients where age_problem is not null
    union all
    select 'patients', record_id, source_file, source_line, 'sex', 'sex not recognised', sex_text
    from patients where sex is null and nullif(trim(sex_text), '') is not null
    union all
    select 'patients', record_id, source_file, source_line, 'country', 'country not recognised',
        trim(country_text)
    from matched where country_code is null and nullif(trim(country_text), '') is not null
    union all
    select 'studies', record_id, source_file, source_line, '<row>',
        'superseded by a newer delivery of the same study code', study_code
    from studies where delivery_rank > 1
    union all
    select 'studies', record_id, source_file, source_line, 'phase', 'phase not recognised', trim(phase_text)
    from studies where phase is null and nullif(trim(phase_text), '') is not null
    union all
    select 'studies', record_id, source_file, source_line, 'start_date', start_date_problem, start_date_text
    from studies where start_date_problem is not null
    union all
    select 'studies', record_id, source_file, source_line, 'end_date', end_date_problem, end_date_text
    from studies where end_date_problem is not null
    union all
    select 'participations', record_id, source_file, source_line, '<row>',
        'duplicate or re-sent participation (same patient, study and enrolment date): a newer delivery counts',
        patient_ref
    from participations where delivery_rank > 1
    union all
    select 'participations', record_id, source_file, source_line, 'enrolled_on', enrolment_date_problem,
        enrolment_date_text
    from participations where enrolment_date_problem is not null
    union all
    select 'participations', record_id, source_file, source_line, 'completed_on', completion_date_problem,
        completion_date_text
    from participations where completion_date_problem is not null
    union all
    select 'medications', record_id, source_file, source_line, '<row>',
        'duplicate or re-sent medication row (same patient, study, drug, dose, route and dates): counted once',
        patient_ref
    from medications where delivery_rank > 1
    union all
    select 'medications', record_id, source_file, source_line, 'started_on', start_date_problem, start_date_text
    from medications where start_date_problem is not null
    union all
    select 'medications', record_id, source_file, source_line, 'ended_on', end_date_problem, end_date_text
    from medications where end_date_problem is not null
    union all
    select 'medications', record_id, source_file, source_line, 'dose_unit', 'dose unit not recognised',
        coalesce(nullif(trim(dose_unit_text), ''), drug_name_text)
    from medications
    where dose_amount is not null and dose_unit is null
    union all
    select 'medications', record_id, source_file, source_line, 'route', 'route not recognised', trim(route_text)
    from medications where route is null and nullif(trim(route_text), '') is not null
    union all
    select 'medications', exposure_id, source_file, source_line, 'drug_name', 'drug not recognised', drug_key
    from normalized_medications where ingredient is null and drug_key is not null

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
