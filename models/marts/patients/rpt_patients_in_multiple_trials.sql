{#-
    KPI 7: percentage of patients in more than one trial, among patients with at least one linked
    participation (distinct studies per de-duplicated patient).
-#}
with

participations as (

    select * from {{ ref('fct_trial_participation') }}

),

per_patient as (

    select
        patient_id,
        count(distinct study_id) as study_count
    from participations
    where is_linked
    group by patient_id

),

final as (

    select
        ----------  ids
        'patients_in_multiple_trials' as kpi_id,

        ----------  numerics
        count(*) as patients_in_trials,
        cast(sum(case when study_count > 1 then 1 else 0 end) as {{ dbt.type_int() }}) as patients_in_multiple_trials,
        cast(
            round(100.0 * sum(case when study_count > 1 then 1 else 0 end) / nullif(count(*), 0), 2)
            as {{ type_double() }}
        ) as pct_patients_in_multiple_trials

    from per_patient

)

select * from final
