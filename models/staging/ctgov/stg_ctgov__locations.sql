with

source as (

    select * from {{ source_or_empty('ctgov', 'studies__locations') }}

),

renamed as (

    select
        ----------  ids
        {{ surrogate_key(['nct_id', '_dlt_list_idx']) }} as study_location_id,
        nct_id,

        ----------  strings
        trim(facility) as facility_name,
        trim(city) as city,
        trim(state) as state,
        trim(zip) as postal_code,
        trim(country) as country_name,
        lower(status) as site_status,

        ----------  numerics
        _dlt_list_idx + 1 as location_rank

    from source

)

select * from renamed
