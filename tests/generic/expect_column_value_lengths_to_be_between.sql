{#- Same name and arguments as dbt-expectations: non-null values whose length is outside the bounds fail. -#}
{% test expect_column_value_lengths_to_be_between(model, column_name, min_value=None, max_value=None, row_condition=None, strictly=False) %}
select *
from {{ model }}
where {{ column_name }} is not null
    and not {{ within_bounds("length(" ~ column_name ~ ")", min_value, max_value, strictly) }}
    {% if row_condition %}and ({{ row_condition }}){% endif %}
{% endtest %}
