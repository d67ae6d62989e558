with

source as (

    select * from {{ source_or_empty('monitoring', 'vitals') }}

),

renamed as (

    select
        ----------  ids
        row_id as vital_measurement_id,
        hospital_id,
        patient_id,

        ----------  strings
        batch_file,
        batch_month,
        vital_type as reported_measure,
        {{ measure_key('vital_type') }} as measure_key,
        unit as reported_unit,
        {{ normalize_unit_code('unit') }} as unit_code,
        measurement_date_text,

        ----------  numerics
        file_version,
        line_number,
        value as reported_value,

        ----------  dates
        measurement_date as measured_date,

        ----------  timestamps
        {{ utc_timestamp_ntz('extracted_at') }} as extracted_at

    from source

),

final as (

    select
        ----------  ids
        vital_measurement_id,
        hospital_id,
        patient_id,

        ----------  strings
        batch_file,
        batch_month,
        reported_measure,
        measure_key,
        reported_unit,
        unit_code,
        measurement_date_text,

        ----------  numerics
        file_version,
        line_number,
        reported_value,

        ----------  dates
        measured_date,

        ----------  timestamps
        extracted_at

    from renamed

)

select * from final
