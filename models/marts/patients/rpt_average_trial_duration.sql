{#-
    KPI 4: average trial duration, two ways: studies (start to end date, studies with both dates
    and end not before start) and participations (enrolment to completion, linked participations
    with both dates and completion not before enrolment).
-#}
with

studies as (

    select * from {{ ref('dim_study') }}

),

participations as (

    select * from {{ ref('fct_trial_participation') }}

),

study_durations as (

    select
        count(study_duration_days) as studies_measured,
        round(avg(study_duration_days), 2) as average_study_duration_days
    from studies

),

participation_durations as (

    select
        count(participation_days) as participations_measured,
        round(avg(participation_days), 2) as average_participation_duration_days
    from participations
    where is_linked

),

final as (

    select
        ----------  ids
        'average_trial_duration' as kpi_id,

        ----------  numerics
        study_durations.studies_measured,
        study_durations.average_study_duration_days,
        participation_durations.participations_measured,
        participation_durations.average_participation_duration_days

    from study_durations
    cross join participation_durations

)

select * from final
