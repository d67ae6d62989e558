with

source as (

    select * from {{ source_or_empty('patients', 'participations') }}

),

renamed as (

    select
        ----------  ids
        record_id,
        upper(trim(patient_ref)) as patient_ref,
        {{ regexp_replace_all('upper(trim(study_code))', "'[^A-Z0-9]'", "''") }} as study_key,

        ----------  strings
        study_code as study_code_text,
        nullif(trim(diagnosis_text), '') as diagnosis_text,
        diagnosis_code as diagnosis_code_text,
        {{ regexp_extract('upper(trim(diagnosis_code))', "'^([A-Z][0-9]{2})'") }} as diagnosis_code,
        lower(trim(outcome)) as outcome,
        enrolled_on as enrolment_date_text,
        completed_on as completion_date_text,
        source_file,
        source_sheet,

        ----------  numerics
        source_line,

        ----------  dates
        {{ parse_mixed_date('enrolled_on') }} as enrolment_date,
        {{ parse_mixed_date('completed_on') }} as completion_date,

        ----------  timestamps
        {{ utc_timestamp_ntz('extracted_at') }} as extracted_at

    from source

)

select * from renamed
