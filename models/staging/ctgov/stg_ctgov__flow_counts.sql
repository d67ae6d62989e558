with

source as (

    select * from {{ source_or_empty('ctgov', 'studies__flow_counts') }}

),

renamed as (

    select
        ----------  ids
        {{ surrogate_key(['nct_id', '_dlt_list_idx']) }} as flow_count_id,
        nct_id,
        group_code,

        ----------  strings
        period_title,
        count_kind,
        count_type,
        num_subjects as num_subjects_text,
        count_comment,

        ----------  numerics
        cast(period_index as {{ dbt.type_bigint() }}) + 1 as period_rank,
        cast(type_index as {{ dbt.type_bigint() }}) + 1 as type_rank,
        {{ reported_count('num_subjects') }} as num_subjects,
        _dlt_list_idx as row_index

    from source

)

select * from renamed
