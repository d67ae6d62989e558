{#-
    Medication rows. A dose written into the drug name ("Metformin 500mg", "Ventolin 100 mcg") is
    used when the dose column is empty; the name without the dose is the matching key for the
    drug_ingredient_aliases seed. Doses are converted to milligrams (g, mg, mcg/ug).
-#}
with

source as (

    select * from {{ source_or_empty('patients', 'medications') }}

),

{%- set dose_pattern = "'([0-9]+([.,][0-9]+)?) ?(mcg|ug|mg|g)([^a-z]|$)'" %}

parsed as (

    select
        *,
        {{ to_number("replace(trim(dose), ',', '.')") }} as column_dose_amount,
        nullif(lower(trim(dose_unit)), '') as column_dose_unit,
        {{ to_number("replace(" ~ regexp_extract('lower(drug_name)', dose_pattern, 1) ~ ", ',', '.')") }}
            as name_dose_amount,
        {{ regexp_extract('lower(drug_name)', dose_pattern, 3) }} as name_dose_unit,
        {{ normalize_name(regexp_replace_all('lower(drug_name)', dose_pattern, "' '")) }} as drug_key
    from source

),

doses as (

    select
        *,
        case
            when column_dose_amount is not null then column_dose_amount
            when nullif(trim(dose), '') is null then name_dose_amount
        end as parsed_dose_amount,
        case
            when column_dose_amount is not null then column_dose_unit
            when nullif(trim(dose), '') is null then name_dose_unit
        end as parsed_dose_unit
    from parsed

),

renamed as (

    select
        ----------  ids
        record_id,
        upper(trim(patient_ref)) as patient_ref,
        {{ regexp_replace_all('upper(trim(study_code))', "'[^A-Z0-9]'", "''") }} as study_key,

        ----------  strings
        study_code as study_code_text,
        drug_name as drug_name_text,
        drug_key,
        dose as dose_text,
        dose_unit as dose_unit_text,
        parsed_dose_unit as dose_unit,
        route as route_text,
        case
            when lower(trim(route)) in ('oral', 'po', 'p.o.', 'by mouth') then 'oral'
            when lower(trim(route)) in ('inhaled', 'inh', 'inhalation') then 'inhalation'
            when lower(trim(route)) in ('iv', 'i.v.', 'intravenous') then 'intravenous'
            when lower(trim(route)) in ('sc', 's.c.', 'subcutaneous') then 'subcutaneous'
        end as route,
        started_on as start_date_text,
        ended_on as end_date_text,
        source_file,
        source_sheet,

        ----------  numerics
        source_line,
        parsed_dose_amount as dose_amount,
        parsed_dose_amount * case parsed_dose_unit
            when 'g' then 1000.0
            when 'mg' then 1.0
            when 'mcg' then 0.001
            when 'ug' then 0.001
            when 'µg' then 0.001
        end as dose_mg,

        ----------  dates
        {{ parse_mixed_date('started_on') }} as start_date,
        {{ parse_mixed_date('ended_on') }} as end_date,

        ----------  timestamps
        {{ utc_timestamp_ntz('extracted_at') }} as extracted_at

    from doses

)

select * from renamed
