with

quarantined as (

    select * from {{ ref('stg_monitoring__quarantined_rows') }}

),

batches as (

    select * from {{ ref('stg_monitoring__batches') }}

),

-- Rows quarantined because no seed row names their measure or unit, in batches that count.
unknown as (

    select
        batches.hospital_id,
        batches.feed,
        batches.batch_month,
        quarantined.batch_id,
        quarantined.line_number,
        case when quarantined.reason_category = 'unknown_type' then 'measure' else 'unit' end as vocabulary_kind,
        -- The measure a unit was written for (blank for an unknown measure).
        coalesce(quarantined.measure_code, '') as measure_code,
        quarantined.rejected_value as reported_value
    from quarantined
    inner join batches
        on quarantined.batch_id = batches.batch_id
    where
        quarantined.reason_category in ('unknown_type', 'unknown_unit')
        and not batches.is_superseded

),

aggregated as (

    select
        hospital_id,
        feed,
        vocabulary_kind,
        measure_code,
        reported_value,
        count(*) as row_count,
        count(distinct batch_id) as batch_count,
        min(batch_month) as first_month,
        max(batch_month) as last_month
    from unknown
    group by hospital_id, feed, vocabulary_kind, measure_code, reported_value

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['hospital_id', 'feed', 'vocabulary_kind', 'measure_code', 'reported_value']) }}
            as unknown_vocabulary_id,
        hospital_id,

        ----------  strings
        feed,
        vocabulary_kind,
        measure_code,
        reported_value,
        first_month,
        last_month,

        ----------  numerics
        row_count,
        batch_count

    from aggregated

)

select * from final
