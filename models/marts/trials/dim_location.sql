with

locations as (

    select * from {{ ref('int_trials__locations_country_coded') }}

),

ranked as (

    select
        location_id,
        facility_name,
        city,
        state,
        country_code,
        source_country,
        row_number() over (
            partition by location_id
            order by facility_name, city, state, source_country
        ) as location_rank
    from locations

),

final as (

    select
        ----------  ids
        location_id,
        country_code,

        ----------  strings
        facility_name,
        city,
        state,
        source_country

    from ranked
    where location_rank = 1

)

select * from final
