{{ config(
    materialized="table" if target.type == "spark" else "incremental",
    incremental_strategy="append",
    on_schema_change="append_new_columns",
    pre_hook="{{ delete_changed_trials() }}",
) }}

with

resolved_trials as (

    select * from {{ ref('int_trials__deduplicated') }}
    {{ only_changed_trials() }}

),

ctgov_trials as (

    select * from {{ ref('int_trials__normalized') }}

),

registry_numbers as (

    {#- The NCT, EudraCT and ISRCTN numbers of each trial, whichever record names them (a CT.gov
        record, a record republished by ICTRP, or an identifier another registry lists). #}
    select
        trial_id,
        min(case when id_registry = 'ctgov' then registry_id end) as nct_id,
        min(case when id_registry = 'euctr' then registry_id end) as eudract_number,
        min(case when id_registry = 'isrctn' then registry_id end) as isrctn
    from {{ ref('int_trials__identity_resolved') }}
    group by trial_id

),

status_flags as (

    select distinct
        trial_status,
        is_active
    from {{ ref('trial_status_mapping') }}

),

trials as (

    {#- One row per real trial (identity resolution over every registry); CT.gov's richer
        fields where the trial has a CT.gov record, the precedence-resolved value otherwise. -#}
    select
        resolved_trials.trial_id,
        coalesce(ctgov_trials.nct_id, registry_numbers.nct_id) as nct_id,
        registry_numbers.eudract_number,
        registry_numbers.isrctn,
        ctgov_trials.acronym,
        ctgov_trials.study_type,
        ctgov_trials.allocation,
        ctgov_trials.primary_purpose,
        ctgov_trials.enrollment_type,
        ctgov_trials.why_stopped,
        ctgov_trials.accepts_healthy_volunteers,
        ctgov_trials.primary_completion_date,
        ctgov_trials.primary_completion_date_precision,
        ctgov_trials.completion_date,
        ctgov_trials.completion_date_precision,
        ctgov_trials.first_posted_date,
        ctgov_trials.last_update_posted_date,
        resolved_trials.registries,
        resolved_trials.registry_count,
        resolved_trials.registry_record_count,
        resolved_trials.sponsor_name as resolved_sponsor_name,
        resolved_trials.last_updated_at,
        coalesce(ctgov_trials.brief_title, resolved_trials.brief_title) as brief_title,
        coalesce(ctgov_trials.official_title, resolved_trials.title) as official_title,
        coalesce(ctgov_trials.trial_status, resolved_trials.trial_status, 'unknown') as trial_status,
        coalesce(ctgov_trials.source_status, resolved_trials.source_status) as source_status,
        coalesce(ctgov_trials.phase, resolved_trials.phase) as phase,
        coalesce(ctgov_trials.eligible_sex, resolved_trials.eligible_sex) as eligible_sex,
        cast(
            coalesce(ctgov_trials.enrollment_count, resolved_trials.enrollment_count) as {{ dbt.type_int() }}
        ) as enrollment_count,
        coalesce(ctgov_trials.minimum_age_years, resolved_trials.minimum_age_years) as minimum_age_years,
        coalesce(ctgov_trials.maximum_age_years, resolved_trials.maximum_age_years) as maximum_age_years,
        coalesce(ctgov_trials.is_active, status_flags.is_active, false) as is_active,
        coalesce(ctgov_trials.has_results, false) as has_results,
        coalesce(ctgov_trials.start_date, resolved_trials.start_date) as start_date,
        case
            when ctgov_trials.start_date is not null then ctgov_trials.start_date_precision
            else resolved_trials.start_date_precision
        end as start_date_precision,
        coalesce(ctgov_trials.first_submitted_date, resolved_trials.first_registered_date) as first_submitted_date
    from resolved_trials
    left join ctgov_trials
        on resolved_trials.trial_id = ctgov_trials.trial_id
    left join status_flags
        on resolved_trials.trial_status = status_flags.trial_status
    left join registry_numbers
        on resolved_trials.trial_id = registry_numbers.trial_id

),

status_vocabulary as (

    select * from {{ ref('trial_status_vocabulary') }}

),

phase_vocabulary as (

    select * from {{ ref('trial_phase_vocabulary') }}

),

lead_sponsor_candidates as (

    select
        trial_id,
        sponsor_id,
        row_number() over (
            partition by trial_id order by registry_precedence, sponsor_id
        ) as lead_sponsor_rank
    from {{ ref('int_trials__sponsors_resolved') }}
    where is_lead_sponsor

),

lead_sponsors as (

    select
        trial_id,
        sponsor_id as lead_sponsor_id
    from lead_sponsor_candidates
    where lead_sponsor_rank = 1

),

condition_counts as (

    select
        trial_id,
        count(distinct condition_id) as condition_count
    from {{ ref('int_trials__conditions_resolved') }}
    group by trial_id

),

site_counts as (

    select
        trial_id,
        count(case when is_site then 1 end) as site_count,
        count(distinct country_code) as country_count
    from {{ ref('int_trials__locations_country_coded') }}
    group by trial_id

),

final as (

    select
        ----------  ids
        trials.trial_id,
        trials.nct_id,
        trials.eudract_number,
        trials.isrctn,
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
        trials.last_update_posted_date,

        ----------  registries (identity resolution)
        trials.registries,
        trials.registry_count,
        trials.registry_record_count,
        trials.resolved_sponsor_name,

        ----------  timestamps
        trials.last_updated_at,
        {{ build_started_at() }} as built_at

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
