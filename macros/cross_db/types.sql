{#- Casts written once, so models stay free of engine-specific type names. -#}

{% macro to_date(expression) -%}
    {{ dbt.safe_cast(expression, api.Column.translate_type('date')) }}
{%- endmacro %}

{% macro to_number(expression) -%}
    {{ dbt.safe_cast(expression, type_double()) }}
{%- endmacro %}

{#- An 8-byte float on every engine (dbt.type_float() is 4 bytes on some). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'clinical_trials_warehouse')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double
{%- endmacro %}

{% macro postgres__type_double() -%}
    double precision
{%- endmacro %}

{#- A date or timestamp string as a timestamp without time zone. -#}
{% macro to_timestamp_ntz(expression) -%}
    cast({{ expression }} as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- A timestamp with time zone (as dlt writes load times) as a naive UTC timestamp. -#}
{% macro utc_timestamp_ntz(expression) -%}
    {{ return(adapter.dispatch('utc_timestamp_ntz', 'clinical_trials_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__utc_timestamp_ntz(expression) -%}
    cast(timezone('UTC', {{ expression }}) as timestamp)
{%- endmacro %}

{% macro postgres__utc_timestamp_ntz(expression) -%}
    ({{ expression }} at time zone 'UTC')
{%- endmacro %}

{% macro spark__utc_timestamp_ntz(expression) -%}
    cast({{ expression }} as timestamp)
{%- endmacro %}

{#- The start of the dbt invocation as a naive UTC timestamp: stamps the rows an incremental
    model writes, so the models after it can read only the rows of this build. -#}
{% macro build_started_at() -%}
    {{ to_timestamp_ntz("'" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f') ~ "'") }}
{%- endmacro %}
