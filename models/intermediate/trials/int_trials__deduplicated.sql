{#-
    One row per trial with every attribute resolved across its registry records by registry
    precedence (ctgov, euctr, isrctn, ictrp; see int_trials__registry_records): each attribute
    takes the value of the best-ranked record that has one, so a trial whose CT.gov record lacks
    a start date takes it from EUCTR. The losing values stay in int_trials__registry_records and
    bridge_trial_registry_id.
-#}
with

records as (

    select * from {{ ref('int_trials__registry_records') }}

),

resolved as (

    select * from {{ ref('int_trials__identity_resolved') }}

),

attributed as (

    select
        records.*,
        resolved.trial_id
    from records
    inner join resolved
        on records.registry_id = resolved.registry_id

),

final as (

    select
        ----------  ids
        trial_id,

        ----------  strings
        {{ by_precedence('title') }} as title,
        {{ by_precedence('brief_title') }} as brief_title,
        {{ by_precedence('sponsor_name') }} as sponsor_name,
        {{ by_precedence('trial_status') }} as trial_status,
        {{ by_precedence('source_status') }} as source_status,
        {{ by_precedence('phase') }} as phase,
        {{ by_precedence('eligible_sex') }} as eligible_sex,
        {{ by_precedence('start_date_precision', 'start_date') }} as start_date_precision,
        {#- Primary registries only: an ICTRP record counts as the registry it republishes. -#}
        {{ dbt.listagg('distinct primary_registry', "', '", "order by primary_registry") }} as registries,

        ----------  numerics
        count(distinct primary_registry) as registry_count,
        count(*) as registry_record_count,
        cast(
            {{ to_number(by_precedence('cast(enrollment_count as ' ~ dbt.type_string() ~ ')')) }}
            as {{ dbt.type_bigint() }}
        ) as enrollment_count,
        {{ to_number(by_precedence('cast(minimum_age_years as ' ~ dbt.type_string() ~ ')')) }} as minimum_age_years,
        {{ to_number(by_precedence('cast(maximum_age_years as ' ~ dbt.type_string() ~ ')')) }} as maximum_age_years,

        ----------  booleans
        max(case when registry = 'ctgov' then 1 else 0 end) = 1 as is_in_ctgov,

        ----------  dates
        min(registered_date) as first_registered_date,
        {{ to_date(by_precedence('cast(start_date as ' ~ dbt.type_string() ~ ')')) }} as start_date,

        ----------  timestamps
        coalesce(
            max(case when registry = 'ctgov' then record_updated_at end),
            max(record_updated_at)
        ) as last_updated_at

    from attributed
    group by trial_id

)

select * from final
