{#-
    Organisations that no rule joins but whose names look alike: suggestions for the seed
    sponsor_aliases, never merged. The pairs are int_trials__sponsors_compared's (keys that start
    with the same word, and either similar, string_similarity at least var
    sponsor_suggestion_similarity, default 0.9, or one key holding the other whole: "novartis" in
    "novartis oncology"), with the organisations' current names and trial counts. A person
    decides: a true alias becomes a seed row.
-#}
with

pairs as (

    select * from {{ ref('int_trials__sponsors_compared') }}

),

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

final as (

    select
        ----------  ids
        pairs.sponsor_suggestion_id,
        pairs.sponsor_id,
        pairs.similar_sponsor_id,

        ----------  strings
        one.sponsor_name,
        other.sponsor_name as similar_sponsor_name,
        pairs.sponsor_key,
        pairs.similar_sponsor_key,

        ----------  numerics
        coalesce(one_counts.trial_count, 0) as trial_count,
        coalesce(other_counts.trial_count, 0) as similar_trial_count,
        pairs.similarity,

        ----------  booleans
        pairs.is_contained

    from pairs
    inner join sponsors as one
        on pairs.sponsor_id = one.sponsor_id
    inner join sponsors as other
        on pairs.similar_sponsor_id = other.sponsor_id
    left join trial_counts as one_counts
        on pairs.sponsor_id = one_counts.sponsor_id
    left join trial_counts as other_counts
        on pairs.similar_sponsor_id = other_counts.sponsor_id

)

select * from final
