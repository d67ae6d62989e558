{#-
    The incremental comparison of organisations' names (int_trials__sponsors_compared): only
    the organisations of the sponsor rows written since the model's last build are compared
    again, with every organisation. Its watermark is trials_watermark() (max(built_at) of the
    stored pairs, read when the model compiles).
-#}

{% macro sponsors_written_since(since) -%}
    {#- The sponsor_id of every int_trials__sponsors_resolved row written after `since`: the
        sponsors of the trials changed since then, new organisations among them. -#}
    select written.sponsor_id
    from {{ ref('int_trials__sponsors_resolved') }} as written
    where written.built_at > {{ since }}
{%- endmacro %}

{% macro delete_compared_sponsors() -%}
    {#- Pre-hook: the stored pairs of the organisations compared again, and of organisations that
        are no longer in dim_sponsor, go; the model then appends the new pairs of the former. A
        table stored without built_at is emptied and built again whole. -#}
    {%- if is_incremental() and not stored_with_column() -%}
        delete from {{ this }}
    {%- elif is_incremental() -%}
        {%- set written = sponsors_written_since('(select max(previous.built_at) from ' ~ this ~ ' as previous)') -%}
        delete from {{ this }}
        where sponsor_id in ({{ written }})
            or similar_sponsor_id in ({{ written }})
            or sponsor_id not in (select current_sponsors.sponsor_id from {{ ref('dim_sponsor') }} as current_sponsors)
            or similar_sponsor_id not in (select current_sponsors.sponsor_id from {{ ref('dim_sponsor') }} as current_sponsors)
    {%- endif -%}
{%- endmacro %}
