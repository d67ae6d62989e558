{{ config(
    materialized="table" if target.type == "spark" else "incremental",
    incremental_strategy="append",
    on_schema_change="append_new_columns",
    pre_hook="{{ delete_compared_sponsors() }}",
) }}

{#-
    Pairs of organisations whose names look alike, for rpt_sponsor_alias_suggestions: keys that
    start with the same word (the blocking) and either are similar (string_similarity at least
    var sponsor_suggestion_similarity, default 0.9) or one key holds the other whole ("novartis"
    in "novartis oncology"). One row per pair, the smaller key first.

    Two things keep the comparison small. A pair can only reach the threshold when the shorter
    key is long enough: the Levenshtein distance is at least the difference of the lengths, so
    pairs whose lengths alone put them below it skip the distance unless one key holds the other.
    And the model is incremental (DuckDB; a plain table on Spark): a build compares only the
    organisations of the sponsor rows written since its own last build (built_at of
    int_trials__sponsors_resolved, which rewrites the sponsors of the changed trials) with every
    organisation; the pre-hook deletes the stored pairs of those organisations and of
    organisations that are no longer in dim_sponsor.
-#}
{%- set threshold = var('sponsor_suggestion_similarity', 0.9) -%}
{%- set sponsors_resolved = ref('int_trials__sponsors_resolved') -%}
with

sponsors as (

    select * from {{ ref('dim_sponsor') }}

),

keyed as (

    select
        sponsor_id,
        sponsor_key,
        {{ dbt.split_part('sponsor_key', "' '", 1) }} as first_word,
        length(sponsor_key) as key_length
    from sponsors
    where sponsor_key is not null

),

probes as (

    {#- The organisations compared with every other: all of them, or on an incremental build
        those of the sponsor rows written since this model's last build. #}
    select * from keyed
    {% if is_incremental() %}
        where sponsor_id in ({{ sponsors_written_since(trials_watermark()) }})
    {% endif %}

),

candidates as (

    {#- Same first word, the smaller key first; lengths that allow the threshold, or one key
        that may hold the other. #}
    {%- set length_allows -%}
        1.0 - cast(greatest(one.key_length, other.key_length) - least(one.key_length, other.key_length)
            as {{ type_double() }}) / greatest(one.key_length, other.key_length, 1) >= {{ threshold }}
    {%- endset %}
    {%- set contained = dbt.concat(["' '", 'other.sponsor_key', "' '"]) ~ ' like '
        ~ dbt.concat(["'% '", 'one.sponsor_key', "' %'"]) %}
    select
        one.sponsor_id,
        other.sponsor_id as similar_sponsor_id,
        one.sponsor_key,
        other.sponsor_key as similar_sponsor_key,
        {{ contained }} as is_contained
    from probes as one
    inner join keyed as other
        on one.first_word = other.first_word
            and one.sponsor_key < other.sponsor_key
            and ({{ length_allows }} or {{ contained }})
    {% if is_incremental() %}
        union all
        select
            one.sponsor_id,
            other.sponsor_id as similar_sponsor_id,
            one.sponsor_key,
            other.sponsor_key as similar_sponsor_key,
            {{ contained }} as is_contained
        from keyed as one
        inner join probes as other
            on one.first_word = other.first_word
                and one.sponsor_key < other.sponsor_key
                and ({{ length_allows }} or {{ contained }})
        where one.sponsor_id not in (select probes.sponsor_id from probes)
    {% endif %}

),

scored as (

    select
        *,
        {{ string_similarity('sponsor_key', 'similar_sponsor_key') }} as similarity
    from candidates

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['sponsor_id', 'similar_sponsor_id']) }} as sponsor_suggestion_id,
        sponsor_id,
        similar_sponsor_id,

        ----------  strings
        sponsor_key,
        similar_sponsor_key,

        ----------  numerics
        cast(similarity as {{ type_double() }}) as similarity,

        ----------  booleans
        is_contained,

        ----------  timestamps
        {{ build_started_at() }} as built_at

    from scored
    where similarity >= {{ threshold }}
        or is_contained

)

select * from final
