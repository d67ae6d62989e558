with

source as (

    select * from {{ source_or_empty('omop', 'death') }}

),

renamed as (

    select
        ----------  ids
        person_id,
        death_type_concept_id,
        cause_concept_id,
        cause_source_concept_id,

        ----------  strings
        cause_source_value,

        ----------  dates
        death_date,

        ----------  timestamps
        {{ utc_timestamp_ntz('death_datetime') }} as death_at,
        {{ utc_timestamp_ntz('load_dt') }} as loaded_at

    from source

)

select * from renamed
