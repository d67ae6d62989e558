{#-
    `not_null` on several columns of a model in one test: one query, one node, where one
    `not_null` test per column costs dbt a node each (docs/performance.md, "Build fixed cost").
    A row with a NULL in k of the columns fails k times, each failing row naming the column in
    `null_column`, so the failure count is what the per-column tests would add up to.
    The model is read once: the rows with any NULL among the columns, then one row per NULL.
-#}
{% test not_null_columns(model, column_names) %}
with offending as (
    select *
    from {{ model }}
    where
    {%- for column in column_names %}
        {{ 'or ' if not loop.first }}{{ column }} is null
    {%- endfor %}
),

checked as (
    {%- for column in column_names %}
    select '{{ column }}' as null_column
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}
)

select
    checked.null_column,
    offending.*
from offending
cross join checked
where
{%- for column in column_names %}
    {{ 'or ' if not loop.first }}(checked.null_column = '{{ column }}' and offending.{{ column }} is null)
{%- endfor %}
{% endtest %}
