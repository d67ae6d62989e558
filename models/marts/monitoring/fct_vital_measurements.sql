with

vitals as (

    select * from {{ ref('stg_monitoring__vital_signs') }}

),

measures as (

    select * from {{ ref('monitoring_measures') }}

),

final as (

    select
        ----------  ids
        vitals.vital_measurement_id,
        vitals.hospital_id,
        vitals.patient_id,

        ----------  strings
        vitals.batch_file,
        vitals.measure_code,
        vitals.reported_unit,
        measures.standard_unit,

        ----------  numerics
        vitals.reported_value,
        vitals.standard_value,
        case when vitals.measure_code = 'temperature' then vitals.standard_value end as temperature_c,
        case when vitals.measure_code = 'weight' then vitals.standard_value end as weight_kg,
        case when vitals.measure_code = 'heart_rate' then vitals.standard_value end as heart_rate_bpm,
        case when vitals.measure_code = 'systolic_bp' then vitals.standard_value end as systolic_bp_mmhg,
        case when vitals.measure_code = 'diastolic_bp' then vitals.standard_value end as diastolic_bp_mmhg,
        measures.normal_low,
        measures.normal_high,

        ----------  booleans
        coalesce(vitals.standard_value < measures.normal_low, false)
        or coalesce(vitals.standard_value > measures.normal_high, false) as is_abnormal,

        ----------  dates
        vitals.measured_date,
        {{ to_date(dbt.date_trunc('month', 'vitals.measured_date')) }} as measurement_month,

        ----------  timestamps
        vitals.extracted_at

    from vitals
    inner join measures
        on vitals.measure_code = measures.measure_code

)

select * from final
