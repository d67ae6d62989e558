with

locations as (

    select * from {{ ref('int_trials__locations_country_coded') }}

),

final as (

    select
        ----------  ids
        trial_id,
        location_id,

        ----------  strings
        min(site_status) as site_status

    from locations
    group by trial_id, location_id

)

select * from final
