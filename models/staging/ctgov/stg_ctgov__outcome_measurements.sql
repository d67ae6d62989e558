with

source as (

    select * from {{ source_or_empty('ctgov', 'studies__outcome_measurements') }}

),

renamed as (

    select
        ----------  ids
        {{ surrogate_key(['nct_id', '_dlt_list_idx']) }} as outcome_measurement_id,
        {{ surrogate_key(['nct_id', 'outcome_index']) }} as result_outcome_id,
        nct_id,
        group_code,

        ----------  strings
        class_title,
        category_title,
        value as value_text,
        spread as spread_text,
        lower_limit as lower_limit_text,
        upper_limit as upper_limit_text,
        measurement_comment,
        {{ reported_number_comparator('value') }} as value_comparator,
        {{ reported_number_qualifier('value') }} as value_qualifier,

        ----------  numerics
        cast(outcome_index as {{ dbt.type_bigint() }}) + 1 as outcome_rank,
        cast(class_index as {{ dbt.type_bigint() }}) + 1 as class_rank,
        cast(category_index as {{ dbt.type_bigint() }}) + 1 as category_rank,
        {{ reported_number_value('value') }} as value_number,
        {{ reported_number_value('spread') }} as spread_number,
        {{ reported_number_value('lower_limit') }} as lower_limit_number,
        {{ reported_number_value('upper_limit') }} as upper_limit_number,
        _dlt_list_idx as row_index

    from source

)

select * from renamed
