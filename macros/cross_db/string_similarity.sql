{#- Similarity of two strings between 0 and 1: one minus the Levenshtein distance over the
    longer length. The same function on every engine (DuckDB and Spark both have levenshtein),
    so the engines agree; dispatched for engines that name it otherwise. -#}
{% macro string_similarity(left, right) -%}
    {{ return(adapter.dispatch('string_similarity', 'clinical_trials_warehouse')(left, right)) }}
{%- endmacro %}

{% macro default__string_similarity(left, right) -%}
    (1.0 - cast(levenshtein({{ left }}, {{ right }}) as {{ type_double() }})
        / greatest(length({{ left }}), length({{ right }}), 1))
{%- endmacro %}
