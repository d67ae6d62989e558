{#- De-identified condition_occurrence: pseudonymous IDs, dates shifted per person, no source values or free text. -#}
with

condition_occurrences as (

    select * from {{ ref('stg_omop__condition_occurrences') }}

),

pseudonyms as (

    select * from {{ ref('int_omop__person_pseudonyms') }}

),

final as (

    select
        ----------  ids
        {{ pseudonym('condition_occurrence', 'condition_occurrences.condition_occurrence_id') }}
            as condition_occurrence_id,
        pseudonyms.person_pseudonym as person_id,
        {{ pseudonym('visit_occurrence', 'condition_occurrences.visit_occurrence_id') }} as visit_occurrence_id,
        condition_occurrences.condition_concept_id,
        condition_occurrences.condition_type_concept_id,
        condition_occurrences.condition_status_concept_id,

        ----------  dates
        {{ shift_date('condition_occurrences.condition_start_date') }} as condition_start_date,
        {{ shift_date('condition_occurrences.condition_end_date') }} as condition_end_date

    from condition_occurrences
    inner join pseudonyms
        on condition_occurrences.person_id = pseudonyms.person_id

)

select * from final
