{#- Same name and arguments as dbt-expectations: rows where column_A is not greater than column_B fail
    (rows where either is NULL are ignored). -#}
{% test expect_column_pair_values_A_to_be_greater_than_B(model, column_A, column_B, or_equal=False, row_condition=None) %}
{%- set operator = ">=" if or_equal else ">" -%}
select *
from {{ model }}
where {{ column_A }} is not null
    and {{ column_B }} is not null
    and not ({{ column_A }} {{ operator }} {{ column_B }})
    {% if row_condition %}and ({{ row_condition }}){% endif %}
{% endtest %}
