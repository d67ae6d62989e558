with

source as (

    select * from {{ source_or_empty('isrctn', 'trials__countries') }}

),

renamed as (

    select
        ----------  ids
        {{ surrogate_key(['isrctn', '_dlt_list_idx']) }} as isrctn_country_id,
        isrctn as registry_id,

        ----------  strings
        trim(country_name) as country_name,

        ----------  numerics
        _dlt_list_idx + 1 as country_rank

    from source

)

select * from renamed
