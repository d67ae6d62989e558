with

source as (

    select * from {{ source_or_empty('omop', 'measurement') }}

),

renamed as (

    select
        ----------  ids
        measurement_id,
        person_id,
        measurement_concept_id,
        measurement_type_concept_id,
        operator_concept_id,
        value_as_concept_id,
        unit_concept_id,
        provider_id,
        visit_occurrence_id,
        visit_detail_id,
        measurement_source_concept_id,

        ----------  strings
        measurement_time,
        measurement_source_value,
        unit_source_value,
        value_source_value,

        ----------  numerics
        value_as_number,
        range_low,
        range_high,

        ----------  dates
        measurement_date,

        ----------  timestamps
        {{ utc_timestamp_ntz('measurement_datetime') }} as measurement_at,
        {{ utc_timestamp_ntz('load_dt') }} as loaded_at

    from source

)

select * from renamed
