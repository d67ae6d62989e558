{{ config(materialized="table") }}

{#-
    Participations (the newest delivery of each, see stg_patients__participations) tied to the warehouse patient (through any of the person's site references)
    and to the sponsor study (codes compared upper-case, letters and digits only), with their
    data-quality findings. Rows that cannot be tied are kept and say why.
-#}
with

participations as (

    select * from {{ ref('stg_patients__participations') }}
    where delivery_rank = 1

),

patient_refs as (

    select
        patient_ref,
        min(patient_id) as patient_id
    from {{ ref('int_patients__site_records_matched') }}
    group by patient_ref

),

studies as (

    select * from {{ ref('stg_patients__studies') }}
    where delivery_rank = 1

),

linked as (

    select
        participations.*,
        patient_refs.patient_id,
        case when studies.study_key is not null then {{ surrogate_key(['studies.study_key']) }} end as study_id
    from participations
    left join patient_refs
        on participations.patient_ref = patient_refs.patient_ref
    left join studies
        on participations.study_key = studies.study_key

),

final as (

    select
        ----------  ids
        record_id as participation_id,
        patient_id,
        study_id,
        diagnosis_code,
        patient_ref,
        study_key,

        ----------  strings
        outcome,
        diagnosis_text,
        source_file,
        nullif(
            concat_ws(
                '; ',
                case when enrolment_date is null then 'enrolment date missing or not a date' end,
                case
                    when completion_date_text is not null and completion_date is null
                        then 'completion date not a date'
                end,
                case when diagnosis_code is null then 'diagnosis code missing or not ICD-10' end,
                case
                    when outcome = 'completed' and completion_date is null
                        then 'completed without completion date'
                end
            ),
            ''
        ) as missing_data_issues,
        nullif(
            concat_ws(
                '; ',
                case when patient_id is null then 'unknown patient' end,
                case when study_id is null then 'unknown study' end,
                case when completion_date < enrolment_date then 'completion before enrolment' end
            ),
            ''
        ) as inconsistent_data_issues,

        ----------  numerics
        source_line,
        case
            when completion_date >= enrolment_date
                then {{ dbt.datediff('enrolment_date', 'completion_date', 'day') }}
        end as participation_days,

        ----------  booleans
        patient_id is not null and study_id is not null as is_linked,

        ----------  dates
        enrolment_date,
        completion_date

    from linked

)

select * from final
