{#-
    EMA Clinical Data Publication documents linked to trials. A document links through the
    EudraCT number of the listing or through an identifier found next to its label in the
    report PDF (confidence >= 0.9); identifiers found only by pattern in running text (an
    earlier study cited for background) do not link. Documents that match no trial are kept with
    a NULL trial_id.
-#}
with

documents as (

    select * from {{ ref('stg_ema__documents') }}

),

findings as (

    select * from {{ ref('stg_ema__report_findings') }}

),

resolved as (

    select * from {{ ref('int_trials__identity_resolved') }}

),

document_ids as (

    select
        document_id,
        eudract_number as registry_id,
        'listing' as linked_by,
        cast(1.0 as {{ type_double() }}) as confidence
    from documents
    where eudract_number is not null

    union all

    select
        documents.document_id,
        findings.registry_id,
        'report' as linked_by,
        findings.confidence
    from documents
    inner join findings
        on documents.document_file like {{ dbt.concat(["'%'", 'findings.report_file']) }}
    where findings.registry_id is not null
        and findings.confidence >= 0.9

),

links as (

    select
        document_ids.document_id,
        resolved.trial_id,
        min(document_ids.linked_by) as linked_by,
        max(document_ids.confidence) as confidence,
        count(distinct document_ids.registry_id) as matching_id_count
    from document_ids
    inner join resolved
        on document_ids.registry_id = resolved.registry_id
    group by document_ids.document_id, resolved.trial_id

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['documents.document_id', 'links.trial_id']) }} as trial_ema_document_id,
        documents.document_id,
        links.trial_id,
        documents.procedure_number,

        ----------  strings
        documents.product_name,
        documents.active_substance,
        documents.document_type,
        documents.document_title,
        links.linked_by,

        ----------  numerics
        links.confidence,
        coalesce(links.matching_id_count, 0) as matching_id_count,

        ----------  dates
        documents.published_date

    from documents
    left join links
        on documents.document_id = links.document_id

)

select * from final
