{#-
    Data tests scoped to the rows a build changed (docs/performance.md, "Tests on the changed
    rows").

    Every generic data test carries `where: "__changed_rows__"` (dbt_project.yml). dbt wraps the
    tested relation in get_where_subquery() when the test runs; ours replaces the placeholder
    with a filter chosen for the model the test is attached to, or drops it:

    - an incremental model stamping its rows with built_at: the rows this build wrote;
    - a ClinicalTrials.gov staging model (it has nct_id): the rows of the studies loaded since
      the last build whose ClinicalTrials.gov staging tests all passed (dbt_tested_loads,
      written by record_tested_loads() at the end of such a build);
    - anything else, a --full-refresh, a first build, or the spark target (no incremental
      models there): the whole relation, as without the placeholder.

    Row-level tests (not_null, not_null_columns, accepted_values, relationships, the expectations
    on values) keep only those rows. A unique test keeps every row whose value appears among
    them, so a duplicate between a changed row and a stored one is still found. Tests on several
    rows at once (combinations of columns, row counts) are never scoped. So after a successful
    build every stored row has passed every test; a failing build leaves its rows to be tested
    again.
-#}

{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if '__changed_rows__' in where -%}
        {%- set scope = changed_rows_scope(relation) -%}
        {%- set where = where | replace('__changed_rows__', scope) if scope else '' -%}
    {%- endif -%}
    {%- if where -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

{% macro row_level_tests() -%}
    {{- return([
        'not_null', 'not_null_columns', 'accepted_values', 'relationships',
        'expect_column_values_to_not_be_null', 'expect_column_values_to_be_between',
        'expect_column_values_to_match_regex', 'expect_column_pair_values_A_to_be_greater_than_B',
    ]) -}}
{%- endmacro %}

{% macro changed_rows_scope(relation) -%}
    {#- The filter for the test being run (`model` is the test node), or '' for none. -#}
    {%- if not execute or flags.FULL_REFRESH or target.type == 'spark' -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set metadata = model.test_metadata -%}
    {%- set tested = graph.nodes.get(model.attached_node) if model.attached_node else none -%}
    {%- if not metadata or tested is none -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set changed = none -%}
    {%- if tested.config.materialized == 'incremental' and 'built_at' in tested.columns -%}
        {%- set changed = 'built_at = ' ~ build_started_at() -%}
    {%- elif tested.name.startswith('stg_ctgov__') and 'nct_id' in tested.columns -%}
        {%- set changed = studies_loaded_since_tested() -%}
        {%- if changed and metadata.name == 'unique' -%}
            {#- Every key of a ClinicalTrials.gov staging model is made from the study's nct_id
                (surrogate_key(['nct_id', ...])), so a duplicate lies within one study. -#}
            {{- return(changed) -}}
        {%- endif -%}
    {%- endif -%}
    {%- if changed is none -%}
        {{- return('') -}}
    {%- elif metadata.name in row_level_tests() -%}
        {{- return(changed) -}}
    {%- elif metadata.name == 'unique' -%}
        {%- set column = metadata.kwargs.column_name -%}
        {{- return(column ~ ' in (select ' ~ column ~ ' from ' ~ relation ~ ' where ' ~ changed ~ ')') -}}
    {%- endif -%}
    {{- return('') -}}
{%- endmacro %}

{% macro studies_loaded_since_tested(most_listed=10000) -%}
    {#- nct_id in the studies loaded after the last tested load, as a list of literals (DuckDB
        pushes a list into the raw table's scan; a subquery is joined after the view's columns
        are computed), or as a subquery beyond `most_listed` studies. None when no build stored
        a tested load. -#}
    {%- set since = tested_load('ctgov') -%}
    {%- if since is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set loaded = 'select loaded.nct_id from ' ~ source_relation('ctgov', 'studies')
        ~ " as loaded where loaded._dlt_load_id > '" ~ since ~ "'" -%}
    {%- set studies = run_query(loaded ~ ' limit ' ~ (most_listed + 1)).columns[0].values() -%}
    {%- if studies | length > most_listed -%}
        {{- return('nct_id in (' ~ loaded ~ ')') -}}
    {%- elif not studies -%}
        {{- return('1 = 0') -}}
    {%- endif -%}
    {{- return("nct_id in ('" ~ studies | join("', '") ~ "')") -}}
{%- endmacro %}

{% macro source_relation(source_name, table_name) -%}
    {#- A source's relation read from the graph: a test cannot call source() for a source it
        does not depend on. -#}
    {%- set node = graph.sources['source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name] -%}
    {{- return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.identifier)) -}}
{%- endmacro %}

{% macro tested_loads_relation() -%}
    {{- return(api.Relation.create(database=target.database, schema=target.schema, identifier='dbt_tested_loads')) -}}
{%- endmacro %}

{% macro tested_load(source_name) -%}
    {#- The latest load of the source whose staging tests all passed in a build; none when no
        build recorded one (every row is then tested). -#}
    {%- set stored = adapter.get_relation(
        database=target.database, schema=target.schema, identifier='dbt_tested_loads'
    ) -%}
    {%- if stored is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set found = run_query(
        'select max(load_id) from ' ~ stored ~ " where source_name = '" ~ source_name ~ "'"
    ).columns[0].values()[0] -%}
    {{- return(found) -}}
{%- endmacro %}

{% macro record_tested_loads() -%}
    {#- on-run-end: when every ClinicalTrials.gov staging test ran in this build and passed,
        store the source's latest completed load; the next build's scoped tests read only the
        studies loaded after it. Nothing is stored on spark or when a test failed or was left
        out. -#}
    {%- if not execute or target.type == 'spark' -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set wanted = [] -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'test' and (node.attached_node or '').split('.')[-1].startswith('stg_ctgov__') -%}
            {%- do wanted.append(node.unique_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set passed = [] -%}
    {%- for result in results -%}
        {%- if result.node.resource_type == 'test' and result.status in ['pass', 'warn'] -%}
            {%- do passed.append(result.node.unique_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not wanted or wanted | reject('in', passed) | list -%}
        {{- return('') -}}
    {%- endif -%}
    {#- A warehouse where ClinicalTrials.gov was never loaded (its models build empty) has no
        load to store. -#}
    {%- set loads = source_relation('ctgov', 'studies').incorporate(path={'identifier': '_dlt_loads'}) -%}
    {%- if adapter.get_relation(database=loads.database, schema=loads.schema, identifier=loads.identifier) is none -%}
        {{- return('') -}}
    {%- endif -%}
    {#- Run and committed here: the look-up above opened a transaction on the hooks'
        connection, which dbt rolls back after the hook. The hook's own SQL is then empty. -#}
    {%- set stored = tested_loads_relation() -%}
    {%- call statement('record_tested_load') -%}
        create table if not exists {{ stored }} (
            source_name {{ dbt.type_string() }},
            load_id {{ dbt.type_string() }},
            recorded_at {{ dbt.type_timestamp() }}
        );
        insert into {{ stored }}
        select 'ctgov', max(loads.load_id), {{ build_started_at() }}
        from {{ loads }} as loads
        where loads.status = 0
        having max(loads.load_id) is not null
    {%- endcall -%}
    {%- do adapter.commit() -%}
    {{- return('') -}}
{%- endmacro %}
