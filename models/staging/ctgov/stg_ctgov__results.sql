with

source as (

    select * from {{ source_or_empty('ctgov', 'studies__results') }}

),

renamed as (

    select
        ----------  ids
        nct_id,

        ----------  strings
        flow_recruitment_details,
        flow_pre_assignment_details,
        baseline_population_description,
        ae_frequency_threshold as ae_frequency_threshold_text,
        ae_time_frame,
        ae_description,
        ae_all_cause_mortality_comment,
        poc_title,
        poc_organization,
        poc_email,
        poc_phone,
        poc_phone_ext,
        limitations_and_caveats,
        restriction_type,
        agreement_other_details,

        ----------  numerics
        {{ reported_number_value('ae_frequency_threshold') }} as ae_frequency_threshold_pct,

        ----------  booleans
        coalesce(has_participant_flow = 'true', false) as has_participant_flow,
        coalesce(has_baseline = 'true', false) as has_baseline,
        coalesce(has_outcome_measures = 'true', false) as has_outcome_measures,
        coalesce(has_adverse_events = 'true', false) as has_adverse_events,
        case pi_sponsor_employee when 'true' then true when 'false' then false end as is_pi_sponsor_employee,
        case restrictive_agreement when 'true' then true when 'false' then false end as has_restrictive_agreement,

        ----------  dates
        {{ parse_partial_date('results_first_submit_date') }} as results_first_submitted_date,
        {{ parse_partial_date('results_first_post_date') }} as results_first_posted_date

    from source

)

select * from renamed
