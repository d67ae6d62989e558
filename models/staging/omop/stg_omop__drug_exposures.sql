with

source as (

    select * from {{ source_or_empty('omop', 'drug_exposure') }}

),

renamed as (

    select
        ----------  ids
        drug_exposure_id,
        person_id,
        drug_concept_id,
        drug_type_concept_id,
        route_concept_id,
        provider_id,
        visit_occurrence_id,
        visit_detail_id,
        drug_source_concept_id,

        ----------  strings
        stop_reason,
        sig,
        lot_number,
        drug_source_value,
        route_source_value,
        dose_unit_source_value,

        ----------  numerics
        refills,
        quantity,
        days_supply,

        ----------  dates
        drug_exposure_start_date,
        drug_exposure_end_date,
        verbatim_end_date,

        ----------  timestamps
        {{ utc_timestamp_ntz('drug_exposure_start_datetime') }} as drug_exposure_start_at,
        {{ utc_timestamp_ntz('drug_exposure_end_datetime') }} as drug_exposure_end_at,
        {{ utc_timestamp_ntz('load_dt') }} as loaded_at

    from source

)

select * from renamed
