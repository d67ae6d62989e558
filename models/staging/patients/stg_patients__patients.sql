{#-
    Site patient records, one row per delivered row. Dates are read by parse_mixed_date (slashed
    dates in the order the site_date_conventions seed declares for the site, day first when the
    site has no row); the raw text stays beside every parsed value.

    Re-delivery rule: a patient_ref delivered again (another file, or a later extraction)
    replaces the earlier row: delivery_rank 1 is the newest delivery (latest extraction, then
    file name, sheet and line last first); downstream models keep rank 1 only.

    Quarantined values: a birth date after the registration date (or after today) and an age
    outside 0..125 years are not used (NULL here) and say why in birth_date_problem /
    age_problem; int_patients__quality_findings lists them with file, record and field.
-#}
with

source as (

    select * from {{ source_or_empty('patients', 'patients') }}

),

conventions as (

    select * from {{ ref('site_date_conventions') }}
    where source = 'patients'

),

sited as (

    select
        source.*,
        upper({{ dbt.split_part('trim(source.patient_ref)', "'-'", 1) }}) as parsed_site_code,
        coalesce(conventions.slash_order, 'day_first') as slash_order,
        {{ mixed_date_text('source.birth_date') }} as birth_date_clean,
        {{ mixed_date_text('source.registered_on') }} as registered_on_clean
    from source
    left join conventions
        on upper({{ dbt.split_part('trim(source.patient_ref)', "'-'", 1) }}) = upper(trim(conventions.site_id))

),

parsed as (

    select
        *,
        {{ parse_mixed_date('birth_date_clean', 'slash_order', cleaned=true) }} as parsed_birth_date,
        {{ parse_mixed_date('registered_on_clean', 'slash_order', cleaned=true) }} as parsed_registration_date,
        cast({{ to_number(regexp_extract('trim(age)', "'^([0-9]{1,3})([^0-9.]|$)'")) }} as {{ dbt.type_int() }})
            as parsed_age_years
    from sited

),

checked as (

    select
        *,
        {{ mixed_date_problem('registered_on_clean', 'parsed_registration_date', 'slash_order', cleaned=true) }}
            as registration_date_problem,
        case
            when {{ mixed_date_problem('birth_date_clean', 'parsed_birth_date', 'slash_order', cleaned=true) }}
                is not null
                then {{ mixed_date_problem('birth_date_clean', 'parsed_birth_date', 'slash_order', cleaned=true) }}
            when parsed_birth_date > coalesce(parsed_registration_date, current_date)
                then 'birth date after the registration date or in the future'
            when parsed_registration_date is not null
                and {{ whole_years_between('parsed_birth_date', 'parsed_registration_date') }} > 125
                then 'birth date gives an age over 125 years'
        end as birth_date_problem,
        case
            when parsed_age_years > 125 then 'age over 125 years'
        end as age_problem
    from parsed

),

valid as (

    select
        *,
        case when birth_date_problem is null then parsed_birth_date end as valid_birth_date,
        case when age_problem is null then parsed_age_years end as stated_age_years
    from checked

),

renamed as (

    select
        ----------  ids
        record_id,
        upper(trim(patient_ref)) as patient_ref,
        parsed_site_code as site_code,

        ----------  strings
        trim(first_name) as first_name,
        trim(last_name) as last_name,
        case
            when lower(trim(sex)) in ('f', 'female', 'w', 'woman') then 'female'
            when lower(trim(sex)) in ('m', 'male', 'man') then 'male'
        end as sex,
        sex as sex_text,
        country as country_text,
        age as age_text,
        birth_date as birth_date_text,
        registered_on as registration_date_text,
        slash_order,
        birth_date_problem,
        registration_date_problem,
        age_problem,
        source_file,
        source_sheet,

        ----------  numerics
        source_line,
        stated_age_years,
        case
            when valid_birth_date is not null and parsed_registration_date is not null
                then {{ whole_years_between('valid_birth_date', 'parsed_registration_date') }}
        end as derived_age_years,
        row_number() over (
            partition by upper(trim(patient_ref))
            order by extracted_at desc, source_file desc, source_sheet desc, source_line desc
        ) as delivery_rank,

        ----------  dates
        valid_birth_date as birth_date,
        parsed_registration_date as registration_date,

        ----------  timestamps
        {{ utc_timestamp_ntz('extracted_at') }} as extracted_at

    from valid

)

select * from renamed
