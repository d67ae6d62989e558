{#-
    Medication rows. A dose written into the drug name ("Metformin 500mg", "Ventolin 100 µg") is
    used when the dose column is empty; the name without the dose is the matching key for the
    drug_ingredient_aliases seed. Units (medication_dose_units seed: µg, mcg, ug, mg, g, mL, IU
    and their spellings) are read wherever they are written; mass doses are converted to
    milligrams. Routes through the medication_routes seed ("po", "per os", "inhal.", "i.v.").

    Duplicate rule: rows with the same patient reference, study, drug, dose, unit, route and
    start and end dates (as parsed) are one exposure, however often they were delivered;
    delivery_rank 1 is the newest delivery, which downstream models keep.
-#}
with

source as (

    select * from {{ source_or_empty('patients', 'medications') }}

),

conventions as (

    select * from {{ ref('site_date_conventions') }}
    where source = 'patients'

),

units as (

    select * from {{ ref('medication_dose_units') }}

),

routes as (

    select * from {{ ref('medication_routes') }}

),

{%- set dose_pattern = "'([0-9]+([.,][0-9]+)?) ?(mcg|µg|μg|ug|mg|g|ml|iu|i[.]u[.]|units?)([^a-z]|$)'" %}

parsed as (

    select
        source.*,
        coalesce(conventions.slash_order, 'day_first') as slash_order,
        {{ mixed_date_text('source.started_on') }} as started_on_clean,
        {{ mixed_date_text('source.ended_on') }} as ended_on_clean,
        {{ to_number("replace(trim(source.dose), ',', '.')") }} as column_dose_amount,
        nullif(lower(trim(source.dose_unit)), '') as column_dose_unit,
        {{ to_number("replace(" ~ regexp_extract('lower(source.drug_name)', dose_pattern, 1) ~ ", ',', '.')") }}
            as name_dose_amount,
        {{ regexp_extract('lower(source.drug_name)', dose_pattern, 3) }} as name_dose_unit,
        case
            when {{ to_number("replace(trim(source.dose), ',', '.')") }} is not null
                then nullif(lower(trim(source.dose_unit)), '')
            when nullif(trim(source.dose), '') is null
                then {{ regexp_extract('lower(source.drug_name)', dose_pattern, 3) }}
        end as written_dose_unit,
        {{ normalize_name(regexp_replace_all('lower(source.drug_name)', dose_pattern, "' '")) }} as drug_key
    from source
    left join conventions
        on upper({{ dbt.split_part('trim(source.patient_ref)', "'-'", 1) }}) = upper(trim(conventions.site_id))

),

doses as (

    select
        parsed.*,
        units.dose_unit as parsed_dose_unit,
        units.milligrams_per_unit,
        case
            when parsed.column_dose_amount is not null then parsed.column_dose_amount
            when nullif(trim(parsed.dose), '') is null then parsed.name_dose_amount
        end as parsed_dose_amount,
        routes.route as parsed_route,
        {{ parse_mixed_date('parsed.started_on_clean', 'parsed.slash_order', cleaned=true) }} as parsed_start_date,
        {{ parse_mixed_date('parsed.ended_on_clean', 'parsed.slash_order', cleaned=true) }} as parsed_end_date
    from parsed
    left join units
        on parsed.written_dose_unit = units.unit_alias
    left join routes
        on lower(trim(parsed.route)) = routes.route_alias

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
        parsed_route as route,
        started_on as start_date_text,
        ended_on as end_date_text,
        {{ mixed_date_problem('started_on_clean', 'parsed_start_date', 'slash_order', cleaned=true) }}
            as start_date_problem,
        {{ mixed_date_problem('ended_on_clean', 'parsed_end_date', 'slash_order', cleaned=true) }}
            as end_date_problem,
        source_file,
        source_sheet,

        ----------  numerics
        source_line,
        parsed_dose_amount as dose_amount,
        parsed_dose_amount * milligrams_per_unit as dose_mg,
        row_number() over (
            partition by
                upper(trim(patient_ref)),
                {{ regexp_replace_all('upper(trim(study_code))', "'[^A-Z0-9]'", "''") }},
                coalesce(drug_key, ''),
                coalesce(cast(parsed_dose_amount as {{ dbt.type_string() }}), lower(trim(dose)), ''),
                coalesce(parsed_dose_unit, lower(trim(dose_unit)), ''),
                coalesce(parsed_route, lower(trim(route)), ''),
                coalesce(cast(parsed_start_date as {{ dbt.type_string() }}), lower(trim(started_on)), ''),
                coalesce(cast(parsed_end_date as {{ dbt.type_string() }}), lower(trim(ended_on)), '')
            order by extracted_at desc, source_file desc, source_sheet desc, source_line desc
        ) as delivery_rank,

        ----------  dates
        parsed_start_date as start_date,
        parsed_end_date as end_date,

        ----------  timestamps
        {{ utc_timestamp_ntz('extracted_at') }} as extracted_at

    from doses

)

select * from renamed
