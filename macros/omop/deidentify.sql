{#-
    De-identification helpers for the OMOP outputs.

    The key never appears in compiled SQL, logs, dbt artefacts or the docs site: the SQL reads it
    from the engine at run time, and dbt never sees its value (no env_var() call on it here).
    - DuckDB: the session variable `ctw_deid_key`, set on every connection by the dbt-duckdb
      plugin `ctw.deid_plugin` (profiles.yml) from CTW_DEID_KEY.
    - Spark: Spark SQL's variable substitution of `${env:CTW_DEID_KEY}` in the driver.
    - PostgreSQL: the setting `ctw.deid_key` (e.g. PGOPTIONS='-c ctw.deid_key=...').
    Without a key a dev build uses the published dev-only key; the cohort registry records which
    key (its fingerprint) and whether it was the dev-only one. With CTW_ENV=prod the runner
    (ctw/dbt.py), the DuckDB plugin and the SQL itself (an engine error) refuse a missing key and
    the dev-only key.
-#}

{% macro deid_dev_only_key() -%}
    {{ return('ctw-dev-only-deid-key-not-a-secret') }}
{%- endmacro %}

{#- The key as the engine sees it at run time, the dev-only key when none is set. -#}
{% macro deid_key_runtime() -%}
    {{ return(adapter.dispatch('deid_key_runtime', 'clinical_trials_warehouse')()) }}
{%- endmacro %}

{% macro default__deid_key_runtime() -%}
    coalesce(nullif(getvariable('ctw_deid_key'), ''), '{{ deid_dev_only_key() }}')
{%- endmacro %}

{% macro postgres__deid_key_runtime() -%}
    coalesce(nullif(current_setting('ctw.deid_key', true), ''), '{{ deid_dev_only_key() }}')
{%- endmacro %}

{#- Unset, `${env:CTW_DEID_KEY}` stays as it is: compared with the same text built so that Spark
    does not substitute it. -#}
{% macro spark__deid_key_runtime() -%}
    coalesce(nullif(nullif('${env:CTW_DEID_KEY}', concat('$', '{env:CTW_DEID_KEY}')), ''), '{{ deid_dev_only_key() }}')
{%- endmacro %}

{#- The key expression used in hashes: in production, the dev-only key is an engine error. -#}
{% macro deid_key_expression() -%}
    {%- if env_var('CTW_ENV', 'dev') == 'prod' -%}
        case
            when {{ deid_key_runtime() }} = '{{ deid_dev_only_key() }}'
                then cast({{ deid_key_refused() }} as {{ dbt.type_string() }})
            else {{ deid_key_runtime() }}
        end
    {%- else -%}
        {{ deid_key_runtime() }}
    {%- endif -%}
{%- endmacro %}

{% macro deid_key_refused() -%}
    {{ return(adapter.dispatch('deid_key_refused', 'clinical_trials_warehouse')()) }}
{%- endmacro %}

{% macro default__deid_key_refused() -%}
    error('CTW_DEID_KEY must be set to the production pseudonymisation key when CTW_ENV=prod')
{%- endmacro %}

{% macro postgres__deid_key_refused() -%}
    null
{%- endmacro %}

{% macro spark__deid_key_refused() -%}
    raise_error('CTW_DEID_KEY must be set to the production pseudonymisation key when CTW_ENV=prod')
{%- endmacro %}

{#- Whether the build used the dev-only key (a boolean expression). -#}
{% macro deid_is_dev_key() -%}
    ({{ deid_key_runtime() }} = '{{ deid_dev_only_key() }}')
{%- endmacro %}

{#- A fingerprint of the key (16 hex digits of a keyed hash of a constant): it tells two keys
    apart and cannot be reversed. -#}
{% macro deid_key_fingerprint() -%}
    substr({{ keyed_hash('key_fingerprint', "'ctw'") }}, 1, 16)
{%- endmacro %}

{#- A keyed SHA-256 digest (hex) of a domain label and a value. -#}
{% macro keyed_hash(domain, expression) -%}
    {{ return(adapter.dispatch('keyed_hash', 'clinical_trials_warehouse')(domain, expression)) }}
{%- endmacro %}

{% macro default__keyed_hash(domain, expression) -%}
    sha256({{ deid_key_expression() }} || '|' || '{{ domain }}' || '|' || cast({{ expression }} as {{ dbt.type_string() }}))
{%- endmacro %}

{% macro postgres__keyed_hash(domain, expression) -%}
    encode(sha256(convert_to(
        {{ deid_key_expression() }} || '|' || '{{ domain }}' || '|' || cast({{ expression }} as text), 'UTF8'
    )), 'hex')
{%- endmacro %}

{% macro spark__keyed_hash(domain, expression) -%}
    sha2(concat({{ deid_key_expression() }}, '|', '{{ domain }}', '|', cast({{ expression }} as string)), 256)
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
