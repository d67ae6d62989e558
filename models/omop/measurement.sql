{#- De-identified measurement: pseudonymous IDs, dates shifted per person, no source values or free text. -#}
with

measurements as (

    select * from {{ ref('stg_omop__measurements') }}

),

pseudonyms as (

    select * from {{ ref('int_omop__person_pseudonyms') }}

),

final as (

    select
        ----------  ids
        {{ pseudonym('measurement', 'measurements.measurement_id') }} as measurement_id,
        pseudonyms.person_pseudonym as person_id,
        {{ pseudonym('visit_occurrence', 'measurements.visit_occurrence_id') }} as visit_occurrence_id,
        measurements.measurement_concept_id,
        measurements.measurement_type_concept_id,
        measurements.operator_concept_id,
        measurements.value_as_concept_id,
        measurements.unit_concept_id,

        ----------  numerics
        measurements.value_as_number,
        measurements.range_low,
        measurements.range_high,

        ----------  dates
        {{ shift_date('measurements.measurement_date') }} as measurement_date

    from measurements
    inner join pseudonyms
        on measurements.person_id = pseudonyms.person_id

)

select * from final
