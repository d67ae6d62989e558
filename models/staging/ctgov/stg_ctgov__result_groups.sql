with

source as (

    select * from {{ source_or_empty('ctgov', 'studies__result_groups') }}

),

renamed as (

    select
        ----------  ids
        {{ surrogate_key(['nct_id', 'result_module', 'outcome_index', 'group_code']) }} as result_group_id,
        nct_id,
        group_code,

        ----------  strings
        result_module,
        group_title,
        group_description,
        {{ normalize_name('group_title') }} as group_key,

        ----------  numerics
        cast(outcome_index as {{ dbt.type_bigint() }}) + 1 as outcome_rank,
        {{ reported_count('serious_num_affected') }} as serious_num_affected,
        {{ reported_count('serious_num_at_risk') }} as serious_num_at_risk,
        {{ reported_count('other_num_affected') }} as other_num_affected,
        {{ reported_count('other_num_at_risk') }} as other_num_at_risk,
        {{ reported_count('deaths_num_affected') }} as deaths_num_affected,
        {{ reported_count('deaths_num_at_risk') }} as deaths_num_at_risk,
        _dlt_list_idx as row_index

    from source

)

select * from renamed
