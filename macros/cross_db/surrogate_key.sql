{#-
    A deterministic key from one or more columns: the md5 of the values joined with a separator,
    NULL written as a marker so that (NULL, 'a') and ('', 'a') differ. Built from dbt's
    cross-database macros, so it gives the same key on every engine.
-#}
{% macro surrogate_key(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append(
            "coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '_null_')"
        ) -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}
