{#-
    KPI 5: time between consecutive trials of the same patient: for each linked participation
    with an enrolment date, the days since the same patient's previous enrolment (ordered by
    enrolment date, then study), and since the previous completion when that is known.
-#}
with

participations as (

    select * from {{ ref('fct_trial_participation') }}

),

ordered as (

    select
        participation_id,
        patient_id,
        study_id,
        enrolment_date,
        lag(participation_id) over patient_enrolments as previous_participation_id,
        lag(study_id) over patient_enrolments as previous_study_id,
        lag(enrolment_date) over patient_enrolments as previous_enrolment_date,
        lag(completion_date) over patient_enrolments as previous_completion_date
    from participations
    where is_linked and enrolment_date is not null
    window patient_enrolments as (partition by patient_id order by enrolment_date, study_key)

),

final as (

    select
        ----------  ids
        participation_id,
        previous_participation_id,
        patient_id,
        study_id,
        previous_study_id,

        ----------  numerics
        {{ dbt.datediff('previous_enrolment_date', 'enrolment_date', 'day') }}
            as days_between_enrolments,
        case
            when previous_completion_date is not null
                then {{ dbt.datediff('previous_completion_date', 'enrolment_date', 'day') }}
        end as days_since_previous_completion,

        ----------  dates
        previous_enrolment_date,
        enrolment_date

    from ordered
    where previous_participation_id is not null

)

select * from final
