{#- De-identified visit_occurrence: pseudonymous IDs, dates shifted per person, no source values or free text. -#}
with

visit_occurrences as (

    select * from {{ ref('stg_omop__visit_occurrences') }}

),

pseudonyms as (

    select * from {{ ref('int_omop__person_pseudonyms') }}

),

final as (

    select
        ----------  ids
        {{ pseudonym('visit_occurrence', 'visit_occurrences.visit_occurrence_id') }} as visit_occurrence_id,
        pseudonyms.person_pseudonym as person_id,
        {{ pseudonym('visit_occurrence', 'visit_occurrences.preceding_visit_occurrence_id') }}
            as preceding_visit_occurrence_id,
        visit_occurrences.visit_concept_id,
        visit_occurrences.visit_type_concept_id,
        visit_occurrences.admitting_source_concept_id,
        visit_occurrences.discharge_to_concept_id,

        ----------  dates
        {{ shift_date('visit_occurrences.visit_start_date') }} as visit_start_date,
        {{ shift_date('visit_occurrences.visit_end_date') }} as visit_end_date

    from visit_occurrences
    inner join pseudonyms
        on visit_occurrences.person_id = pseudonyms.person_id

)

select * from final
