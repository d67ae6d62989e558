with

source as (

    select * from {{ source_or_empty('omop', 'observation_period') }}

),

renamed as (

    select
        ----------  ids
        observation_period_id,
        person_id,
        period_type_concept_id,

        ----------  dates
        observation_period_start_date,
        observation_period_end_date,

        ----------  timestamps
        {{ utc_timestamp_ntz('load_dt') }} as loaded_at

    from source

)

select * from renamed
