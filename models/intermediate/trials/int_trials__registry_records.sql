{{ config(materialized="table") }}

{#-
    Every registry record in one shape, one row per (registry, registry_id), with status and
    phase mapped onto the warehouse vocabularies. registry_precedence orders registries when
    their values conflict (lower wins): ctgov 1, euctr 2, isrctn 3, ictrp 4. ClinicalTrials.gov
    is first because its records are the most structured; ICTRP last because it republishes the
    others. Every record stays here, so the values that lose stay queryable.
-#}
with

ctgov as (

    select * from {{ ref('int_trials__normalized') }}

),

euctr as (

    select * from {{ ref('int_trials__euctr_collapsed') }}

),

isrctn as (

    select * from {{ ref('stg_isrctn__trials') }}

),

ictrp as (

    select * from {{ ref('stg_ictrp__trials') }}
    where registry_id is not null or ictrp_trial_id is not null

),

ctgov_sponsors as (

    select
        nct_id as trial_id,
        min(sponsor_name) as sponsor_name
    from {{ ref('stg_ctgov__sponsors') }}
    where is_lead_sponsor
        and sponsor_name is not null
    group by nct_id

),

status_mapping as (

    select * from {{ ref('trial_status_mapping') }}

),

phase_mapping as (

    select * from {{ ref('trial_phase_mapping') }}

),

ictrp_registries as (

    {#- The primary registry of an ICTRP record: ICTRP republishes, it registers nothing. #}
    select
        record_id,
        min(id_registry) as id_registry
    from {{ ref('int_trials__registry_identifiers') }}
    where stated_by = 'ictrp'
        and identifier_role = 'own'
    group by record_id

),

unioned as (

    select
        'ctgov' as registry,
        1 as registry_precedence,
        ctgov.nct_id as registry_id,
        ctgov.nct_id as registry_record_id,
        coalesce(ctgov.official_title, ctgov.brief_title) as title,
        ctgov.brief_title,
        ctgov_sponsors.sponsor_name,
        ctgov.source_status,
        ctgov.source_phase,
        replace(ctgov.source_phase, ' ', '') as phase_key,
        ctgov.eligible_sex,
        ctgov.enrollment_count,
        ctgov.minimum_age_years,
        ctgov.maximum_age_years,
        ctgov.first_submitted_date as registered_date,
        ctgov.start_date,
        ctgov.start_date_precision,
        ctgov.last_update_posted_at as record_updated_at,
        ctgov.extracted_at,
        cast(null as {{ dbt.type_string() }}) as source_register
    from ctgov
    left join ctgov_sponsors
        on ctgov.trial_id = ctgov_sponsors.trial_id

    union all

    select
        'euctr' as registry,
        2 as registry_precedence,
        registry_id,
        registry_id as registry_record_id,
        full_title as title,
        coalesce(abbreviated_title, full_title) as brief_title,
        sponsor_name,
        source_status,
        phase_flags as source_phase,
        case
            when phase_flags like '%|' then substring(phase_flags, 1, length(phase_flags) - 1)
            else phase_flags
        end as phase_key,
        eligible_sex,
        cast(null as {{ dbt.type_bigint() }}) as enrollment_count,
        minimum_age_years,
        maximum_age_years,
        registered_date,
        start_date,
        case when start_date is not null then 'day' end as start_date_precision,
        {{ to_timestamp_ntz('last_stated_date') }} as record_updated_at,
        extracted_at,
        cast(null as {{ dbt.type_string() }}) as source_register
    from euctr

    union all

    select
        'isrctn' as registry,
        3 as registry_precedence,
        registry_id,
        registry_id as registry_record_id,
        coalesce(scientific_title, title) as title,
        title as brief_title,
        sponsor_name,
        source_status,
        source_phase,
        phase_key,
        eligible_sex,
        enrollment_count,
        cast(null as {{ type_double() }}) as minimum_age_years,
        cast(null as {{ type_double() }}) as maximum_age_years,
        cast(null as date) as registered_date,
        start_date,
        start_date_precision,
        {{ to_timestamp_ntz('last_updated_date') }} as record_updated_at,
        extracted_at,
        cast(null as {{ dbt.type_string() }}) as source_register
    from isrctn

    union all

    select
        'ictrp' as registry,
        4 as registry_precedence,
        coalesce(registry_id, ictrp_trial_id) as registry_id,
        ictrp_trial_id as registry_record_id,
        coalesce(scientific_title, public_title) as title,
        public_title as brief_title,
        sponsor_name,
        source_status,
        source_phase,
        phase_key,
        eligible_sex,
        enrollment_count,
        minimum_age_years,
        maximum_age_years,
        registered_date,
        start_date,
        start_date_precision,
        exported_at as record_updated_at,
        extracted_at,
        source_register
    from ictrp

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['unioned.registry', 'unioned.registry_record_id']) }} as registry_record_key,
        unioned.registry,
        unioned.registry_id,
        unioned.registry_record_id,

        ----------  strings
        case
            when unioned.registry = 'ictrp'
                then coalesce(ictrp_registries.id_registry, lower(trim(unioned.source_register)), 'unknown')
            else unioned.registry
        end as primary_registry,
        unioned.title,
        unioned.brief_title,
        unioned.sponsor_name,
        {{ normalize_name('unioned.sponsor_name', drop_legal_suffixes=true) }} as sponsor_key,
        unioned.source_status,
        case
            when unioned.source_status is null then null
            else coalesce(status_mapping.trial_status, 'unknown')
        end as trial_status,
        unioned.source_phase,
        phase_mapping.phase,
        unioned.eligible_sex,
        unioned.start_date_precision,

        ----------  numerics
        cast(unioned.registry_precedence as {{ dbt.type_bigint() }}) as registry_precedence,
        cast(unioned.enrollment_count as {{ dbt.type_bigint() }}) as enrollment_count,
        unioned.minimum_age_years,
        unioned.maximum_age_years,

        ----------  booleans
        coalesce(status_mapping.is_active, false) as is_active,
        unioned.source_status is null or status_mapping.trial_status is not null as is_status_mapped,

        ----------  dates
        unioned.registered_date,
        unioned.start_date,

        ----------  timestamps
        unioned.record_updated_at,
        unioned.extracted_at

    from unioned
    left join status_mapping
        on unioned.registry = status_mapping.registry
            and {{ status_key('unioned.source_status') }} = status_mapping.source_status
    left join phase_mapping
        on unioned.phase_key = phase_mapping.source_phase
    left join ictrp_registries
        on unioned.registry = 'ictrp'
            and unioned.registry_record_id = ictrp_registries.record_id

)

select * from final
