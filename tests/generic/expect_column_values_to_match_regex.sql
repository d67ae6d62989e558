{#- Same name and arguments as dbt-expectations: rows whose value does not match `regex` fail. -#}
{% test expect_column_values_to_match_regex(model, column_name, regex, row_condition=None, is_raw=False, flags="") %}
{%- set pattern = regex if is_raw else "'" ~ regex ~ "'" -%}
select *
from {{ model }}
where {{ column_name }} is not null
    and not {{ regexp_like(column_name, pattern) }}
    {% if row_condition %}and ({{ row_condition }}){% endif %}
{% endtest %}
