{#-
    Sources on engines that do not receive dlt's loads directly (Spark, Databricks).

    dlt's filesystem destination writes each raw table as a folder of Parquet files,
    `<CTW_RAW_PARQUET_URL>/<dataset>/<table>/<load_id>.<file_id>.parquet`, and only ever appends:
    a study extracted twice is there twice. This macro, run on-run-start, gives every dlt source
    table that the selected nodes read a view with the table's name in its raw schema, holding
    what dlt's merge would have left in a database. Keys and parents come from the schema dlt
    stores beside the data (`<dataset>/_dlt_version/`), so a new source needs no configuration:
      - a merge table with a primary key: per key, the one row of the newest load (largest
        `_dlt_load_id`, or the load id in the file name for tables dlt wrote from Arrow, which
        have no such column), ties broken by the `dedup_sort` column as dlt's merge does;
      - a child table (`<parent>__<list>`, nested by dlt or written flat with dlt's
        `_dlt_parent_id`): the rows whose `_dlt_parent_id` is a row of its parent's view, so children of superseded versions disappear with them;
      - append and replace tables: every row (replace already deletes the previous files).
    Tables with no files yet get no view; `source_or_empty` then reads them as empty.
    On DuckDB (and PostgreSQL) dlt loads into the warehouse and this does nothing.
-#}
{% macro register_parquet_sources() -%}
    {{ return(adapter.dispatch('register_parquet_sources', 'clinical_trials_warehouse')()) }}
{%- endmacro %}

{% macro default__register_parquet_sources() -%}
    select 1 as nothing_to_register
{%- endmacro %}

{% macro spark__register_parquet_sources() -%}
    {%- set nothing = 'select 1 as nothing_to_register' -%}
    {%- if not execute -%}
        {{ return(nothing) }}
    {%- endif -%}
    {%- set root = env_var('CTW_RAW_PARQUET_URL', 'warehouse/raw_parquet') | replace('\\', '/') -%}
    {%- set prefix = env_var('CTW_SCHEMA_PREFIX', '') -%}
    {%- set needed = parquet_sources_needed() -%}
    {%- if needed | length == 0 -%}
        {{ return(nothing) }}
    {%- endif -%}

    {#- Which tables have files: one listing of every dataset folder; file contents are not read. -#}
    {%- set listing = run_query(
        "select distinct regexp_extract(path, '/([^/]+)/([^/]+)/[^/]+[.]parquet$', 1),"
        ~ " regexp_extract(path, '/([^/]+)/([^/]+)/[^/]+[.]parquet$', 2)"
        ~ " from binaryFile.`" ~ root ~ "/*/*/*.parquet`"
    ) -%}
    {%- set present = [] -%}
    {%- for row in listing.rows -%}
        {%- do present.append(row[0] ~ '.' ~ row[1]) -%}
    {%- endfor -%}

    {%- set state = namespace(tables={}, schemas=[], created=0) -%}
    {%- for source in needed | sort(attribute='depth') -%}
        {%- set dataset = source.schema[prefix | length:] if prefix and source.schema.startswith(prefix) else source.schema -%}
        {%- if (dataset ~ '.' ~ source.identifier) in present -%}
            {%- if dataset not in state.tables -%}
                {%- do state.tables.update({dataset: dlt_stored_tables(root ~ '/' ~ dataset)}) -%}
            {%- endif -%}
            {%- set hints = state.tables[dataset].get(source.identifier, {}) -%}
            {%- if source.schema not in state.schemas -%}
                {%- do state.schemas.append(source.schema) -%}
                {%- do run_query('create schema if not exists ' ~ source.schema) -%}
            {%- endif -%}
            {%- set files = 'parquet.`' ~ root ~ '/' ~ dataset ~ '/' ~ source.identifier ~ '`' -%}
            {%- set columns = hints.get('columns', {}).values() | list -%}
            {%- set keys = columns | selectattr('primary_key') | map(attribute='name') | list -%}
            {%- set sorts = columns | selectattr('dedup_sort') | list -%}
            {#- A child is a nested table (dlt's `parent` hint) or a flat table carrying dlt's
                parent link, as the ctgov bulk path writes them (`<parent>__<list>`). -#}
            {%- set parent_table = hints.get('parent') or (
                source.identifier.rsplit('__', 1)[0]
                if '__' in source.identifier and '_dlt_parent_id' in hints.get('columns', {}) else none) -%}
            {%- if parent_table -%}
                {%- set body -%}
                    select child.* from {{ files }} as child
                    left semi join {{ source.schema }}.{{ parent_table }} as parent
                        on child._dlt_parent_id = parent._dlt_id
                {%- endset -%}
            {%- elif hints.get('write_disposition') == 'merge' and keys -%}
                {#- Arrow tables carry no _dlt_load_id column: the load id starts the file name. -#}
                {%- set names = columns | map(attribute='name') | list -%}
                {%- set load_id = '_dlt_load_id' if '_dlt_load_id' in names
                    else "regexp_extract(_metadata.file_name, '^(.+)[.][^.]+[.]parquet$', 1)" -%}
                {%- set body -%}
                    select ranked.loaded.* from (
                        select
                            struct(*) as loaded,
                            row_number() over (
                                partition by {{ keys | join(', ') }}
                                order by {{ load_id }} desc
                                {%- for column in sorts %}, {{ column.name }} {{ column.dedup_sort }}{% endfor %}
                                {%- if '_dlt_id' in names %}, _dlt_id{% endif %}
                            ) as version_rank
                        from {{ files }}
                    ) as ranked
                    where ranked.version_rank = 1
                {%- endset -%}
            {%- else -%}
                {%- set body -%}
                    select * from {{ files }}
                {%- endset -%}
            {%- endif -%}
            {%- do run_query('create or replace view ' ~ source.schema ~ '.' ~ source.identifier ~ ' as ' ~ body) -%}
            {%- set state.created = state.created + 1 -%}
        {%- endif -%}
    {%- endfor -%}
    {{ log('register_parquet_sources: ' ~ state.created ~ ' raw tables over the Parquet files under ' ~ root, info=true) }}
    {{ return(nothing) }}
{%- endmacro %}

{#- The tables of the newest stored dlt schema of each schema name in a dataset folder. -#}
{% macro dlt_stored_tables(dataset_url) -%}
    {%- set stored = run_query(
        "select schema_name, schema from json.`" ~ dataset_url ~ "/_dlt_version`"
        ~ " order by schema_name, version desc, inserted_at desc"
    ) -%}
    {%- set tables = {} -%}
    {%- set seen = [] -%}
    {%- for row in stored.rows -%}
        {%- if row[0] not in seen -%}
            {%- do seen.append(row[0]) -%}
            {%- do tables.update(fromjson(row[1])['tables']) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(tables) }}
{%- endmacro %}

{#-
    The dlt source tables read by the selected nodes (every one the project reads when the run
    has no selection), with the parents of child tables, shallowest first.
-#}
{% macro parquet_sources_needed() -%}
    {%- set wanted = [] -%}
    {%- set selected = selected_resources if selected_resources else [] -%}
    {%- for node in graph.nodes.values() -%}
        {%- if not selected or node.unique_id in selected -%}
            {%- for parent in node.depends_on.nodes -%}
                {%- if parent.startswith('source.') and parent not in wanted -%}
                    {%- do wanted.append(parent) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set found = [] -%}
    {%- for source in graph.sources.values() -%}
        {%- set parts = source.identifier.split('__') -%}
        {#- A child table's view reads its ancestors' views: they are needed too. -#}
        {%- set state = namespace(needed=false) -%}
        {%- for other in wanted -%}
            {%- set other_source = graph.sources.get(other) -%}
            {%- if other_source and other_source.source_name == source.source_name
                and (other_source.identifier == source.identifier
                     or other_source.identifier.startswith(source.identifier ~ '__')) -%}
                {%- set state.needed = true -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if state.needed and source.loader == 'dlt' -%}
            {%- do found.append({'schema': source.schema, 'identifier': source.identifier, 'depth': parts | length}) -%}
        {%- endif -%}
    {%- endfor -%}
    {#- An ancestor no model reads is not declared (raw_ema.reports): its view is made all the same,
        from dlt's stored schema, since its children's views read it. -#}
    {%- set names = [] -%}
    {%- for entry in found -%}
        {%- do names.append(entry.schema ~ '.' ~ entry.identifier) -%}
    {%- endfor -%}
    {%- for child in found | list if child.depth > 1 -%}
        {%- set parts = child.identifier.split('__') -%}
        {%- for depth in range(1, parts | length) -%}
            {%- set ancestor = parts[:depth] | join('__') -%}
            {%- if (child.schema ~ '.' ~ ancestor) not in names -%}
                {%- do names.append(child.schema ~ '.' ~ ancestor) -%}
                {%- do found.append({'schema': child.schema, 'identifier': ancestor, 'depth': depth}) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}
