{{ config(materialized="table") }}

with

vitals as (

    select * from {{ ref('stg_monitoring__vital_signs') }}

),

labs as (

    select * from {{ ref('stg_monitoring__lab_results') }}

),

measures as (

    select * from {{ ref('monitoring_measures') }}

),

conversions as (

    select * from {{ ref('int_monitoring__unit_conversions') }}

),

reported as (

    select
        vital_measurement_id as measurement_id,
        'vitals' as feed,
        hospital_id,
        patient_id,
        batch_file,
        reported_measure,
        measure_key,
        reported_unit,
        unit_code,
        cast(null as {{ dbt.type_string() }}) as reference_range_text,
        reported_value,
        cast(null as {{ type_double() }}) as reference_low_reported,
        cast(null as {{ type_double() }}) as reference_high_reported,
        false as has_reported_range,
        measured_date,
        extracted_at
    from vitals

    union all

    select
        lab_result_id as measurement_id,
        'labs' as feed,
        hospital_id,
        patient_id,
        batch_file,
        reported_measure,
        measure_key,
        reported_unit,
        unit_code,
        reference_range_text,
        reported_value,
        reference_low_reported,
        reference_high_reported,
        has_reported_range,
        tested_date as measured_date,
        extracted_at
    from labs

),

-- The measure a name stands for: its code or one of its `|`-separated aliases, within the feed.
named as (

    select
        reported.*,
        measures.measure_code,
        measures.measure_name,
        measures.loinc_code,
        measures.normal_low,
        measures.normal_high
    from reported
    left join measures
        on
            reported.feed = measures.feed
            and (
                reported.measure_key = measures.measure_code
                or {{ dbt.position(
                    dbt.concat(["'|'", "reported.measure_key", "'|'"]),
                    dbt.concat(["'|'", "measures.aliases", "'|'"])
                ) }} > 0
            )

),

final as (

    select
        ----------  ids
        named.measurement_id,
        named.hospital_id,
        named.patient_id,

        ----------  strings
        named.feed,
        named.batch_file,
        named.measure_code,
        named.measure_name,
        named.loinc_code,
        named.reported_measure,
        named.reported_unit,
        conversions.canonical_unit,
        named.reference_range_text,

        ----------  numerics
        named.reported_value,
        {{ to_canonical_unit('named.reported_value', 'conversions') }} as canonical_value,
        named.normal_low,
        named.normal_high,
        named.reference_low_reported,
        named.reference_high_reported,
        {{ to_canonical_unit('named.reference_low_reported', 'conversions') }} as reference_low_canonical,
        {{ to_canonical_unit('named.reference_high_reported', 'conversions') }} as reference_high_canonical,

        ----------  booleans
        named.has_reported_range,

        ----------  dates
        named.measured_date,

        ----------  timestamps
        named.extracted_at

    from named
    left join conversions
        on
            named.measure_code = conversions.measure_code
            and named.unit_code = conversions.unit_code

)

select * from final
