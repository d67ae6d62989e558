{#-
    Models kept incremental per trial (docs/performance.md, "An incremental warehouse").

    Such a model stamps its rows with built_at (build_started_at()) and is configured as

        materialized="table" if target.type == "spark" else "incremental",
        incremental_strategy="append",
        on_schema_change="append_new_columns",
        pre_hook="{{ delete_changed_trials() }}",

    and restricts its trial-keyed import CTE with {{ only_changed_trials() }}. On an incremental
    build the changed trials are those of every registry ID resolved again since the model's
    last build (merges and splits) and those of every registry record loaded since then
    (extracted_at); the pre-hook deletes their stored rows and the rows of trial ids that are no
    trials any more (the losing side of a merge), then the model appends the new rows of the
    changed trials. A changed trial that has no rows any more keeps none.
-#}

{% macro trials_watermark() -%}
    {#- When the model was last built: max(built_at) of the stored rows, read once when the model
        compiles (before its pre-hook deletes any row) and written into the SQL as a literal; for
        a table stored without a row, when the build that wrote it started
        (record_incremental_build()). In a unit test `this` is the fixture (a string): read it
        there. A table never built, or stored empty before builds were noted, counts as never
        built. -#}
    {%- set never = to_timestamp_ntz("'1900-01-01 00:00:00'") -%}
    {%- if this is string -%}
        {{- return('coalesce((select max(built_at) from ' ~ this ~ '), ' ~ never ~ ')') -}}
    {%- endif -%}
    {%- if not execute or not stored_with_column() -%}
        {{- return(never) -}}
    {%- endif -%}
    {%- set stored = run_query(
        'select cast(max(built_at) as ' ~ dbt.type_string() ~ ') from ' ~ this
    ).columns[0].values()[0] -%}
    {%- if stored is none -%}
        {%- set stored = last_incremental_build() -%}
    {%- endif -%}
    {%- if stored is none -%}
        {{- return(never) -}}
    {%- endif -%}
    {{- return(to_timestamp_ntz("'" ~ stored ~ "'")) -}}
{%- endmacro %}

{% macro incremental_builds_relation() -%}
    {{- return(api.Relation.create(database=target.database, schema=target.schema, identifier='dbt_incremental_builds')) -}}
{%- endmacro %}

{% macro record_incremental_build() -%}
    {#- Post-hook of every model (dbt_project.yml): an incremental model notes the start of the
        build that wrote it, so that one stored without a row still has a watermark (a study
        with no rejected results row is the rule, not the exception). Nothing for other models
        and on spark, where no model is incremental. -#}
    {%- if execute and target.type != 'spark' and config.get('materialized') == 'incremental' -%}
        {%- set builds = incremental_builds_relation() -%}
        create table if not exists {{ builds }} (model_name {{ dbt.type_string() }}, built_at {{ dbt.type_timestamp() }});
        delete from {{ builds }} where model_name = '{{ this.identifier }}';
        insert into {{ builds }} values ('{{ this.identifier }}', {{ build_started_at() }})
    {%- endif -%}
{%- endmacro %}

{% macro last_incremental_build() -%}
    {#- When the model was last built, from record_incremental_build(); none if never noted. -#}
    {%- set builds = incremental_builds_relation() -%}
    {%- if adapter.get_relation(database=builds.database, schema=builds.schema, identifier=builds.identifier) is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set found = run_query(
        'select cast(max(built_at) as ' ~ dbt.type_string() ~ ') from ' ~ builds
        ~ " where model_name = '" ~ this.identifier ~ "'"
    ).columns[0].values()[0] -%}
    {{- return(found) -}}
{%- endmacro %}

{% macro stored_with_column(column='built_at') -%}
    {#- Whether the stored table has the column: a table built before the model was incremental
        lacks it, and is then built again whole, once. In a unit test `this` is the fixture. -#}
    {%- if this is string or not execute -%}
        {{- return(true) -}}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {{- return(column in columns) -}}
{%- endmacro %}

{% macro changed_trials(since) -%}
    {#- The trial_id of every registry ID resolved again after `since`, and of every registry
        record loaded after it. -#}
    select changed_ids.trial_id
    from {{ ref('int_trials__identity_resolved') }} as changed_ids
    where changed_ids.resolved_at > {{ since }}
    union
    select loaded_ids.trial_id
    from {{ ref('int_trials__identity_resolved') }} as loaded_ids
    inner join {{ ref('int_trials__registry_records') }} as loaded_records
        on loaded_ids.registry_id = loaded_records.registry_id
    where loaded_records.extracted_at > {{ since }}
{%- endmacro %}

{% macro only_changed_trials(column='trial_id', keyword='where') -%}
    {#- A where clause (or, with keyword='and', a further condition) keeping the changed trials
        on an incremental build; nothing otherwise. The refs are taken when dbt parses, so it
        knows the model's parents (is_incremental() is false then). -#}
    {%- if not execute -%}
        {%- set parents = [ref('int_trials__identity_resolved'), ref('int_trials__registry_records')] -%}
    {%- endif -%}
    {%- if is_incremental() -%}
        {{ keyword }} {{ column }} in ({{ changed_trials(trials_watermark()) }})
    {%- endif -%}
{%- endmacro %}

{% macro delete_changed_trials() -%}
    {#- Pre-hook: the stored rows of the changed trials and of trial ids that are no trials any
        more go; the model then appends the changed trials' rows. The delete reads the watermark
        before it deletes anything, as the model's compiled SQL did. -#}
    {%- if is_incremental() and not stored_with_column() -%}
        delete from {{ this }}
    {%- elif is_incremental() -%}
        delete from {{ this }}
        where trial_id in ({{ changed_trials('(select max(previous.built_at) from ' ~ this ~ ' as previous)') }})
            or trial_id not in (select trial_id from {{ ref('int_trials__identity_resolved') }})
    {%- endif -%}
{%- endmacro %}

{% macro only_changed_studies(column='nct_id', keyword='where', most_listed=10000) -%}
    {#- A where clause (or, with keyword='and', a further condition) keeping the
        ClinicalTrials.gov studies of the changed trials on an incremental build; nothing
        otherwise. For a staging import CTE: the NCT IDs are read when the model compiles and
        written as a list of literals, which DuckDB pushes into the raw table's scan (a subquery
        would be joined only after the view's columns are computed for every row); beyond
        `most_listed` studies, a subquery. In a unit test (`this` is a fixture) the watermark
        is a subquery: every study is kept there, and only_changed_trials() does the filtering. -#}
    {%- if not execute -%}
        {%- set parents = [ref('int_trials__identity_resolved'), ref('int_trials__registry_records')] -%}
    {%- endif -%}
    {%- set since = trials_watermark() if is_incremental() else none -%}
    {#- Never built (or stored empty): every study has changed. -#}
    {%- if since is not none and '1900-01-01' not in since -%}
        {%- set studies_sql -%}
            select changed_studies.registry_id
            from {{ ref('int_trials__identity_resolved') }} as changed_studies
            where changed_studies.id_registry = 'ctgov'
                and changed_studies.trial_id in ({{ changed_trials(since) }})
        {%- endset -%}
        {%- set studies = run_query(studies_sql ~ ' limit ' ~ (most_listed + 1)).columns[0].values() -%}
        {%- if studies | length > most_listed -%}
            {{ keyword }} {{ column }} in ({{ studies_sql }})
        {%- elif not studies -%}
            {{ keyword }} 1 = 0
        {%- else -%}
            {{ keyword }} {{ column }} in ('{{ studies | join("', '") }}')
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{% macro delete_changed_studies() -%}
    {#- Pre-hook of a model keyed on the ClinicalTrials.gov study rather than the trial: the
        stored rows of the changed trials' studies go; the model then appends theirs. -#}
    {%- if is_incremental() and not stored_with_column() -%}
        delete from {{ this }}
    {%- elif is_incremental() -%}
        delete from {{ this }} {{ only_changed_studies() }}
    {%- endif -%}
{%- endmacro %}
