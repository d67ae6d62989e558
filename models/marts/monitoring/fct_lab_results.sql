with

labs as (

    select * from {{ ref('stg_monitoring__lab_results') }}

),

measures as (

    select * from {{ ref('monitoring_measures') }}

),

final as (

    select
        ----------  ids
        labs.lab_result_id,
        labs.hospital_id,
        labs.patient_id,

        ----------  strings
        labs.batch_file,
        labs.measure_code,
        labs.reported_unit,
        measures.standard_unit,
        labs.reference_range_text,

        ----------  numerics
        labs.reported_value,
        labs.standard_value,
        case when labs.measure_code = 'glucose' then labs.standard_value end as glucose_mg_dl,
        case when labs.measure_code = 'total_cholesterol' then labs.standard_value end as total_cholesterol_mg_dl,
        case when labs.measure_code = 'hdl_cholesterol' then labs.standard_value end as hdl_cholesterol_mg_dl,
        case when labs.measure_code = 'hemoglobin' then labs.standard_value end as hemoglobin_g_dl,
        case
            when labs.has_reported_range then labs.reference_low_standard else measures.normal_low
        end as reference_low_standard,
        case
            when labs.has_reported_range then labs.reference_high_standard else measures.normal_high
        end as reference_high_standard,

        ----------  booleans
        labs.has_reported_range,
        -- With a range on the result, compare in the reported unit (no rounding from conversion).
        case
            when labs.has_reported_range
                then
                    coalesce(labs.reported_value < labs.reference_low_reported, false)
                    or coalesce(labs.reported_value > labs.reference_high_reported, false)
            else
                coalesce(labs.standard_value < measures.normal_low, false)
                or coalesce(labs.standard_value > measures.normal_high, false)
        end as is_abnormal,

        ----------  dates
        labs.tested_date,
        {{ to_date(dbt.date_trunc('month', 'labs.tested_date')) }} as test_month,

        ----------  timestamps
        labs.extracted_at

    from labs
    inner join measures
        on labs.measure_code = measures.measure_code

)

select * from final
