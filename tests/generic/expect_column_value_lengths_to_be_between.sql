{#- Same name and arguments as dbt-expectations: non-null values whose length is outside the bounds fail. -#}
{% test expect_column_value_lengths_to_be_between(model, column_name, min_value=None, max_value=None, row_condition=None, strictly=False) %}
{%- set lower = ">" if strictly else ">=" -%}
{%- set upper = "<" if strictly else "<=" -%}
select *
from {{ model }}
where {{ column_name }} is not null
    and not (
        1 = 1
        {% if min_value is not none %}and length({{ column_name }}) {{ lower }} {{ min_value }}{% endif %}
        {% if max_value is not none %}and length({{ column_name }}) {{ upper }} {{ max_value }}{% endif %}
    )
    {% if row_condition %}and ({{ row_condition }}){% endif %}
{% endtest %}
