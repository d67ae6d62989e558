with

source as (

    select * from {{ source_or_empty('omop', 'observation') }}

),

renamed as (

    select
        ----------  ids
        observation_id,
        person_id,
        observation_concept_id,
        observation_type_concept_id,
        value_as_concept_id,
        qualifier_concept_id,
        unit_concept_id,
        provider_id,
        visit_occurrence_id,
        visit_detail_id,
        observation_source_concept_id,

        ----------  strings
        value_as_string,
        observation_source_value,
        unit_source_value,
        qualifier_source_value,

        ----------  numerics
        value_as_number,

        ----------  dates
        observation_date,

        ----------  timestamps
        {{ utc_timestamp_ntz('observation_datetime') }} as observation_at,
        {{ utc_timestamp_ntz('load_dt') }} as loaded_at

    from source

)

select * from renamed
