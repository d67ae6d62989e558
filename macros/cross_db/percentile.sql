{#-
    A continuous percentile (linear interpolation between the two nearest ranks) as an aggregate:
    percentile_cont('x', 0.95) is the 95th percentile of x in the group, 0.5 the median.
-#}
{% macro percentile_cont(expression, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont', 'clinical_trials_warehouse')(expression, fraction)) }}
{%- endmacro %}

{% macro default__percentile_cont(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}

{% macro postgres__percentile_cont(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}

{#- Spark's exact percentile interpolates like percentile_cont (percentile_approx would not). -#}
{% macro spark__percentile_cont(expression, fraction) -%}
    percentile({{ expression }}, {{ fraction }})
{%- endmacro %}
