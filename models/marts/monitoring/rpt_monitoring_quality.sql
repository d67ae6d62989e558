with

batches as (

    select * from {{ ref('stg_monitoring__batches') }}

),

quarantined as (

    select * from {{ ref('stg_monitoring__quarantined_rows') }}

),

rejections_by_batch as (

    select
        batch_id,
        count(distinct line_number) as rows_quarantined,
        count(distinct case when reason_category = 'duplicate' then line_number end) as duplicate_rows,
        count(distinct case when reason_category = 'unknown_type' then line_number end) as unknown_type_rows,
        count(distinct case when reason_category = 'unknown_unit' then line_number end) as unknown_unit_rows,
        count(distinct case when reason_category = 'invalid_date' then line_number end) as invalid_date_rows,
        count(distinct case when reason_category = 'ambiguous_date' then line_number end) as ambiguous_date_rows,
        count(distinct case when reason_category = 'conflicting' then line_number end) as conflicting_rows,
        count(distinct case when reason_category = 'invalid_value' then line_number end) as invalid_value_rows,
        count(distinct case when reason_category = 'out_of_range' then line_number end) as out_of_range_rows,
        count(distinct case when reason_category = 'other' then line_number end) as other_rejected_rows
    from quarantined
    group by batch_id

),

final as (

    select
        ----------  ids
        batches.batch_id,
        batches.batch_file,
        batches.hospital_id,

        ----------  strings
        batches.feed,
        batches.batch_month,
        batches.batch_status,
        batches.status_reason,

        ----------  numerics
        batches.file_version,
        batches.rows_received,
        batches.rows_accepted,
        coalesce(rejections_by_batch.rows_quarantined, 0) as rows_quarantined,
        cast(
            case
                when batches.rows_received > 0
                    then 1.0 * coalesce(rejections_by_batch.rows_quarantined, 0) / batches.rows_received
            end as {{ type_double() }}
        ) as share_quarantined,
        coalesce(rejections_by_batch.duplicate_rows, 0) as duplicate_rows,
        coalesce(rejections_by_batch.unknown_type_rows, 0) as unknown_type_rows,
        coalesce(rejections_by_batch.unknown_unit_rows, 0) as unknown_unit_rows,
        coalesce(rejections_by_batch.invalid_date_rows, 0) as invalid_date_rows,
        coalesce(rejections_by_batch.ambiguous_date_rows, 0) as ambiguous_date_rows,
        coalesce(rejections_by_batch.conflicting_rows, 0) as conflicting_rows,
        coalesce(rejections_by_batch.invalid_value_rows, 0) as invalid_value_rows,
        coalesce(rejections_by_batch.out_of_range_rows, 0) as out_of_range_rows,
        coalesce(rejections_by_batch.other_rejected_rows, 0) as other_rejected_rows,

        ----------  timestamps
        batches.processed_at

    from batches
    left join rejections_by_batch
        on batches.batch_id = rejections_by_batch.batch_id
    where not batches.is_superseded

)

select * from final
