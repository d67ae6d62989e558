{{ config(
    materialized="table" if target.type == "spark" else "incremental",
    incremental_strategy="delete+insert",
    unique_key=["stated_by", "from_id"],
    on_schema_change="append_new_columns",
) }}

{#-
    The identity graph: one row per undirected link between two registry IDs, stated by a
    record (its own ID and an identifier it lists that the identifier grammar reads, any
    registry: NCT, EudraCT, EU CT, ISRCTN, every WHO primary registry and the WHO UTN; see
    int_trials__registry_identifiers). Every record also links to itself, so an ID without
    secondary IDs is still a node. Text that does not parse (sponsor protocol codes such as
    "001", "Nil known") never links. A table, because identity resolution reads it four times
    (the unions that make the graph undirected).

    Incremental (DuckDB; a plain table on Spark, see docs/performance.md): a build compares the
    graph with the stored one and rewrites only the links of the records whose links changed
    (added or dropped), keyed on (stated_by, from_id), stamped with the build's start in
    linked_at. Identity resolution recomputes the components of the IDs stamped after its own
    last build. Every record keeps its self-link, so a record that drops a link still has a row
    that replaces its old ones; a record that vanishes from its registry entirely keeps its
    links until `ctw build --full-refresh`.
-#}
with

records as (

    select * from {{ ref('int_trials__registry_records') }}

),

identifiers as (

    select * from {{ ref('int_trials__registry_identifiers') }}

),

own_ids as (

    {#- A record whose own ID the grammar does not read (an ICTRP record of an unknown form)
        keeps its ID as written, as int_trials__registry_records does. -#}
    select
        stated_by,
        record_id,
        coalesce(min(canonical_id), min(raw_identifier)) as own_id
    from identifiers
    where identifier_role = 'own'
    group by stated_by, record_id

),

listed_links as (

    select
        own_ids.own_id as from_id,
        identifiers.canonical_id as to_id,
        identifiers.stated_by
    from identifiers
    inner join own_ids
        on identifiers.stated_by = own_ids.stated_by
            and identifiers.record_id = own_ids.record_id
    where identifiers.identifier_role = 'listed'
        and identifiers.canonical_id is not null

),

self_links as (

    {#- The record's ID as int_trials__registry_records keys it, linked to its own ID as the
        grammar reads it (the same text for every well-formed ID: then a self-link). -#}
    select
        records.registry_id as from_id,
        coalesce(own_ids.own_id, records.registry_id) as to_id,
        records.registry as stated_by
    from records
    left join own_ids
        on records.registry = own_ids.stated_by
            and records.registry_record_id = own_ids.record_id

),

all_links as (

    select * from listed_links
    union all
    select * from self_links

),

graph as (

    select distinct
        ----------  ids
        from_id,
        to_id,

        ----------  strings
        stated_by

    from all_links
    where from_id is not null
        and to_id is not null

),
{% if is_incremental() %}
    stored as (

        select
            from_id,
            to_id,
            stated_by
        from {{ this }}

    ),

    changed_records as (

        {#- Records with a link the stored graph lacks, or a stored link the graph lost. -#}
        select distinct
            stated_by,
            from_id
        from (
            select * from graph
            except
            select * from stored
        ) as added
        union
        select distinct
            stated_by,
            from_id
        from (
            select * from stored
            except
            select * from graph
        ) as dropped

    ),
{% endif %}
final as (

    select
        ----------  ids
        graph.from_id,
        graph.to_id,

        ----------  strings
        graph.stated_by,

        ----------  timestamps
        {{ build_started_at() }} as linked_at

    from graph
    {% if is_incremental() %}
        inner join changed_records
            on graph.stated_by = changed_records.stated_by
                and graph.from_id = changed_records.from_id
    {% endif %}

)

select * from final
