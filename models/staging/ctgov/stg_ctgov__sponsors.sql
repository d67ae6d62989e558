with

source as (

    select * from {{ source_or_empty('ctgov', 'studies__sponsors') }}

),

renamed as (

    select
        ----------  ids
        {{ surrogate_key(['nct_id', '_dlt_list_idx']) }} as study_sponsor_id,
        nct_id,

        ----------  strings
        trim(sponsor_name) as sponsor_name,
        lower(sponsor_class) as sponsor_class,
        sponsor_role,

        ----------  booleans
        sponsor_role = 'lead' as is_lead_sponsor

    from source

)

select * from renamed
