{#- Which pseudonymous persons belong to which cohort (a person in two cohorts appears twice here, once in person). -#}
with

memberships as (

    select * from {{ ref('stg_omop__cohort_memberships') }}

),

pseudonyms as (

    select * from {{ ref('int_omop__person_pseudonyms') }}

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['memberships.cohort_id', 'pseudonyms.person_pseudonym']) }} as cohort_person_id,
        memberships.cohort_id,
        pseudonyms.person_pseudonym as person_id

    from memberships
    inner join pseudonyms
        on memberships.person_id = pseudonyms.person_id

)

select * from final
