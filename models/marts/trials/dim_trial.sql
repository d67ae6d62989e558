with

trials as (

    select * from {{ ref('int_trials__normalized') }}

),

status_vocabulary as (

    select * from {{ ref('trial_status_vocabulary') }}

),

phase_vocabulary as (

    select * from {{ ref('trial_phase_vocabulary') }}

),

lead_sponsors as (

    select
        trial_id,
        min(sponsor_id) as lead_sponsor_id
    from {{ ref('int_trial_sponsors__resolved') }}
    where is_lead_sponsor
    group by trial_id

),

condition_counts as (

    select
        nct_id as trial_id,
        count(*) as condition_count
    from {{ ref('stg_ctgov__conditions') }}
    group by nct_id

),

site_counts as (

    select
        trial_id,
        count(*) as site_count,
        count(distinct country_code) as country_count
    from {{ ref('int_trial_locations__country_coded') }}
    group by trial_id

),

final as (

    select
        ----------  ids
        trials.trial_id,
        trials.nct_id,
        lead_sponsors.lead_sponsor_id,

        ----------  strings
        trials.brief_title,
        trials.official_title,
        trials.acronym,
        trials.trial_status,
        status_vocabulary.trial_status_label,
        trials.source_status,
        trials.phase,
        phase_vocabulary.phase_label,
        trials.study_type,
        trials.allocation,
        trials.primary_purpose,
        trials.eligible_sex,
        trials.enrollment_type,
        trials.why_stopped,

        ----------  numerics
        trials.enrollment_count,
        trials.minimum_age_years,
        trials.maximum_age_years,
        coalesce(condition_counts.condition_count, 0) as condition_count,
        coalesce(site_counts.site_count, 0) as site_count,
        coalesce(site_counts.country_count, 0) as country_count,

        ----------  booleans
        trials.is_active,
        trials.accepts_healthy_volunteers,
        trials.has_results,

        ----------  dates
        trials.start_date,
        trials.start_date_precision,
        trials.primary_completion_date,
        trials.primary_completion_date_precision,
        trials.completion_date,
        trials.completion_date_precision,
        trials.first_submitted_date,
        trials.first_posted_date,
        trials.last_update_posted_date

    from trials
    left join status_vocabulary
        on trials.trial_status = status_vocabulary.trial_status
    left join phase_vocabulary
        on trials.phase = phase_vocabulary.phase
    left join lead_sponsors
        on trials.trial_id = lead_sponsors.trial_id
    left join condition_counts
        on trials.trial_id = condition_counts.trial_id
    left join site_counts
        on trials.trial_id = site_counts.trial_id

)

select * from final
