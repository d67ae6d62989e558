{{ config(
    materialized="table" if target.type == "spark" else "incremental",
    incremental_strategy="append",
    on_schema_change="append_new_columns",
    pre_hook="{{ delete_changed_trials() }}",
) }}

{#-
    Trial locations of every registry with their country as an ISO 3166-1 alpha-2 code, matched
    through the country_aliases seed (names, native names, alpha-2 and alpha-3 codes, common
    variants), and keyed on the resolved trial_id. CT.gov lists sites (facility, city, country);
    ICTRP and ISRCTN list recruitment countries and EUCTR one member state per protocol
    (int_trials__registry_countries_listed), which become country-level locations (no
    facility, no city). A registry country is kept only where the trial has no site in that
    country already, so countries are not counted twice. A country that matches no alias keeps
    a NULL code.
-#}
with

ctgov_locations as (

    select * from {{ ref('stg_ctgov__locations') }}
    {{ only_changed_studies() }}

),

registry_countries as (

    select * from {{ ref('int_trials__registry_countries_listed') }}

),

resolved as (

    select * from {{ ref('int_trials__identity_resolved') }}
    {{ only_changed_trials() }}

),

aliases as (

    select * from {{ ref('country_aliases') }}

),

sites as (

    select
        study_location_id,
        'ctgov' as registry,
        nct_id as registry_id,
        facility_name,
        city,
        state,
        postal_code,
        country_name,
        site_status
    from ctgov_locations

),

coded_sites as (

    select
        sites.study_location_id,
        sites.registry,
        resolved.trial_id,
        sites.facility_name,
        sites.city,
        sites.state,
        sites.postal_code,
        sites.country_name as source_country,
        aliases.country_code,
        sites.site_status
    from sites
    inner join resolved
        on sites.registry_id = resolved.registry_id
    left join aliases
        on lower(trim(sites.country_name)) = aliases.country_alias

),

coded_registry_countries as (

    select
        registry_countries.study_location_id,
        registry_countries.registry,
        resolved.trial_id,
        cast(null as {{ dbt.type_string() }}) as facility_name,
        cast(null as {{ dbt.type_string() }}) as city,
        cast(null as {{ dbt.type_string() }}) as state,
        cast(null as {{ dbt.type_string() }}) as postal_code,
        registry_countries.country_name as source_country,
        aliases.country_code,
        cast(null as {{ dbt.type_string() }}) as site_status
    from registry_countries
    inner join resolved
        on registry_countries.registry_id = resolved.registry_id
    left join aliases
        on lower(trim(registry_countries.country_name)) = aliases.country_alias
    where registry_countries.country_name is not null

),

countries_without_site as (

    select coded_registry_countries.*
    from coded_registry_countries
    left join coded_sites
        on coded_registry_countries.trial_id = coded_sites.trial_id
            and coded_registry_countries.country_code = coded_sites.country_code
    where coded_sites.trial_id is null

),

located as (

    select * from coded_sites
    union all
    select * from countries_without_site

),

final as (

    select
        ----------  ids
        study_location_id,
        trial_id,
        {{ surrogate_key([
            normalize_name('facility_name'),
            normalize_name('city'),
            'country_code',
        ]) }} as location_id,

        ----------  strings
        registry,
        facility_name,
        city,
        state,
        postal_code,
        source_country,
        country_code,
        site_status,

        ----------  booleans
        facility_name is not null or city is not null as is_site,

        ----------  timestamps
        {{ build_started_at() }} as built_at

    from located

)

select * from final
