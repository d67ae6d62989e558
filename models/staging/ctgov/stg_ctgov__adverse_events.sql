with

source as (

    select * from {{ source_or_empty('ctgov', 'studies__adverse_events') }}

),

renamed as (

    select
        ----------  ids
        {{ surrogate_key(['nct_id', '_dlt_list_idx']) }} as adverse_event_id,
        nct_id,
        group_code,

        ----------  strings
        event_kind,
        term as adverse_event_term,
        organ_system,
        source_vocabulary,
        lower(assessment_type) as assessment_type,
        event_notes,
        num_events as num_events_text,
        num_affected as num_affected_text,
        num_at_risk as num_at_risk_text,

        ----------  numerics
        cast(event_index as {{ dbt.type_bigint() }}) + 1 as event_rank,
        {{ reported_count('num_events') }} as num_events,
        {{ reported_count('num_affected') }} as num_affected,
        {{ reported_count('num_at_risk') }} as num_at_risk,
        _dlt_list_idx as row_index

    from source

)

select * from renamed
