{#-
    Study sites with their country as an ISO 3166-1 alpha-2 code, matched through the
    country_aliases seed (names, native names, alpha-2 and alpha-3 codes, common variants).
    A country that matches no alias keeps a NULL code and is counted by dim_location tests.
-#}
with

locations as (

    select * from {{ ref('stg_ctgov__locations') }}

),

aliases as (

    select * from {{ ref('country_aliases') }}

),

coded as (

    select
        ----------  ids
        locations.study_location_id,
        locations.nct_id as trial_id,
        {{ surrogate_key([
            normalize_name('locations.facility_name'),
            normalize_name('locations.city'),
            'aliases.country_code',
        ]) }} as location_id,

        ----------  strings
        locations.facility_name,
        locations.city,
        locations.state,
        locations.postal_code,
        locations.country_name as source_country,
        aliases.country_code,
        locations.site_status

    from locations
    left join aliases
        on lower(trim(locations.country_name)) = aliases.country_alias

)

select * from coded
