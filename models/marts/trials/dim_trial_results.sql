{{ config(
    materialized="table" if target.type == "spark" else "incremental",
    incremental_strategy="append",
    on_schema_change="append_new_columns",
    pre_hook="{{ delete_changed_trials() }}",
) }}

with

results as (

    select * from {{ ref('stg_ctgov__results') }}
    {{ only_changed_studies() }}

),

trials as (

    select
        nct_id,
        min(trial_id) as trial_id,
        min(primary_completion_date) as primary_completion_date
    from {{ ref('dim_trial') }}
    where nct_id is not null
        {{ only_changed_trials(keyword='and') }}
    group by nct_id

),

final as (

    select
        ----------  ids
        trials.trial_id,
        results.nct_id,

        ----------  strings
        results.poc_title,
        results.poc_organization,
        results.poc_email,
        results.poc_phone,
        results.poc_phone_ext,
        results.limitations_and_caveats,
        results.restriction_type,
        results.agreement_other_details,
        results.flow_recruitment_details,
        results.flow_pre_assignment_details,
        results.baseline_population_description,
        results.ae_time_frame,
        results.ae_description,
        results.ae_frequency_threshold_text,

        ----------  numerics
        results.ae_frequency_threshold_pct,
        {{ dbt.datediff('trials.primary_completion_date', 'results.results_first_submitted_date', 'day') }}
            as days_primary_completion_to_results_submitted,

        ----------  booleans
        results.has_participant_flow,
        results.has_baseline,
        results.has_outcome_measures,
        results.has_adverse_events,
        results.is_pi_sponsor_employee,
        results.has_restrictive_agreement,

        ----------  dates
        results.results_first_submitted_date,
        results.results_first_posted_date,

        ----------  timestamps
        {{ build_started_at() }} as built_at

    from results
    inner join trials
        on results.nct_id = trials.nct_id

)

select * from final
