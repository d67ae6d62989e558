{#-
    One row per person after de-duplication across sites (rule in
    int_patients__site_records_matched). Published and exported: no direct identifier. The
    key is the keyed pseudonym of the surviving site reference, the birth date is reduced to
    its year; the site references, names and birth dates stay in the intermediate models.
-#}
with

records as (

    select * from {{ ref('int_patients__site_records_matched') }}

),

survivors as (

    select
        *,
        site_record_count > 1 as is_registered_at_several_sites
    from records
    where is_survivor

),

countries as (

    select * from {{ ref('country_codes') }}

),

record_issues as (

    select
        patient_id,
        count(dq_issues) as site_records_with_issues
    from records
    group by patient_id

),

final as (

    select
        ----------  ids
        records.patient_id,
        records.site_code,
        records.country_code,

        ----------  strings
        countries.country_name,
        records.sex,
        records.age_source,
        records.dq_issues,

        ----------  numerics
        records.age_years,
        records.site_record_count,
        record_issues.site_records_with_issues,
        cast(extract(year from records.birth_date) as {{ dbt.type_int() }}) as birth_year,

        ----------  booleans
        records.is_registered_at_several_sites,

        ----------  dates
        records.registration_date

    from survivors as records
    left join countries
        on records.country_code = countries.country_code
    left join record_issues
        on records.patient_id = record_issues.patient_id

)

select * from final
