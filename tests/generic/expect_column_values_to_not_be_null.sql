{#- Same name and arguments as dbt-expectations: NULLs (among rows matching row_condition) fail. -#}
{% test expect_column_values_to_not_be_null(model, column_name, row_condition=None) %}
select *
from {{ model }}
where {{ column_name }} is null
    {% if row_condition %}and ({{ row_condition }}){% endif %}
{% endtest %}
