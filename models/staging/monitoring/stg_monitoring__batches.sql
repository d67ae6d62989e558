with

source as (

    select * from {{ source_or_empty('monitoring', 'batches') }}

),

renamed as (

    select
        ----------  ids
        batch_id,
        batch_file,
        hospital_id,

        ----------  strings
        feed,
        batch_month,
        batch_status,
        status_reason,
        file_sha256,

        ----------  numerics
        file_version,
        rows_received,
        rows_accepted,
        rows_rejected,

        ----------  timestamps
        cast(file_modified_at as {{ dbt.type_timestamp() }}) as file_modified_at,
        {{ utc_timestamp_ntz('processed_at') }} as processed_at

    from source

),

final as (

    select
        renamed.*,
        renamed.batch_status = 'superseded' as is_superseded
    from renamed

)

select * from final
