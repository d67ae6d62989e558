with

source as (

    select * from {{ source_or_empty('ctgov', 'studies__keywords') }}

),

renamed as (

    select
        ----------  ids
        {{ surrogate_key(['nct_id', '_dlt_list_idx']) }} as study_keyword_id,
        nct_id,

        ----------  strings
        trim(keyword) as keyword,

        ----------  numerics
        _dlt_list_idx + 1 as keyword_rank

    from source

)

select * from renamed
