with

source as (

    select * from {{ source_or_empty('ema', 'documents') }}

),

final as (

    select
        ----------  ids
        document_id,
        procedure_number,
        study_identifier as sponsor_protocol_number,
        {{ canonical_trial_id('eudract_number') }} as eudract_number,

        ----------  strings
        product_name,
        active_substance,
        marketing_authorisation_holder,
        document_type,
        document_title,
        document_file,

        ----------  dates
        {{ parse_partial_date(registry_date_iso('publication_date')) }} as published_date,

        ----------  timestamps
        {{ utc_timestamp_ntz('extracted_at') }} as extracted_at

    from source

)

select * from final
