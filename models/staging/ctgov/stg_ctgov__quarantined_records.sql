with

source as (

    select * from {{ quarantine_source('ctgov') }}

),

renamed as (

    select
        ----------  ids
        quarantine_id,
        record_id,

        ----------  strings
        source as source_name,
        location as source_location,
        field as field_name,
        reason as rejection_reason,
        raw_record,

        ----------  timestamps
        {{ utc_timestamp_ntz('quarantined_at') }} as quarantined_at

    from source

)

select * from renamed
