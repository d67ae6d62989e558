{#-
    The versions fct_trial_status_history is built from: the trials_snapshot (SCD2) wherever
    snapshots run, otherwise (local Spark without Delta, see snapshots/_trials__snapshots.yml)
    the current state of each trial as a single open version, with the columns and values the
    snapshot's first version would have: dbt_scd_id is the md5 of the key and updated_at as dbt
    computes it, valid from the trial's last update (last_updated_at), valid to NULL.
-#}
{% macro trials_status_versions() -%}
    {%- if target.type != 'spark' or env_var('CTW_SNAPSHOTS_ON_SPARK', 'false') == 'true' -%}
        {{ ref('trials_snapshot') }}
    {%- else -%}
        (
            select
                current_state.*,
                {{ dbt.hash(dbt.concat([
                    "coalesce(cast(trial_id as " ~ dbt.type_string() ~ "), '')",
                    "'|'",
                    "coalesce(cast(last_updated_at as " ~ dbt.type_string() ~ "), '')",
                ])) }} as dbt_scd_id,
                last_updated_at as dbt_valid_from,
                cast(null as {{ dbt.type_timestamp() }}) as dbt_valid_to
            from {{ ref('dim_trial') }} as current_state
        )
    {%- endif -%}
{%- endmacro %}
