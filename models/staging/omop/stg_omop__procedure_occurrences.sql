with

source as (

    select * from {{ source_or_empty('omop', 'procedure_occurrence') }}

),

renamed as (

    select
        ----------  ids
        procedure_occurrence_id,
        person_id,
        procedure_concept_id,
        procedure_type_concept_id,
        modifier_concept_id,
        provider_id,
        visit_occurrence_id,
        visit_detail_id,
        procedure_source_concept_id,

        ----------  strings
        procedure_source_value,
        modifier_source_value,

        ----------  numerics
        quantity,

        ----------  dates
        procedure_date,

        ----------  timestamps
        {{ utc_timestamp_ntz('procedure_datetime') }} as procedure_at,
        {{ utc_timestamp_ntz('load_dt') }} as loaded_at

    from source

)

select * from renamed
