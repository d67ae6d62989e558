{#- One row per organisation (int_trials__sponsors_resolved: normalised spellings and the seed
    sponsor_aliases); its display name is the seed's name for it, else the most frequent
    spelling (ties: alphabetical). Every spelling stays in bridge_sponsor_spelling. -#}
with

sponsors as (

    select * from {{ ref('int_trials__sponsors_resolved') }}

),

spellings as (

    select
        sponsor_id,
        sponsor_name,
        count(*) as spelling_count
    from sponsors
    group by sponsor_id, sponsor_name

),

ranked_spellings as (

    select
        sponsor_id,
        sponsor_name,
        row_number() over (
            partition by sponsor_id order by spelling_count desc, sponsor_name asc
        ) as spelling_rank
    from spellings

),

organisation_names as (

    select
        organisation_key,
        min(organisation_name) as organisation_name
    from {{ ref('sponsor_aliases') }}
    group by organisation_key

),

classes as (

    select
        sponsor_id,
        min(sponsor_key) as sponsor_key,
        min(sponsor_class) as sponsor_class,
        count(distinct sponsor_name) as name_variant_count
    from sponsors
    group by sponsor_id

),

final as (

    select
        ----------  ids
        classes.sponsor_id,

        ----------  strings
        coalesce(organisation_names.organisation_name, ranked_spellings.sponsor_name) as sponsor_name,
        classes.sponsor_key,
        classes.sponsor_class,

        ----------  numerics
        classes.name_variant_count

    from classes
    inner join ranked_spellings
        on classes.sponsor_id = ranked_spellings.sponsor_id
            and ranked_spellings.spelling_rank = 1
    left join organisation_names
        on classes.sponsor_key = organisation_names.organisation_key

)

select * from final
