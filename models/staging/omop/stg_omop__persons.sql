with

source as (

    select * from {{ source_or_empty('omop', 'person') }}

),

renamed as (

    select
        ----------  ids
        person_id,
        gender_concept_id,
        race_concept_id,
        ethnicity_concept_id,
        location_id,
        provider_id,
        care_site_id,
        gender_source_concept_id,
        race_source_concept_id,
        ethnicity_source_concept_id,

        ----------  strings
        person_source_value,
        gender_source_value,
        race_source_value,
        ethnicity_source_value,

        ----------  numerics
        year_of_birth,
        month_of_birth,
        day_of_birth,

        ----------  timestamps
        {{ utc_timestamp_ntz('birth_datetime') }} as birth_at,
        {{ utc_timestamp_ntz('load_dt') }} as loaded_at

    from source

)

select * from renamed
