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
        lower(trim(vital_type)) as measure_code,
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
        measure_code,
        reported_unit,
        unit_code,
        measurement_date_text,

        ----------  numerics
        file_version,
        line_number,
        reported_value,
        {{ to_standard_unit('measure_code', 'reported_value', 'unit_code') }} as standard_value,

        ----------  dates
        measured_date,

        ----------  timestamps
        extracted_at

    from renamed

)

select * from final
