{{ config(materialized="table") }}

{#-
    Every site patient record with its country as ISO 3166-1 alpha-2, its age, and the warehouse
    patient it belongs to.

    Only the newest delivery of each patient_ref is read (delivery_rank 1, see
    stg_patients__patients): a re-delivered reference updates its record.

    Matching rule: two site records are the same person when their first names, last names
    (folded for case, accents, punctuation and spacing: fold_person_name), sex and birth date are
    all equal. Records without a readable birth date or sex are never merged (a name and an age
    are too weak). The surviving record of a person is the one registered first (then site code,
    then patient reference); patient_id is the keyed pseudonym (pseudonym macro, domain
    'patient') of its reference. match_rule says which rule tied a record to its survivor:
    'names, sex and birth date' when the names agree as written (case and spacing aside),
    'names folded for accents, sex and birth date' when only the accent-folded names agree.
    Age: whole years at registration from the birth date, else the stated age.
-#}
with

records as (

    select * from {{ ref('stg_patients__patients') }}
    where delivery_rank = 1

),

aliases as (

    select * from {{ ref('country_aliases') }}

),

coded as (

    select
        records.*,
        coalesce(exact_alias.country_code, undotted_alias.country_code) as country_code,
        coalesce(records.derived_age_years, records.stated_age_years) as age_years,
        case
            when records.derived_age_years is not null then 'birth_date'
            when records.stated_age_years is not null then 'stated'
        end as age_source,
        case
            when records.birth_date is not null and records.sex is not null
                then {{ dbt.concat([
                    fold_person_name('records.first_name'), "'|'",
                    fold_person_name('records.last_name'), "'|'",
                    'records.sex', "'|'",
                    dbt.cast('records.birth_date', api.Column.translate_type('string')),
                ]) }}
            else {{ dbt.concat(["'ref|'", 'records.patient_ref']) }}
        end as match_key,
        {{ dbt.concat([
            "coalesce(" ~ regexp_replace_all('lower(records.first_name)', name_separator_pattern(), "''") ~ ", '')", "'|'",
            "coalesce(" ~ regexp_replace_all('lower(records.last_name)', name_separator_pattern(), "''") ~ ", '')",
        ]) }} as written_name_key
    from records
    left join aliases as exact_alias
        on lower(trim(records.country_text)) = exact_alias.country_alias
    left join aliases as undotted_alias
        on lower(trim(replace(records.country_text, '.', ''))) = undotted_alias.country_alias

),

ranked as (

    select
        *,
        row_number() over (
            partition by match_key
            order by registration_date, site_code, patient_ref
        ) as match_rank,
        count(*) over (partition by match_key) as site_record_count,
        first_value(patient_ref) over (
            partition by match_key
            order by registration_date, site_code, patient_ref
            rows between unbounded preceding and unbounded following
        ) as survivor_patient_ref,
        first_value(written_name_key) over (
            partition by match_key
            order by registration_date, site_code, patient_ref
            rows between unbounded preceding and unbounded following
        ) as survivor_written_name_key
    from coded

),

final as (

    select
        ----------  ids
        record_id,
        {{ pseudonym('patient', 'survivor_patient_ref') }} as patient_id,
        patient_ref,
        survivor_patient_ref,
        site_code,
        country_code,

        ----------  strings
        sex,
        country_text,
        age_source,
        case
            when match_rank = 1 then null
            when written_name_key = survivor_written_name_key then 'names, sex and birth date'
            else 'names folded for accents, sex and birth date'
        end as match_rule,
        source_file,
        nullif(
            concat_ws(
                '; ',
                case when nullif(trim(country_text), '') is null then 'country missing' end,
                case
                    when nullif(trim(country_text), '') is not null and country_code is null
                        then 'country not recognised'
                end,
                case when sex is null then 'sex missing or not recognised' end,
                case
                    when birth_date_problem is not null
                        then {{ dbt.concat(["'birth date not used: '", 'birth_date_problem']) }}
                end,
                case when registration_date is null then 'registration date missing or not a date' end,
                case when age_problem is not null then {{ dbt.concat(["'stated age not used: '", 'age_problem']) }} end,
                case when age_years is null then 'no age and no birth date' end,
                case when stated_age_years <> derived_age_years then 'stated age disagrees with birth date' end
            ),
            ''
        ) as dq_issues,

        ----------  numerics
        source_line,
        age_years,
        site_record_count,

        ----------  booleans
        match_rank = 1 as is_survivor,

        ----------  dates
        birth_date,
        registration_date

    from ranked

)

select * from final
