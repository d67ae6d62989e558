with

source as (

    select * from {{ source_or_empty('ctgov', 'quarantine', {
            'quarantine_id': 'string',
            'source': 'string',
            'location': 'string',
            'record_id': 'string',
            'field': 'string',
            'reason': 'string',
            'raw_record': 'string',
            'quarantined_at': 'timestamp',
        }) }}

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
