{#- KPI 1: de-duplicated patients per country of residence; ZZ (ISO user-assigned) = not known. -#}
with

patients as (

    select * from {{ ref('dim_patient') }}

),

counted as (

    select
        coalesce(country_code, 'ZZ') as country_code,
        coalesce(country_name, 'Unknown') as country_name,
        count(*) as patient_count
    from patients
    group by coalesce(country_code, 'ZZ'), coalesce(country_name, 'Unknown')

),

final as (

    select
        ----------  ids
        country_code,

        ----------  strings
        country_name,

        ----------  numerics
        patient_count,
        cast(round(100.0 * patient_count / sum(patient_count) over (), 2) as {{ type_double() }})
            as patient_share_pct

    from counted

)

select * from final
