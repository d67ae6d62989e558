with

measurements as (

    select * from {{ ref('int_monitoring__measurements') }}

),

final as (

    select
        ----------  ids
        measurement_id as lab_result_id,
        hospital_id,
        patient_id,

        ----------  strings
        batch_file,
        measure_code,
        loinc_code,
        reported_measure,
        reported_unit,
        canonical_unit as standard_unit,
        reference_range_text,

        ----------  numerics
        reported_value,
        canonical_value as standard_value,
        case when has_reported_range then reference_low_canonical else normal_low end as reference_low_standard,
        case when has_reported_range then reference_high_canonical else normal_high end as reference_high_standard,

        ----------  booleans
        has_reported_range,
        -- With a range on the result, compare in the reported unit (no rounding from conversion).
        case
            when has_reported_range
                then
                    coalesce(reported_value < reference_low_reported, false)
                    or coalesce(reported_value > reference_high_reported, false)
            else
                coalesce(canonical_value < normal_low, false)
                or coalesce(canonical_value > normal_high, false)
        end as is_abnormal,

        ----------  dates
        measured_date as tested_date,
        {{ to_date(dbt.date_trunc('month', 'measured_date')) }} as test_month,

        ----------  timestamps
        extracted_at

    from measurements
    where feed = 'labs'

)

select * from final
