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

latest_loads as (

    select
        feed,
        hospital_id,
        batch_month,
        max(processed_at) as last_loaded_at
    from renamed
    where batch_status = 'loaded'
    group by feed, hospital_id, batch_month

),

final as (

    select
        renamed.*,
        -- Superseded in its own run, or loaded and then replaced by a delivery a later run
        -- loaded (the raw row keeps the status it was given when it was processed).
        coalesce(
            renamed.batch_status = 'superseded'
            or (renamed.batch_status = 'loaded' and renamed.processed_at < latest_loads.last_loaded_at),
            false
        ) as is_superseded
    from renamed
    left join latest_loads
        on
            renamed.feed = latest_loads.feed
            and renamed.hospital_id = latest_loads.hospital_id
            and renamed.batch_month = latest_loads.batch_month

)

select * from final
