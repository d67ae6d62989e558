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
        test_type as reported_measure,
        {{ measure_key('test_type') }} as measure_key,
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
        reported_measure,
        measure_key,
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
