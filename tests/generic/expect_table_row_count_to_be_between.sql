{#- Same name and arguments as dbt-expectations: fails when the row count is outside the bounds. -#}
{% test expect_table_row_count_to_be_between(model, min_value=None, max_value=None, row_condition=None, strictly=False) %}
with counted as (
    select count(*) as row_count
    from {{ model }}
    {% if row_condition %}where {{ row_condition }}{% endif %}
)

select row_count
from counted
where not {{ within_bounds("row_count", min_value, max_value, strictly) }}
{% endtest %}
