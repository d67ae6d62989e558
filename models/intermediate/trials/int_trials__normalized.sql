{{ config(
    materialized="table" if target.type == "spark" else "incremental",
    incremental_strategy="delete+insert",
    unique_key="nct_id",
    on_schema_change="append_new_columns",
) }}

{#-
    One row per trial with status and phase mapped onto the warehouse vocabularies
    (seeds trial_status_mapping and trial_phase_mapping). A registry value missing from a seed
    maps to 'unmapped' and fails the accepted-values tests, so a new value is noticed, not lost.

    Incremental (DuckDB; a plain table on Spark, docs/performance.md): a build reads only the
    studies loaded after the latest extracted_at it stores and replaces their rows (a study the
    loader merged again replaces its row; a seed change needs `ctw build --full-refresh`).
-#}
with

studies as (

    select * from {{ ref('stg_ctgov__studies') }}
    {% if is_incremental() and stored_with_column('extracted_at') -%}
        {%- set never = to_timestamp_ntz("'1900-01-01 00:00:00'") %}
        where extracted_at > (select coalesce(max(loaded.extracted_at), {{ never }}) from {{ this }} as loaded)
    {%- endif %}

),

status_mapping as (

    select * from {{ ref('trial_status_mapping') }}
    where registry = 'ctgov'

),

phase_mapping as (

    select * from {{ ref('trial_phase_mapping') }}

),

normalized as (

    select
        ----------  ids
        studies.nct_id as trial_id,
        studies.nct_id,
        'ctgov' as registry,

        ----------  strings
        studies.brief_title,
        studies.official_title,
        studies.acronym,
        studies.overall_status as source_status,
        coalesce(status_mapping.trial_status, 'unknown') as trial_status,
        studies.phases as source_phase,
        case
            when studies.phases is null then null
            else coalesce(phase_mapping.phase, 'unmapped')
        end as phase,
        studies.study_type,
        studies.allocation,
        studies.primary_purpose,
        studies.eligible_sex,
        studies.enrollment_type,
        studies.why_stopped,
        studies.brief_summary,

        ----------  numerics
        studies.enrollment_count,
        studies.minimum_age_years,
        studies.maximum_age_years,

        ----------  booleans
        coalesce(status_mapping.is_active, false) as is_active,
        studies.accepts_healthy_volunteers,
        studies.has_results,

        ----------  dates
        studies.start_date,
        studies.start_date_precision,
        studies.primary_completion_date,
        studies.primary_completion_date_precision,
        studies.completion_date,
        studies.completion_date_precision,
        studies.first_submitted_date,
        studies.first_posted_date,
        studies.last_update_posted_date,

        ----------  timestamps
        studies.last_update_posted_at,
        studies.extracted_at

    from studies
    left join status_mapping
        on studies.overall_status = status_mapping.source_status
    left join phase_mapping
        on studies.phases = phase_mapping.source_phase

)

select * from normalized
