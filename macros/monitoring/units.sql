{#-
    Units as hospitals write them ("°F", "mmol/L", "lb") as one lower-case code without the degree
    sign ("f", "mmol/l", "lb"), so spelling differences do not matter.
-#}
{% macro normalize_unit_code(expression) -%}
    lower(replace(replace(trim({{ expression }}), '°', ''), ' ', ''))
{%- endmacro %}

{#-
    A reported value in the standard unit of its measure (see seeds/monitoring_measures.csv):
    temperature in °C, weight in kg, glucose and cholesterol in mg/dL, haemoglobin in g/dL;
    heart rate (bpm) and blood pressure (mmHg) have one unit. NULL for an unknown measure or unit.
    Factors: 1 lb = 0.45359237 kg (exact); glucose 1 mmol/L = 18.016 mg/dL (180.16 g/mol);
    cholesterol 1 mmol/L = 38.67 mg/dL (386.7 g/mol); haemoglobin 1 g/L = 0.1 g/dL.
-#}
{% macro to_standard_unit(measure_code, value, unit_code) -%}
    case
        when {{ measure_code }} = 'temperature' and {{ unit_code }} = 'f' then ({{ value }} - 32) * 5 / 9
        when {{ measure_code }} = 'temperature' and {{ unit_code }} = 'c' then {{ value }}
        when {{ measure_code }} = 'weight' and {{ unit_code }} = 'lb' then {{ value }} * 0.45359237
        when {{ measure_code }} = 'weight' and {{ unit_code }} = 'kg' then {{ value }}
        when {{ measure_code }} = 'heart_rate' and {{ unit_code }} = 'bpm' then {{ value }}
        when {{ measure_code }} in ('systolic_bp', 'diastolic_bp') and {{ unit_code }} = 'mmhg' then {{ value }}
        when {{ measure_code }} = 'glucose' and {{ unit_code }} = 'mmol/l' then {{ value }} * 18.016
        when {{ measure_code }} = 'glucose' and {{ unit_code }} = 'mg/dl' then {{ value }}
        when {{ measure_code }} in ('total_cholesterol', 'hdl_cholesterol') and {{ unit_code }} = 'mmol/l'
            then {{ value }} * 38.67
        when {{ measure_code }} in ('total_cholesterol', 'hdl_cholesterol') and {{ unit_code }} = 'mg/dl'
            then {{ value }}
        when {{ measure_code }} = 'hemoglobin' and {{ unit_code }} = 'g/l' then {{ value }} / 10
        when {{ measure_code }} = 'hemoglobin' and {{ unit_code }} = 'g/dl' then {{ value }}
    end
{%- endmacro %}
