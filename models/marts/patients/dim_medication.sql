{#- One row per active ingredient the drug_ingredient_aliases seed knows. -#}
with

aliases as (

    select * from {{ ref('drug_ingredient_aliases') }}

),

ingredients as (

    select
        ingredient,
        min(atc_code) as atc_code,
        count(*) as alias_count
    from aliases
    group by ingredient

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['ingredient']) }} as medication_id,
        atc_code,

        ----------  strings
        ingredient,

        ----------  numerics
        alias_count

    from ingredients

)

select * from final
