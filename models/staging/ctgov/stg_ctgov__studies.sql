with

source as (

    select * from {{ source_or_empty('ctgov', 'studies') }}

),

renamed as (

    select
        ----------  ids
        nct_id,
        org_study_id,

        ----------  strings
        brief_title,
        official_title,
        acronym,
        organization_name,
        lower(overall_status) as overall_status,
        why_stopped,
        lower(study_type) as study_type,
        lower(phases) as phases,
        lower(allocation) as allocation,
        lower(primary_purpose) as primary_purpose,
        lower(sex) as eligible_sex,
        minimum_age as minimum_age_text,
        maximum_age as maximum_age_text,
        brief_summary,
        source_location,

        ----------  numerics
        cast(enrollment_count as {{ dbt.type_int() }}) as enrollment_count,
        {{ parse_age_years('minimum_age') }} as minimum_age_years,
        {{ parse_age_years('maximum_age') }} as maximum_age_years,

        ----------  enrollment: ACTUAL counts people enrolled, ESTIMATED is the target
        case lower(enrollment_type)
            when 'actual' then 'actual'
            when 'estimated' then 'anticipated'
            when 'anticipated' then 'anticipated'
        end as enrollment_type,

        ----------  booleans
        healthy_volunteers as accepts_healthy_volunteers,
        coalesce(has_results, false) as has_results,

        ----------  dates, each with the precision the registry stated
        {{ parse_partial_date('start_date') }} as start_date,
        {{ partial_date_precision('start_date') }} as start_date_precision,
        lower(start_date_type) as start_date_type,
        {{ parse_partial_date('primary_completion_date') }} as primary_completion_date,
        {{ partial_date_precision('primary_completion_date') }} as primary_completion_date_precision,
        {{ parse_partial_date('completion_date') }} as completion_date,
        {{ partial_date_precision('completion_date') }} as completion_date_precision,
        lower(completion_date_type) as completion_date_type,
        {{ parse_partial_date('first_submit_date') }} as first_submitted_date,
        {{ parse_partial_date('first_post_date') }} as first_posted_date,
        {{ parse_partial_date('last_update_post_date') }} as last_update_posted_date,

        ----------  timestamps
        {{ to_timestamp_ntz(parse_partial_date('last_update_post_date')) }} as last_update_posted_at,
        {{ utc_timestamp_ntz('extracted_at') }} as extracted_at

    from source

)

select * from renamed
