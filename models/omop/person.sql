{#- De-identified person: pseudonymous IDs, dates shifted per person, no source values or free text. -#}
with

persons as (

    select * from {{ ref('stg_omop__persons') }}

),

pseudonyms as (

    select * from {{ ref('int_omop__person_pseudonyms') }}

),

final as (

    select
        ----------  ids
        pseudonyms.person_pseudonym as person_id,
        {{ pseudonym('location', 'persons.location_id') }} as location_id,
        persons.gender_concept_id,
        persons.race_concept_id,
        persons.ethnicity_concept_id,

        ----------  numerics
        persons.year_of_birth

    from persons
    inner join pseudonyms
        on persons.person_id = pseudonyms.person_id

)

select * from final
