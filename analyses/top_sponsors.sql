-- Organisations with the most trials, with their share of all trials and of lead roles.
-- Materialised as marts.rpt_top_sponsors (limit: the top_sponsors_limit var).
with

top_sponsors as (

    select * from {{ ref('rpt_top_sponsors') }}

),

trials as (

    select count(*) as all_trials from {{ ref('dim_trial') }}

),

final as (

    select
        top_sponsors.sponsor_rank,
        top_sponsors.sponsor_name,
        top_sponsors.sponsor_class,
        top_sponsors.trial_count,
        top_sponsors.lead_trial_count,
        top_sponsors.collaborator_trial_count,
        round(100.0 * top_sponsors.trial_count / nullif(trials.all_trials, 0), 1) as pct_of_all_trials
    from top_sponsors
    cross join trials

)

select * from final
order by sponsor_rank
