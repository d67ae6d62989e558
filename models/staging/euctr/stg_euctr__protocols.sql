with

source as (

    select * from {{ source_or_empty('euctr', 'protocols') }}

),

final as (

    select
        ----------  ids
        source.protocol_id,
        source.eudract_number as registry_id,
        source.member_state_code,
        source.sponsor_protocol_code,
        {{ canonical_trial_id('source.nct_number') }} as nct_id,
        {{ canonical_trial_id('source.isrctn_number') }} as isrctn,
        source.isrctn_number as isrctn_number_text,
        source.nct_number as nct_number_text,
        source.who_utn,

        ----------  strings
        source.member_state,
        source.full_title,
        source.abbreviated_title,
        coalesce(source.medical_condition, source.medical_condition_lay) as condition_name,
        lower(trim(coalesce(source.end_of_trial_status, source.trial_status))) as source_status,
        nullif({{ dbt.concat([
            "case when lower(source.phase_1) = 'yes' then 'phase1|' else '' end",
            "case when lower(source.phase_2) = 'yes' then 'phase2|' else '' end",
            "case when lower(source.phase_3) = 'yes' then 'phase3|' else '' end",
            "case when lower(source.phase_4) = 'yes' then 'phase4|' else '' end",
        ]) }}, '') as phase_flags,
        case
            when lower(source.is_female) = 'yes' and lower(source.is_male) = 'yes' then 'all'
            when lower(source.is_female) = 'yes' then 'female'
            when lower(source.is_male) = 'yes' then 'male'
        end as eligible_sex,
        source.source_location,

        ----------  numerics: F.1 age bands as a range of years
        cast(case
            when lower(source.has_subjects_under_18) = 'yes' then 0
            when lower(source.has_adults_18_64) = 'yes' then 18
            when lower(source.has_elderly_65_plus) = 'yes' then 65
        end as {{ type_double() }}) as minimum_age_years,
        cast(case
            when lower(source.has_elderly_65_plus) = 'yes' then null
            when lower(source.has_adults_18_64) = 'yes' then 64
            when lower(source.has_subjects_under_18) = 'yes' then 17
        end as {{ type_double() }}) as maximum_age_years,

        ----------  dates
        {{ parse_partial_date('source.date_first_entered') }} as registered_date,
        {{ parse_partial_date('source.competent_authority_decision_date') }} as authorised_date,

        ----------  timestamps
        {{ utc_timestamp_ntz('source.extracted_at') }} as extracted_at

    from source

)

select * from final
