with

source as (

    select * from {{ source_or_empty('monitoring', 'labs') }}

),

renamed as (

    select
        ----------  ids
        row_id as lab_result_id,
        hospital_id,
        patient_id,

        ----------  strings
        batch_file,
        batch_month,
        lower(trim(test_type)) as measure_code,
        unit as reported_unit,
        {{ normalize_unit_code('unit') }} as unit_code,
        nullif(trim(reference_range), '') as reference_range_text,
        test_date_text,

        ----------  numerics
        file_version,
        line_number,
        result_value as reported_value,

        ----------  dates
        test_date as tested_date,

        ----------  timestamps
        {{ utc_timestamp_ntz('extracted_at') }} as extracted_at

    from source

),

ranged as (

    select
        renamed.*,
        {{ reference_range_bound('reference_range_text', 'low') }} as reference_low_reported,
        {{ reference_range_bound('reference_range_text', 'high') }} as reference_high_reported
    from renamed

),

final as (

    select
        ----------  ids
        lab_result_id,
        hospital_id,
        patient_id,

        ----------  strings
        batch_file,
        batch_month,
        measure_code,
        reported_unit,
        unit_code,
        reference_range_text,
        test_date_text,

        ----------  numerics
        file_version,
        line_number,
        reported_value,
        reference_low_reported,
        reference_high_reported,
        {{ to_standard_unit('measure_code', 'reported_value', 'unit_code') }} as standard_value,
        {{ to_standard_unit('measure_code', 'reference_low_reported', 'unit_code') }} as reference_low_standard,
        {{ to_standard_unit('measure_code', 'reference_high_reported', 'unit_code') }} as reference_high_standard,

        ----------  booleans
        coalesce(
            reference_low_reported is not null or reference_high_reported is not null, false
        ) as has_reported_range,

        ----------  dates
        tested_date,

        ----------  timestamps
        extracted_at

    from ranged

)

select * from final
