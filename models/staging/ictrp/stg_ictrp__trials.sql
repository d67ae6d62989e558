{#-
    One row per ICTRP trial combined from every export that holds it (the raw table keeps one
    record per trial and export file): each field is the newest non-empty value, newest by the
    record's Last_Refreshed_on, then by load time (macros/registries/ictrp_exports.sql).
-#}
{%- set combined_columns = [
    "public_title", "scientific_title", "acronym", "primary_sponsor", "source_register", "web_address",
    "recruitment_status", "date_registration", "date_registration3", "date_enrollement", "last_refreshed_on",
    "export_date", "inclusion_agemin", "inclusion_agemax", "inclusion_gender", "target_size", "study_type", "phase",
] -%}
with

exports as (

    select
        *,
        row_number() over (partition by trial_id order by {{ ictrp_newest_first() }}) as export_rank
    from {{ source_or_empty('ictrp', 'trials') }}

),

source as (

    select
        trial_id,
        {% for column in combined_columns -%}
            {{ newest_non_empty(column) }} as {{ column }},
        {% endfor -%}
        min(case when export_rank = 1 then source_location end) as source_location,
        count(*) as export_count,
        max(exported_at) as exported_at,
        max(extracted_at) as extracted_at
    from exports
    group by trial_id

),

renamed as (

    select
        ----------  ids
        trial_id as ictrp_trial_id,
        {{ canonical_trial_id('trial_id') }} as registry_id,

        ----------  strings
        public_title,
        scientific_title,
        acronym,
        primary_sponsor as sponsor_name,
        source_register,
        lower(trim(recruitment_status)) as source_status,
        phase as source_phase,
        case
            when {{ regexp_like('lower(phase)', "'therapeutic'") }}
                then nullif({{ dbt.concat([
                    "case when " ~ regexp_like('lower(phase)', "'phase i\\)[^\\n]*: *yes'") ~ " then 'phase1|' else '' end",
                    "case when " ~ regexp_like('lower(phase)', "'phase ii\\)[^\\n]*: *yes'") ~ " then 'phase2|' else '' end",
                    "case when " ~ regexp_like('lower(phase)', "'phase iii\\)[^\\n]*: *yes'") ~ " then 'phase3|' else '' end",
                    "case when " ~ regexp_like('lower(phase)', "'phase iv\\)[^\\n]*: *yes'") ~ " then 'phase4|' else '' end",
                ]) }}, '')
            else {{ phase_key('phase') }}
        end as phase_key_raw,
        inclusion_gender as source_sex,
        case
            when {{ regexp_like('lower(inclusion_gender)', "'female: *yes'") }}
                and {{ regexp_like('lower(inclusion_gender)', "'(^|[^e])male: *yes'") }} then 'all'
            when {{ regexp_like('lower(inclusion_gender)', "'female: *yes'") }} then 'female'
            when {{ regexp_like('lower(inclusion_gender)', "'(^|[^e])male: *yes'") }} then 'male'
            when lower(trim(inclusion_gender)) in (
                    'both', 'all', 'male and female', 'both males and females', 'both, male and female'
                ) then 'all'
            when lower(trim(inclusion_gender)) in ('female', 'females') then 'female'
            when lower(trim(inclusion_gender)) in ('male', 'males') then 'male'
        end as eligible_sex,
        inclusion_agemin as minimum_age_text,
        inclusion_agemax as maximum_age_text,
        study_type,
        target_size as target_size_text,
        source_location,

        ----------  numerics
        export_count,
        {{ parse_registry_age_years('inclusion_agemin') }} as minimum_age_years,
        {{ parse_registry_age_years('inclusion_agemax') }} as maximum_age_years,
        cast({{ to_number(regexp_extract('target_size', "'^\\s*([0-9]+)\\s*$'")) }} as {{ dbt.type_bigint() }})
            as enrollment_count,

        ----------  dates, with the precision the export stated
        {{ parse_partial_date(registry_date_iso('coalesce(date_registration3, date_registration)')) }}
            as registered_date,
        {{ parse_partial_date(registry_date_iso('date_enrollement')) }} as start_date,
        {{ partial_date_precision(registry_date_iso('date_enrollement')) }} as start_date_precision,

        ----------  timestamps
        {{ utc_timestamp_ntz('exported_at') }} as exported_at,
        {{ utc_timestamp_ntz('extracted_at') }} as extracted_at

    from source

),

final as (

    select
        *,
        case
            when phase_key_raw like '%|' then substring(phase_key_raw, 1, length(phase_key_raw) - 1)
            else phase_key_raw
        end as phase_key

    from renamed

)

select * from final
