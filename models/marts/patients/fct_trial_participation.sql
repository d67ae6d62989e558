{#- One row per delivered participation, linked or not; unlinked rows keep NULL keys and say why. -#}
with

participations as (

    select * from {{ ref('int_patients__participations_linked') }}

),

final as (

    select
        ----------  ids
        participation_id,
        patient_id,
        study_id,
        diagnosis_code as diagnosis_id,
        study_key,

        ----------  strings
        outcome,
        diagnosis_text,
        missing_data_issues,
        inconsistent_data_issues,
        source_file,

        ----------  numerics
        source_line,
        participation_days,

        ----------  booleans
        is_linked,

        ----------  dates
        enrolment_date,
        completion_date

    from participations

)

select * from final
