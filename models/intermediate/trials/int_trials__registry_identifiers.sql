{{ config(
    materialized="table" if target.type == "spark" else "incremental",
    incremental_strategy="delete+insert",
    unique_key=["stated_by", "record_id"],
    on_schema_change="append_new_columns",
    pre_hook="{% if is_incremental() and not stored_with_column() %}delete from {{ this }}{% endif %}",
) }}

{#-
    Every identifier any registry record states, its own and the ones it lists, read with the
    identifier grammar (seed registry_id_patterns): one row per (record, field, text). An EMA
    clinical study report counts as a record: its listing's EudraCT number is its own ID, the
    identifiers found next to their label in the report are the ones it lists.

    The text is upper-cased, its whitespace removed and trailing punctuation cut; the patterns
    are anchored, tried in the seed's priority order, and the first that matches gives the
    registry and the canonical form (canonical_prefix, then the captured groups joined by
    group_separator). So "nct 01234567", "UMIN000012345", "JPRN-JPRN-UMIN000012345" and
    "EUCTR2015-000590-12-DE" read as NCT01234567, JPRN-UMIN000012345 and 2015-000590-12, and an
    EU CT number (2023-500123-45-00) is never read as a EudraCT number. Rows whose applies_to is
    not "any" only read fields that can hold nothing else (bare digits in an ISRCTN field).
    Text no pattern reads ("Nil known", grant numbers, sponsor protocol codes) keeps a NULL
    canonical_id: it never links and is listed in rpt_unlinked_registry_identifiers.
    A table: the pattern join is the costly step, and edges, records and reports all read it.

    Incremental (DuckDB; a plain table on Spark, see docs/performance.md): a build reads every
    stated identifier (a pass over the staging views, without the patterns), compares the keys
    (stated_by, record_id, source_field, raw_identifier) with the stored ones both ways, and
    reads again with the patterns only the records with a key added or gone, and the
    ClinicalTrials.gov studies loaded since its last build (a secondary ID's domain says what
    it can hold, and is not in the key); their rows replace the stored ones (delete+insert on
    (stated_by, record_id)). A record that vanishes from its registry entirely keeps its rows
    until `ctw build --full-refresh`, as in int_trials__registry_id_edges.
-#}
with

ctgov_studies as (

    select * from {{ ref('stg_ctgov__studies') }}

),

ctgov_secondary as (

    select * from {{ ref('stg_ctgov__secondary_ids') }}

),

euctr as (

    select * from {{ ref('stg_euctr__protocols') }}

),

isrctn as (

    select * from {{ ref('stg_isrctn__trials') }}

),

isrctn_secondary as (

    select * from {{ ref('stg_isrctn__secondary_numbers') }}

),

ictrp as (

    select * from {{ ref('stg_ictrp__trials') }}

),

ictrp_secondary as (

    select * from {{ ref('stg_ictrp__secondary_ids') }}

),

ema_documents as (

    select * from {{ ref('stg_ema__documents') }}

),

ema_report_ids as (

    {#- The trial identifiers an EMA clinical study report states next to their label
        (confidence >= 0.9, as bridge_trial_ema_document links them). #}
    select
        ema_documents.document_id,
        findings.finding_type,
        findings.finding_value
    from ema_documents
    inner join {{ ref('stg_ema__report_findings') }} as findings
        on ema_documents.document_file like {{ dbt.concat(["'%'", 'findings.report_file']) }}
    where findings.confidence >= 0.9
        and findings.finding_type in ('eudract_number', 'nct_id', 'isrctn')

),

patterns as (

    select * from {{ ref('registry_id_patterns') }}

),

stated as (

    {#- record_id: the record's own identifier as the record writes it; id_kind: what the field
        can only hold (NULL when it holds anything). #}
    select
        'ctgov' as stated_by,
        nct_id as record_id,
        'own' as identifier_role,
        'nct_id' as source_field,
        nct_id as raw_identifier,
        'nct' as id_kind
    from ctgov_studies
    union all
    select
        'ctgov' as stated_by,
        nct_id as record_id,
        'listed' as identifier_role,
        'secondary_id' as source_field,
        secondary_id as raw_identifier,
        case
            when upper(secondary_id_domain) like '%ISRCTN%' then 'isrctn'
            when upper(secondary_id_domain) like '%CLINICALTRIALS.GOV%' then 'nct'
        end as id_kind
    from ctgov_secondary
    union all
    select distinct
        'euctr' as stated_by,
        registry_id as record_id,
        'own' as identifier_role,
        'eudract_number' as source_field,
        registry_id as raw_identifier,
        cast(null as {{ dbt.type_string() }}) as id_kind
    from euctr
    union all
    select distinct
        'euctr' as stated_by,
        registry_id as record_id,
        'listed' as identifier_role,
        'A.5.1 isrctn' as source_field,
        isrctn_number_text as raw_identifier,
        'isrctn' as id_kind
    from euctr
    union all
    select distinct
        'euctr' as stated_by,
        registry_id as record_id,
        'listed' as identifier_role,
        'A.5.2 nct' as source_field,
        nct_number_text as raw_identifier,
        'nct' as id_kind
    from euctr
    union all
    select distinct
        'euctr' as stated_by,
        registry_id as record_id,
        'listed' as identifier_role,
        'A.5.3 who_utn' as source_field,
        who_utn as raw_identifier,
        cast(null as {{ dbt.type_string() }}) as id_kind
    from euctr
    union all
    select
        'isrctn' as stated_by,
        registry_id as record_id,
        'own' as identifier_role,
        'isrctn' as source_field,
        registry_id as raw_identifier,
        'isrctn' as id_kind
    from isrctn
    union all
    select
        'isrctn' as stated_by,
        registry_id as record_id,
        'listed' as identifier_role,
        'eudraCTNumber' as source_field,
        eudract_number_text as raw_identifier,
        cast(null as {{ dbt.type_string() }}) as id_kind
    from isrctn
    union all
    select
        'isrctn' as stated_by,
        registry_id as record_id,
        'listed' as identifier_role,
        'clinicalTrialsGovNumber' as source_field,
        nct_number_text as raw_identifier,
        'nct' as id_kind
    from isrctn
    union all
    select
        'isrctn' as stated_by,
        registry_id as record_id,
        'listed' as identifier_role,
        'protocolSerialNumber' as source_field,
        protocol_serial_number as raw_identifier,
        cast(null as {{ dbt.type_string() }}) as id_kind
    from isrctn
    union all
    select
        'isrctn' as stated_by,
        registry_id as record_id,
        'listed' as identifier_role,
        'irasNumber' as source_field,
        iras_number as raw_identifier,
        'iras' as id_kind
    from isrctn
    union all
    select
        'isrctn' as stated_by,
        registry_id as record_id,
        'listed' as identifier_role,
        'secondaryNumber' as source_field,
        secondary_number as raw_identifier,
        cast(null as {{ dbt.type_string() }}) as id_kind
    from isrctn_secondary
    union all
    select
        'ictrp' as stated_by,
        ictrp_trial_id as record_id,
        'own' as identifier_role,
        'TrialID' as source_field,
        ictrp_trial_id as raw_identifier,
        cast(null as {{ dbt.type_string() }}) as id_kind
    from ictrp
    union all
    select
        'ictrp' as stated_by,
        ictrp_trial_id as record_id,
        'listed' as identifier_role,
        'Secondary_ID' as source_field,
        secondary_id as raw_identifier,
        cast(null as {{ dbt.type_string() }}) as id_kind
    from ictrp_secondary
    union all
    select distinct
        'ema' as stated_by,
        document_id as record_id,
        'own' as identifier_role,
        'listing eudract_number' as source_field,
        eudract_number as raw_identifier,
        cast(null as {{ dbt.type_string() }}) as id_kind
    from ema_documents
    union all
    select distinct
        'ema' as stated_by,
        document_id as record_id,
        'listed' as identifier_role,
        {{ dbt.concat(["'report '", 'finding_type']) }} as source_field,
        finding_value as raw_identifier,
        case finding_type when 'nct_id' then 'nct' when 'isrctn' then 'isrctn' end as id_kind
    from ema_report_ids

),

cleaned as (

    select distinct
        stated_by,
        record_id,
        identifier_role,
        source_field,
        trim(raw_identifier) as raw_identifier,
        id_kind,
        {{ regexp_replace_all(
            regexp_replace_all('upper(raw_identifier)', "'[[:space:]]+'", "''"), "'[.,;:]+$'", "''"
        ) }} as identifier_key
    from stated
    where record_id is not null
        and nullif(trim(raw_identifier), '') is not null

),

{% if is_incremental() %}
    stored as (

        select
            stated_by,
            record_id,
            source_field,
            raw_identifier
        from {{ this }}

    ),

    stated_keys as (

        select
            stated_by,
            record_id,
            source_field,
            raw_identifier
        from cleaned

    ),

    changed_records as (

        {#- Records with a key the stored table lacks, or a stored key they lost; and the
            ClinicalTrials.gov studies loaded since the last build. -#}
        select distinct
            stated_by,
            record_id
        from (
            select * from stated_keys
            except
            select * from stored
        ) as added
        union
        select distinct
            stated_by,
            record_id
        from (
            select * from stored
            except
            select * from stated_keys
        ) as dropped
        union
        select
            'ctgov' as stated_by,
            nct_id as record_id
        from ctgov_studies
        where extracted_at > {{ trials_watermark() }}

    ),
{% endif %}
to_read as (

    select cleaned.*
    from cleaned
    {% if is_incremental() %}
        inner join changed_records
            on cleaned.stated_by = changed_records.stated_by
                and cleaned.record_id = changed_records.record_id
    {% endif %}

),

matched as (

    select
        to_read.*,
        patterns.registry as id_registry,
        patterns.id_form,
        patterns.pattern,
        patterns.group_count,
        patterns.canonical_prefix,
        patterns.group_separator,
        patterns.group_case,
        row_number() over (
            partition by to_read.stated_by, to_read.record_id, to_read.source_field, to_read.raw_identifier
            order by patterns.priority
        ) as match_rank
    from to_read
    left join patterns
        on (patterns.applies_to = 'any' or to_read.id_kind = patterns.applies_to)
            and (
                patterns.keyword is null
                or to_read.identifier_key like {{ dbt.concat(["'%'", 'patterns.keyword', "'%'"]) }}
            )
            and {{ regexp_like('to_read.identifier_key', 'patterns.pattern') }}

),

parsed as (

    select
        *,
        {%- set g1 = regexp_extract('identifier_key', 'pattern', 1) %}
        {%- set g2 = regexp_extract('identifier_key', 'pattern', 2) %}
        {%- set g3 = regexp_extract('identifier_key', 'pattern', 3) %}
        {%- set sep = "coalesce(group_separator, '')" %}
        case
            when pattern is null then null
            when group_count = 3 then {{ dbt.concat([g1, sep, g2, sep, g3]) }}
            when group_count = 2 then {{ dbt.concat([g1, sep, g2]) }}
            else {{ g1 }}
        end as identifier_body
    from matched
    where match_rank = 1

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['stated_by', 'record_id', 'source_field', 'raw_identifier']) }} as registry_identifier_id,
        record_id,
        case
            when pattern is not null then {{ dbt.concat([
                "coalesce(canonical_prefix, '')",
                "case when group_case = 'lower' then lower(identifier_body) else identifier_body end",
            ]) }}
        end as canonical_id,

        ----------  strings
        stated_by,
        identifier_role,
        source_field,
        raw_identifier,
        id_registry,
        id_form,

        ----------  timestamps
        {{ build_started_at() }} as built_at

    from parsed

)

select * from final
