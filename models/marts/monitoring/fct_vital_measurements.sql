with

measurements as (

    select * from {{ ref('int_monitoring__measurements') }}

),

final as (

    select
        ----------  ids
        measurement_id as vital_measurement_id,
        hospital_id,
        patient_id,

        ----------  strings
        batch_file,
        measure_code,
        loinc_code,
        reported_measure,
        reported_unit,
        canonical_unit as standard_unit,

        ----------  numerics
        reported_value,
        canonical_value as standard_value,
        normal_low,
        normal_high,

        ----------  booleans
        coalesce(canonical_value < normal_low, false)
        or coalesce(canonical_value > normal_high, false) as is_abnormal,

        ----------  dates
        measured_date,
        {{ to_date(dbt.date_trunc('month', 'measured_date')) }} as measurement_month,

        ----------  timestamps
        extracted_at

    from measurements
    where feed = 'vitals'

)

select * from final
