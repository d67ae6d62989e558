{#- Same name and arguments as dbt-expectations: non-null values outside [min_value, max_value] fail. -#}
{% test expect_column_values_to_be_between(model, column_name, min_value=None, max_value=None, row_condition=None, strictly=False) %}
select *
from {{ model }}
where {{ column_name }} is not null
    and not {{ within_bounds(column_name, min_value, max_value, strictly) }}
    {% if row_condition %}and ({{ row_condition }}){% endif %}
{% endtest %}
