with

source as (

    select * from {{ source_or_empty('omop', 'visit_occurrence') }}

),

renamed as (

    select
        ----------  ids
        visit_occurrence_id,
        person_id,
        visit_concept_id,
        visit_type_concept_id,
        provider_id,
        care_site_id,
        visit_source_concept_id,
        admitting_source_concept_id,
        discharge_to_concept_id,
        preceding_visit_occurrence_id,

        ----------  strings
        visit_source_value,
        admitting_source_value,
        discharge_to_source_value,

        ----------  dates
        visit_start_date,
        visit_end_date,

        ----------  timestamps
        {{ utc_timestamp_ntz('visit_start_datetime') }} as visit_start_at,
        {{ utc_timestamp_ntz('visit_end_datetime') }} as visit_end_at,
        {{ utc_timestamp_ntz('load_dt') }} as loaded_at

    from source

)

select * from renamed
