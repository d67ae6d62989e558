{#-
    Organisations that no rule joins but whose names look alike: suggestions for the seed
    sponsor_aliases, never merged. Pairs of organisations whose keys start with the same word
    (the blocking that keeps the comparison small) and either are similar (string_similarity at
    least var sponsor_suggestion_similarity, default 0.9) or one key holds the other whole
    ("novartis" in "novartis oncology"). A person decides: a true alias becomes a seed row.
-#}
{%- set threshold = var('sponsor_suggestion_similarity', 0.9) -%}
with

sponsors as (

    select * from {{ ref('dim_sponsor') }}

),

trial_counts as (

    select
        sponsor_id,
        count(distinct trial_id) as trial_count
    from {{ ref('bridge_trial_sponsor') }}
    group by sponsor_id

),

keyed as (

    select
        sponsors.sponsor_id,
        sponsors.sponsor_name,
        sponsors.sponsor_key,
        {{ dbt.split_part('sponsors.sponsor_key', "' '", 1) }} as first_word,
        coalesce(trial_counts.trial_count, 0) as trial_count
    from sponsors
    left join trial_counts
        on sponsors.sponsor_id = trial_counts.sponsor_id
    where sponsors.sponsor_key is not null

),

pairs as (

    select
        one.sponsor_id,
        other.sponsor_id as similar_sponsor_id,
        one.sponsor_name,
        other.sponsor_name as similar_sponsor_name,
        one.sponsor_key,
        other.sponsor_key as similar_sponsor_key,
        one.trial_count,
        other.trial_count as similar_trial_count,
        {{ string_similarity('one.sponsor_key', 'other.sponsor_key') }} as similarity,
        {{ dbt.concat(["' '", 'other.sponsor_key', "' '"]) }} like {{ dbt.concat(["'% '", 'one.sponsor_key', "' %'"]) }}
            as is_contained
    from keyed as one
    inner join keyed as other
        on one.first_word = other.first_word
            and one.sponsor_key < other.sponsor_key

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['sponsor_id', 'similar_sponsor_id']) }} as sponsor_suggestion_id,
        sponsor_id,
        similar_sponsor_id,

        ----------  strings
        sponsor_name,
        similar_sponsor_name,
        sponsor_key,
        similar_sponsor_key,

        ----------  numerics
        trial_count,
        similar_trial_count,
        cast(similarity as {{ type_double() }}) as similarity,

        ----------  booleans
        is_contained

    from pairs
    where similarity >= {{ threshold }}
        or is_contained

)

select * from final
