{#-
    The key test of a model keyed on a column pair (or more), under the name and argument that
    dbt_utils gives it, so that tools looking for a primary-key test (dbt-project-evaluator,
    `ctw publish`) recognise it. Each duplicated combination fails once; with quote_columns the
    column names are quoted for the adapter.
-#}
{% test unique_combination_of_columns(model, combination_of_columns, quote_columns=false) %}
{%- set columns = [] -%}
{%- for column in combination_of_columns -%}
    {%- do columns.append(adapter.quote(column) if quote_columns else column) -%}
{%- endfor -%}
select
    {{ columns | join(', ') }},
    count(*) as n_records
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
