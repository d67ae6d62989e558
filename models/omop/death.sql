{#- De-identified death: pseudonymous IDs, dates shifted per person, no source values or free text. -#}
with

deaths as (

    select * from {{ ref('stg_omop__deaths') }}

),

pseudonyms as (

    select * from {{ ref('int_omop__person_pseudonyms') }}

),

final as (

    select
        ----------  ids
        pseudonyms.person_pseudonym as person_id,
        deaths.death_type_concept_id,
        deaths.cause_concept_id,

        ----------  dates
        {{ shift_date('deaths.death_date') }} as death_date

    from deaths
    inner join pseudonyms
        on deaths.person_id = pseudonyms.person_id

)

select * from final
