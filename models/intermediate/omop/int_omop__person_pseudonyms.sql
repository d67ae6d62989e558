{{ config(materialized="table") }}

{#- One row per ingested person: the keyed pseudonym and the date shift used in every table. -#}
with

persons as (

    select * from {{ ref('stg_omop__persons') }}

),

final as (

    select
        ----------  ids
        person_id,
        {{ pseudonym('person', 'person_id') }} as person_pseudonym,

        ----------  numerics
        {{ date_shift_days('person_id') }} as date_shift_days

    from persons

)

select * from final
