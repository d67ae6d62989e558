with

source as (

    select * from {{ source_or_empty('ictrp', 'trials__countries') }}

),

renamed as (

    select
        ----------  ids
        {{ surrogate_key(['trial_id', '_dlt_list_idx']) }} as ictrp_country_id,
        trial_id as ictrp_trial_id,

        ----------  strings
        trim(country_name) as country_name,

        ----------  numerics
        _dlt_list_idx + 1 as country_rank

    from source

)

select * from renamed
