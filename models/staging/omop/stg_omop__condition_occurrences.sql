with

source as (

    select * from {{ source_or_empty('omop', 'condition_occurrence') }}

),

renamed as (

    select
        ----------  ids
        condition_occurrence_id,
        person_id,
        condition_concept_id,
        condition_type_concept_id,
        condition_status_concept_id,
        provider_id,
        visit_occurrence_id,
        visit_detail_id,
        condition_source_concept_id,

        ----------  strings
        stop_reason,
        condition_source_value,
        condition_status_source_value,

        ----------  dates
        condition_start_date,
        condition_end_date,

        ----------  timestamps
        {{ utc_timestamp_ntz('condition_start_datetime') }} as condition_start_at,
        {{ utc_timestamp_ntz('condition_end_datetime') }} as condition_end_at,
        {{ utc_timestamp_ntz('load_dt') }} as loaded_at

    from source

)

select * from renamed
