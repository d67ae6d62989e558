{#-
    How the monitoring models match the vocabulary seeds (seeds/monitoring_measures.csv,
    seeds/monitoring_units.csv): the twins of measure_key() and unit_key() in
    extract/sources/monitoring/vocabulary.py, which the loader uses on the same rows.
-#}

{#- A measure name as the seed's codes and aliases are written: lower case, spaces and hyphens as "_". -#}
{% macro measure_key(expression) -%}
    replace(replace(lower(trim({{ expression }})), ' ', '_'), '-', '_')
{%- endmacro %}

{#- A unit spelling whatever its case and spaces ("MG / DL" is "mg/dl"). -#}
{% macro normalize_unit_code(expression) -%}
    lower(replace(trim({{ expression }}), ' ', ''))
{%- endmacro %}

{#-
    A value in the canonical unit of its measure, given the relation alias of a row of
    int_monitoring__unit_conversions: (value + offset_before) * multiply_by / divide_by + offset_after,
    in the order the loader computes it (multiply_by already includes the molar mass where the
    seed row says times_molar_mass).
-#}
{% macro to_canonical_unit(value, conversion) -%}
    (({{ value }} + {{ conversion }}.offset_before) * {{ conversion }}.multiply_by / {{ conversion }}.divide_by
        + {{ conversion }}.offset_after)
{%- endmacro %}
