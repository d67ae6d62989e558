{#- De-identified drug_exposure: pseudonymous IDs, dates shifted per person, no source values or free text. -#}
with

drug_exposures as (

    select * from {{ ref('stg_omop__drug_exposures') }}

),

pseudonyms as (

    select * from {{ ref('int_omop__person_pseudonyms') }}

),

final as (

    select
        ----------  ids
        {{ pseudonym('drug_exposure', 'drug_exposures.drug_exposure_id') }} as drug_exposure_id,
        pseudonyms.person_pseudonym as person_id,
        {{ pseudonym('visit_occurrence', 'drug_exposures.visit_occurrence_id') }} as visit_occurrence_id,
        drug_exposures.drug_concept_id,
        drug_exposures.drug_type_concept_id,
        drug_exposures.route_concept_id,

        ----------  numerics
        drug_exposures.refills,
        drug_exposures.quantity,
        drug_exposures.days_supply,

        ----------  dates
        {{ shift_date('drug_exposures.drug_exposure_start_date') }} as drug_exposure_start_date,
        {{ shift_date('drug_exposures.drug_exposure_end_date') }} as drug_exposure_end_date,
        {{ shift_date('drug_exposures.verbatim_end_date') }} as verbatim_end_date

    from drug_exposures
    inner join pseudonyms
        on drug_exposures.person_id = pseudonyms.person_id

)

select * from final
