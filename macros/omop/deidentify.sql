{#-
    De-identification helpers for the OMOP outputs.

    The key comes from the environment only (CTW_DEID_KEY). Without it, a dev build uses a
    published dev-only key and says so; with CTW_ENV=prod a missing key (or the dev-only key) is
    a compile error, so production output can never be pseudonymised with a known key.
-#}

{% macro deid_dev_only_key() -%}
    {{ return('ctw-dev-only-deid-key-not-a-secret') }}
{%- endmacro %}

{% macro deid_key_literal() -%}
    {%- set key = env_var('CTW_DEID_KEY', '') -%}
    {%- set environment = env_var('CTW_ENV', 'dev') -%}
    {%- if environment == 'prod' and (key == '' or key == deid_dev_only_key()) -%}
        {{ exceptions.raise_compiler_error(
            "CTW_DEID_KEY must be set to the production pseudonymisation key when CTW_ENV=prod"
        ) }}
    {%- endif -%}
    {%- if key == '' -%}
        {%- if execute -%}
            {{ log("CTW_DEID_KEY is not set: using the dev-only key (never for real data)", info=false) }}
        {%- endif -%}
        {%- set key = deid_dev_only_key() -%}
    {%- endif -%}
    {{ sql_string_literal(key) }}
{%- endmacro %}

{#- A keyed SHA-256 digest (hex) of a domain label and a value. -#}
{% macro keyed_hash(domain, expression) -%}
    {{ return(adapter.dispatch('keyed_hash', 'clinical_trials_warehouse')(domain, expression)) }}
{%- endmacro %}

{% macro default__keyed_hash(domain, expression) -%}
    sha256({{ deid_key_literal() }} || '|' || '{{ domain }}' || '|' || cast({{ expression }} as {{ dbt.type_string() }}))
{%- endmacro %}

{% macro postgres__keyed_hash(domain, expression) -%}
    encode(sha256(convert_to(
        {{ deid_key_literal() }} || '|' || '{{ domain }}' || '|' || cast({{ expression }} as text), 'UTF8'
    )), 'hex')
{%- endmacro %}

{% macro spark__keyed_hash(domain, expression) -%}
    sha2(concat({{ deid_key_literal() }}, '|', '{{ domain }}', '|', cast({{ expression }} as string)), 256)
{%- endmacro %}

{#- The pseudonym replacing an identifier: NULL stays NULL. -#}
{% macro pseudonym(domain, expression) -%}
    case when {{ expression }} is not null then {{ keyed_hash(domain, expression) }} end
{%- endmacro %}

{#- The first eight hex digits of a digest as an integer (0 .. 4,294,967,295). -#}
{% macro hex8_to_int(expression) -%}
    {{ return(adapter.dispatch('hex8_to_int', 'clinical_trials_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__hex8_to_int(expression) -%}
    cast(('0x' || substr({{ expression }}, 1, 8)) as bigint)
{%- endmacro %}

{% macro postgres__hex8_to_int(expression) -%}
    (('x' || substr({{ expression }}, 1, 8))::bit(32)::bigint)
{%- endmacro %}

{% macro spark__hex8_to_int(expression) -%}
    cast(conv(substr({{ expression }}, 1, 8), 16, 10) as bigint)
{%- endmacro %}

{#-
    A person's date shift in days, from the keyed hash: 1..182 days either way, never zero, the
    same for every table.
-#}
{% macro date_shift_days(person_expression) -%}
    {%- set magnitude = hex8_to_int(keyed_hash('date_shift', person_expression)) -%}
    {%- set direction = hex8_to_int(keyed_hash('date_shift_direction', person_expression)) -%}
    (({{ magnitude }} % 182) + 1) * (case when ({{ direction }} % 2) = 0 then 1 else -1 end)
{%- endmacro %}

{#- A date moved by the person's shift. -#}
{% macro shift_date(date_expression, shift_expression='pseudonyms.date_shift_days') -%}
    {{ to_date(dbt.dateadd('day', shift_expression, date_expression)) }}
{%- endmacro %}
