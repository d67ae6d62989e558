{#-
    dbt.datediff on Spark for days: a bigint, as on DuckDB (Spark's datediff gives an int, which
    fails a contract declaring bigint). Days are counted between calendar dates, as DuckDB's
    date_diff counts day boundaries. The project only counts days; other parts are refused rather
    than given a different meaning.
-#}
{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- if datepart | lower != 'day' -%}
        {{ exceptions.raise_compiler_error("datediff on Spark is implemented for 'day' only, not " ~ datepart) }}
    {%- endif -%}
    cast(datediff(cast({{ second_date }} as date), cast({{ first_date }} as date)) as bigint)
{%- endmacro %}
