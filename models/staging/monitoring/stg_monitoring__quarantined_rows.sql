with

source as (

    select * from {{ source_or_empty('monitoring', 'quarantine') }}

),

renamed as (

    select
        ----------  ids
        quarantine_id,
        batch_id,

        ----------  strings
        location as batch_file,
        field as column_name,
        reason as rejection_reason,
        rejected_value,
        measure_code,
        raw_record,

        ----------  timestamps
        {{ utc_timestamp_ntz('quarantined_at') }} as quarantined_at,

        ----------  numerics
        cast({{ to_number('record_id') }} as {{ dbt.type_int() }}) as line_number

    from source

),

final as (

    select
        ----------  ids
        quarantine_id,
        batch_id,

        ----------  strings
        batch_file,
        column_name,
        rejection_reason,
        rejected_value,
        measure_code,
        raw_record,

        ----------  numerics
        line_number,

        ----------  timestamps
        quarantined_at,

        ----------  strings derived from the reason
        case
            when rejection_reason like 'duplicate row%' then 'duplicate'
            when rejection_reason like 'unknown vital_type%' or rejection_reason like 'unknown test_type%'
                then 'unknown_type'
            when rejection_reason like 'unknown unit%' then 'unknown_unit'
            when rejection_reason like 'invalid date%' then 'invalid_date'
            when rejection_reason like 'ambiguous date%' then 'ambiguous_date'
            when rejection_reason like 'conflicting values%' then 'conflicting'
            when rejection_reason like 'invalid value%' then 'invalid_value'
            when rejection_reason like 'value out of physiological range%' then 'out_of_range'
            else 'other'
        end as reason_category

    from renamed

)

select * from final
