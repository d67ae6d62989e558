{#- De-identified procedure_occurrence: pseudonymous IDs, dates shifted per person, no source values or free text. -#}
with

procedure_occurrences as (

    select * from {{ ref('stg_omop__procedure_occurrences') }}

),

pseudonyms as (

    select * from {{ ref('int_omop__person_pseudonyms') }}

),

final as (

    select
        ----------  ids
        {{ pseudonym('procedure_occurrence', 'procedure_occurrences.procedure_occurrence_id') }}
            as procedure_occurrence_id,
        pseudonyms.person_pseudonym as person_id,
        {{ pseudonym('visit_occurrence', 'procedure_occurrences.visit_occurrence_id') }} as visit_occurrence_id,
        procedure_occurrences.procedure_concept_id,
        procedure_occurrences.procedure_type_concept_id,
        procedure_occurrences.modifier_concept_id,

        ----------  numerics
        procedure_occurrences.quantity,

        ----------  dates
        {{ shift_date('procedure_occurrences.procedure_date') }} as procedure_date

    from procedure_occurrences
    inner join pseudonyms
        on procedure_occurrences.person_id = pseudonyms.person_id

)

select * from final
