{#- De-identified observation: pseudonymous IDs, dates shifted per person, no source values or free text. -#}
with

observations as (

    select * from {{ ref('stg_omop__observations') }}

),

pseudonyms as (

    select * from {{ ref('int_omop__person_pseudonyms') }}

),

final as (

    select
        ----------  ids
        {{ pseudonym('observation', 'observations.observation_id') }} as observation_id,
        pseudonyms.person_pseudonym as person_id,
        {{ pseudonym('visit_occurrence', 'observations.visit_occurrence_id') }} as visit_occurrence_id,
        observations.observation_concept_id,
        observations.observation_type_concept_id,
        observations.value_as_concept_id,
        observations.qualifier_concept_id,
        observations.unit_concept_id,

        ----------  numerics
        observations.value_as_number,

        ----------  dates
        {{ shift_date('observations.observation_date') }} as observation_date

    from observations
    inner join pseudonyms
        on observations.person_id = pseudonyms.person_id

)

select * from final
