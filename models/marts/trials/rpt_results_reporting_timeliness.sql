with

trials as (

    select * from {{ ref('dim_trial') }}
    where nct_id is not null and primary_completion_date is not null and trial_status in ('completed', 'terminated')

),

sponsors as (

    select * from {{ ref('dim_sponsor') }}

),

results as (

    select * from {{ ref('dim_trial_results') }}

),

per_trial as (

    select
        coalesce(sponsors.sponsor_class, 'unknown') as sponsor_class,
        coalesce(trials.phase, 'unknown') as phase,
        trials.trial_id,
        results.trial_id is not null as has_results,
        coalesce(results.days_primary_completion_to_results_submitted <= 365, false) as is_within_12_months
    from trials
    left join sponsors
        on trials.lead_sponsor_id = sponsors.sponsor_id
    left join results
        on trials.trial_id = results.trial_id

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['sponsor_class', 'phase']) }} as report_row_id,

        ----------  strings
        sponsor_class,
        phase,

        ----------  numerics
        cast(count(*) as {{ dbt.type_int() }}) as completed_trial_count,
        cast(sum(case when has_results then 1 else 0 end) as {{ dbt.type_int() }}) as with_results_count,
        cast(sum(case when is_within_12_months then 1 else 0 end) as {{ dbt.type_int() }}) as within_12_months_count,
        round(cast(sum(case when is_within_12_months then 1 else 0 end) as {{ type_double() }}) / count(*), 6)
            as within_12_months_share

    from per_trial
    group by sponsor_class, phase

)

select * from final
