{#- ICD-10 categories: those the diagnosis_categories seed names plus any other code seen in the files. -#}
with

categories as (

    select * from {{ ref('diagnosis_categories') }}

),

seen as (

    select distinct diagnosis_code
    from {{ ref('int_patients__participations_linked') }}
    where diagnosis_code is not null

),

codes as (

    select diagnosis_code from categories
    union
    select diagnosis_code from seen

),

final as (

    select
        ----------  ids
        codes.diagnosis_code as diagnosis_id,
        codes.diagnosis_code,

        ----------  strings
        categories.diagnosis_name,

        ----------  booleans
        categories.diagnosis_code is not null as is_known_category

    from codes
    left join categories
        on codes.diagnosis_code = categories.diagnosis_code

)

select * from final
