-- Trials per start year and recruitment status, one column per status group, newest years first.
-- Materialised row by row as marts.rpt_trials_by_status_start_year.
with

report as (

    select * from {{ ref('rpt_trials_by_status_start_year') }}

),

final as (

    select
        start_year,
        sum(trial_count) as trials,
        sum(
            case
                when trial_status in ('not_yet_recruiting', 'recruiting', 'enrolling_by_invitation')
                    then trial_count
                else 0
            end
        ) as trials_recruiting,
        sum(case when trial_status = 'active_not_recruiting' then trial_count else 0 end) as trials_active,
        sum(case when trial_status = 'completed' then trial_count else 0 end) as trials_completed,
        sum(
            case
                when trial_status in ('terminated', 'withdrawn', 'suspended') then trial_count
                else 0
            end
        ) as trials_stopped,
        sum(case when trial_status = 'unknown' then trial_count else 0 end) as trials_status_unknown,
        sum(total_enrollment) as total_enrollment
    from report
    group by start_year

)

select * from final
order by start_year desc nulls last
