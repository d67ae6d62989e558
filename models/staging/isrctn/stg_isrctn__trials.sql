with

source as (

    select * from {{ source_or_empty('isrctn', 'trials') }}

),

final as (

    select
        ----------  ids
        isrctn as registry_id,
        {{ canonical_trial_id('eudract_number') }} as eudract_number,
        {{ canonical_trial_id('nct_number') }} as nct_id,
        eudract_number as eudract_number_text,
        nct_number as nct_number_text,
        protocol_serial_number,
        iras_number,

        ----------  strings
        title,
        scientific_title,
        acronym,
        sponsor_name,
        lower(trim(recruitment_status)) as source_status,
        phase as source_phase,
        {{ phase_key('phase') }} as phase_key,
        case lower(gender)
            when 'all' then 'all'
            when 'both' then 'all'
            when 'female' then 'female'
            when 'male' then 'male'
        end as eligible_sex,
        age_range,
        primary_study_design as study_type,
        source_location,

        ----------  numerics
        cast({{ to_number(regexp_extract('target_enrolment', "'^\\s*([0-9]+)\\s*$'")) }} as {{ dbt.type_bigint() }})
            as enrollment_count,

        ----------  dates
        {{ parse_partial_date(registry_date_iso('recruitment_start')) }} as start_date,
        {{ partial_date_precision(registry_date_iso('recruitment_start')) }} as start_date_precision,
        {{ parse_partial_date(registry_date_iso('overall_end_date')) }} as completion_date,
        {{ parse_partial_date(registry_date_iso('last_updated')) }} as last_updated_date,

        ----------  timestamps
        {{ utc_timestamp_ntz('extracted_at') }} as extracted_at

    from source

)

select * from final
