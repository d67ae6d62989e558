with

source as (

    select * from {{ source_or_empty('ctgov', 'studies__secondary_ids') }}

),

renamed as (

    select
        ----------  ids
        {{ surrogate_key(['nct_id', '_dlt_list_idx']) }} as study_secondary_id_id,
        nct_id,
        trim(secondary_id) as secondary_id,

        ----------  strings
        lower(id_type) as secondary_id_type,
        id_domain as secondary_id_domain

    from source

)

select * from renamed
