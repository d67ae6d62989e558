{#-
    Participation rows, one per delivered row. Dates as in stg_patients__patients (the site is
    the prefix of the patient reference).

    Duplicate rule: rows for the same patient reference, study and enrolment date (the text
    when it is not a date) are one participation, however often and in whichever file or format
    they were delivered; delivery_rank 1 is the newest delivery (latest extraction, then file
    name, sheet and line last first), which downstream models keep. A row without an enrolment
    date is compared on every field it has.
-#}
with

source as (

    select * from {{ source_or_empty('patients', 'participations') }}

),

conventions as (

    select * from {{ ref('site_date_conventions') }}
    where source = 'patients'

),

sited as (

    select
        source.*,
        coalesce(conventions.slash_order, 'day_first') as slash_order,
        {{ mixed_date_text('source.enrolled_on') }} as enrolled_on_clean,
        {{ mixed_date_text('source.completed_on') }} as completed_on_clean,
        {{ regexp_replace_all('upper(trim(source.study_code))', "'[^A-Z0-9]'", "''") }} as parsed_study_key,
        {{ regexp_extract('upper(trim(source.diagnosis_code))', "'^([A-Z][0-9]{2})'") }} as parsed_diagnosis_code
    from source
    left join conventions
        on upper({{ dbt.split_part('trim(source.patient_ref)', "'-'", 1) }}) = upper(trim(conventions.site_id))

),

parsed as (

    select
        *,
        {{ parse_mixed_date('enrolled_on_clean', 'slash_order', cleaned=true) }} as parsed_enrolment_date,
        {{ parse_mixed_date('completed_on_clean', 'slash_order', cleaned=true) }} as parsed_completion_date
    from sited

),

renamed as (

    select
        ----------  ids
        record_id,
        upper(trim(patient_ref)) as patient_ref,
        parsed_study_key as study_key,

        ----------  strings
        study_code as study_code_text,
        nullif(trim(diagnosis_text), '') as diagnosis_text,
        diagnosis_code as diagnosis_code_text,
        parsed_diagnosis_code as diagnosis_code,
        lower(trim(outcome)) as outcome,
        enrolled_on as enrolment_date_text,
        completed_on as completion_date_text,
        {{ mixed_date_problem('enrolled_on_clean', 'parsed_enrolment_date', 'slash_order', cleaned=true) }}
            as enrolment_date_problem,
        {{ mixed_date_problem('completed_on_clean', 'parsed_completion_date', 'slash_order', cleaned=true) }}
            as completion_date_problem,
        source_file,
        source_sheet,

        ----------  numerics
        source_line,
        row_number() over (
            partition by
                upper(trim(patient_ref)),
                parsed_study_key,
                coalesce(
                    cast(parsed_enrolment_date as {{ dbt.type_string() }}),
                    {{ dbt.concat([
                        "coalesce(lower(trim(enrolled_on)), '')", "'|'",
                        "coalesce(cast(parsed_completion_date as " ~ dbt.type_string() ~ "), lower(trim(completed_on)), '')",
                        "'|'", "coalesce(parsed_diagnosis_code, '')", "'|'", "coalesce(lower(trim(outcome)), '')",
                    ]) }}
                )
            order by extracted_at desc, source_file desc, source_sheet desc, source_line desc
        ) as delivery_rank,

        ----------  dates
        parsed_enrolment_date as enrolment_date,
        parsed_completion_date as completion_date,

        ----------  timestamps
        {{ utc_timestamp_ntz('extracted_at') }} as extracted_at

    from parsed

)

select * from renamed
