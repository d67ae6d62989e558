{#-
    Bounds of a laboratory reference range as written on a result: "70-100" (both bounds),
    "<200" or "<=200" (upper bound only), ">40" or ">=40" (lower bound only). Spaces are ignored;
    a blank or unrecognised range gives NULL bounds.
    Bounds are 8-byte doubles: a 4-byte float would turn 3.9 into 3.9000001 and flag 3.9 abnormal. A value equal to a bound counts as normal.
    reference_range_bound(expression, 'low') / reference_range_bound(expression, 'high').
-#}
{% macro reference_range_bound(expression, bound) -%}
    {%- set cleaned = "replace(trim(" ~ expression ~ "), ' ', '')" -%}
    {%- set number = "[0-9]+([.][0-9]+)?" -%}
    {%- set both = regexp_like(cleaned, "'^" ~ number ~ "-" ~ number ~ "$'") -%}
    case
        {%- if bound == 'low' %}
            when {{ both }} then {{ dbt.safe_cast(dbt.split_part(cleaned, "'-'", 1), type_double()) }}
            when {{ regexp_like(cleaned, "'^>=?" ~ number ~ "$'") }}
                then {{ dbt.safe_cast(regexp_replace_all(cleaned, "'[>=]'", "''"), type_double()) }}
        {%- else %}
            when {{ both }} then {{ dbt.safe_cast(dbt.split_part(cleaned, "'-'", 2), type_double()) }}
            when {{ regexp_like(cleaned, "'^<=?" ~ number ~ "$'") }}
                then {{ dbt.safe_cast(regexp_replace_all(cleaned, "'[<=]'", "''"), type_double()) }}
        {%- endif %}
    end
{%- endmacro %}
