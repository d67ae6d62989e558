{#- A registry status as the key of the trial_status_mapping seed: lower case, trimmed, runs of
    whitespace as one space ("Not  Recruiting " -> "not recruiting"). -#}
{% macro status_key(expression) -%}
    lower(trim({{ regexp_replace_all(expression, "'[[:space:]]+'", "' '") }}))
{%- endmacro %}
