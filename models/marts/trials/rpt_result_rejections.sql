with

rejections as (

    select * from {{ ref('int_trials__result_rows_rejected') }}

),

final as (

    select
        ----------  ids
        rejection_id,
        row_id,
        nct_id,

        ----------  strings
        result_table,
        field_name,
        value_text,
        rejection_reason,

        ----------  booleans
        is_excluded

    from rejections

)

select * from final
