{#- Same name and arguments as dbt-expectations: each duplicated combination of column_list fails once. -#}
{% test expect_compound_columns_to_be_unique(model, column_list, row_condition=None, ignore_row_if="all_values_are_missing") %}
{%- set missing = " and " if ignore_row_if == "all_values_are_missing" else " or " -%}
select
    {% for column in column_list %}{{ column }},{% endfor %}
    count(*) as n_records
from {{ model }}
where 1 = 1
    {% if ignore_row_if in ("all_values_are_missing", "any_value_is_missing") %}
    and not (
        {%- for column in column_list %}{{ column }} is null{% if not loop.last %}{{ missing }}{% endif %}{% endfor -%}
    )
    {% endif %}
    {% if row_condition %}and ({{ row_condition }}){% endif %}
group by {% for column in column_list %}{{ column }}{% if not loop.last %}, {% endif %}{% endfor %}
having count(*) > 1
{% endtest %}
