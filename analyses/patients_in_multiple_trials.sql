-- KPI 7: percentage of patients (with at least one linked participation) in more than one trial.
with

per_patient as (

    select
        patient_id,
        count(distinct study_id) as study_count
    from {{ ref('fct_trial_participation') }}
    where is_linked
    group by patient_id

),

final as (

    select
        count(*) as patients_in_trials,
        sum(case when study_count > 1 then 1 else 0 end) as patients_in_multiple_trials,
        round(100.0 * sum(case when study_count > 1 then 1 else 0 end) / count(*), 2) as pct_patients_in_multiple_trials
    from per_patient

)

select * from final
