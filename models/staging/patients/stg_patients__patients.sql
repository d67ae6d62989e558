{#-
    Site patient records, one row per delivered row. Dates are parsed here from the three shapes
    sites use (see parse_mixed_date); the raw text stays beside every parsed value.
-#}
with

source as (

    select * from {{ source_or_empty('patients', 'patients') }}

),

parsed as (

    select
        *,
        {{ parse_mixed_date('birth_date') }} as parsed_birth_date,
        {{ parse_mixed_date('registered_on') }} as parsed_registration_date,
        cast({{ to_number(regexp_extract('trim(age)', "'^([0-9]{1,3})([^0-9.]|$)'")) }} as {{ dbt.type_int() }})
            as stated_age_years
    from source

),

renamed as (

    select
        ----------  ids
        record_id,
        upper(trim(patient_ref)) as patient_ref,
        upper({{ dbt.split_part('trim(patient_ref)', "'-'", 1) }}) as site_code,

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
        source_file,
        source_sheet,

        ----------  numerics
        source_line,
        stated_age_years,
        case
            when parsed_birth_date is not null and parsed_registration_date is not null
                then {{ whole_years_between('parsed_birth_date', 'parsed_registration_date') }}
        end as derived_age_years,

        ----------  dates
        parsed_birth_date as birth_date,
        parsed_registration_date as registration_date,

        ----------  timestamps
        {{ utc_timestamp_ntz('extracted_at') }} as extracted_at

    from parsed

)

select * from renamed
