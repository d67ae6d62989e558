{#- De-identified observation_period: pseudonymous IDs, dates shifted per person, no source values or free text. -#}
with

observation_periods as (

    select * from {{ ref('stg_omop__observation_periods') }}

),

pseudonyms as (

    select * from {{ ref('int_omop__person_pseudonyms') }}

),

final as (

    select
        ----------  ids
        {{ pseudonym('observation_period', 'observation_periods.observation_period_id') }} as observation_period_id,
        pseudonyms.person_pseudonym as person_id,
        observation_periods.period_type_concept_id,

        ----------  dates
        {{ shift_date('observation_periods.observation_period_start_date') }} as observation_period_start_date,
        {{ shift_date('observation_periods.observation_period_end_date') }} as observation_period_end_date

    from observation_periods
    inner join pseudonyms
        on observation_periods.person_id = pseudonyms.person_id

)

select * from final
