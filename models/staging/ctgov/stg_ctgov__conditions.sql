with

source as (

    select * from {{ source_or_empty('ctgov', 'studies__conditions') }}

),

renamed as (

    select
        ----------  ids
        {{ surrogate_key(['nct_id', '_dlt_list_idx']) }} as study_condition_id,
        nct_id,

        ----------  strings
        trim(condition_name) as condition_name,
        {{ normalize_name('condition_name') }} as condition_key,

        ----------  numerics
        _dlt_list_idx + 1 as condition_rank

    from source

)

select * from renamed
