{#-
    ICTRP keeps one raw record per (trial, export file). These macros combine them: exports are
    ordered newest first by the record's Last_Refreshed_on (as an ISO date), then by load time;
    each field takes the value of the newest export that has one (an export that lacks a column
    never erases what an earlier one said).
-#}

{#- Window order of one trial's export records, newest first. -#}
{% macro ictrp_newest_first() -%}
    coalesce({{ registry_date_iso('last_refreshed_on') }}, '') desc, extracted_at desc, _dlt_load_id desc
{%- endmacro %}

{#- Inside a group by trial: the value of `expression` from the export with the smallest
    `rank_column` among those where it is not empty (portable: the zero-padded rank is prefixed,
    min() picks the newest, the prefix is cut off). -#}
{% macro newest_non_empty(expression, rank_column='export_rank') -%}
    nullif(substring(min(case when nullif(trim({{ expression }}), '') is not null then {{ dbt.concat([
        dbt.right(dbt.concat(["'00000000'", "cast(" ~ rank_column ~ " as " ~ dbt.type_string() ~ ")"]), 8),
        "'|'", "trim(" ~ expression ~ ")",
    ]) }} end) from 10), '')
{%- endmacro %}

{#- CTEs ending in `source`: the items of a list child table (`trials__conditions`,
    `trials__countries`) as the newest export of each trial that has the list gives them.
    Exports are not merged item by item, so a list the registry shortened stays short. -#}
{% macro ictrp_newest_export_list(child_table) -%}
exports as (

    select
        _dlt_id,
        row_number() over (partition by trial_id order by {{ ictrp_newest_first() }}) as export_rank
    from {{ source_or_empty('ictrp', 'trials') }}

),

items as (

    select
        items.*,
        exports.export_rank
    from {{ source_or_empty('ictrp', child_table) }} as items
    inner join exports
        on items._dlt_parent_id = exports._dlt_id

),

newest as (

    select
        trial_id,
        min(export_rank) as export_rank
    from items
    group by trial_id

),

source as (

    select items.*
    from items
    inner join newest
        on items.trial_id = newest.trial_id
            and items.export_rank = newest.export_rank

),
{%- endmacro %}
