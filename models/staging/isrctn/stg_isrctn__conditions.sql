with

source as (

    select * from {{ source_or_empty('isrctn', 'trials__conditions') }}

),

renamed as (

    select
        ----------  ids
        {{ surrogate_key(['isrctn', '_dlt_list_idx']) }} as isrctn_condition_id,
        isrctn as registry_id,

        ----------  strings
        trim(condition_name) as condition_name,
        {{ normalize_name('condition_name') }} as condition_key,

        ----------  numerics
        _dlt_list_idx + 1 as condition_rank

    from source

)

select * from renamed
