with

source as (

    select * from {{ source_or_empty('ctgov', 'studies__result_denoms') }}

),

renamed as (

    select
        ----------  ids
        {{ surrogate_key(['nct_id', '_dlt_list_idx']) }} as result_denom_id,
        nct_id,
        group_code,

        ----------  strings
        result_module,
        units as denom_units,
        value as denom_value_text,

        ----------  numerics
        cast(outcome_index as {{ dbt.type_bigint() }}) + 1 as outcome_rank,
        cast(measure_index as {{ dbt.type_bigint() }}) + 1 as measure_rank,
        cast(class_index as {{ dbt.type_bigint() }}) + 1 as class_rank,
        {{ reported_count('value') }} as denom_value,
        _dlt_list_idx as row_index

    from source

)

select * from renamed
