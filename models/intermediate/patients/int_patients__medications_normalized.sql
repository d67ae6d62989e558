{{ config(materialized="table") }}

{%- set salt_words = [
    'hydrochloride', 'hcl', 'dihydrochloride', 'hydrobromide', 'sodium', 'potassium', 'calcium',
    'magnesium', 'besylate', 'besilate', 'maleate', 'mesylate', 'mesilate', 'tartrate', 'succinate',
    'sulfate', 'sulphate', 'bisulfate', 'citrate', 'fumarate', 'bromide', 'acetate', 'phosphate',
    'hyclate', 'xinafoate', 'propionate', 'dipropionate', 'furoate', 'oxalate', 'medoxomil',
    'cilexetil', 'erbumine', 'arginine', 'axetil', 'monohydrate', 'dihydrate', 'trihydrate',
    'hemihydrate', 'anhydrous', 'chloride', 'tablet', 'tablets', 'tab', 'tabs', 'capsule', 'capsules', 'caps',
] -%}

{#-
    Medication rows (the newest delivery of each exposure, see stg_patients__medications) with the ingredient (drug_ingredient_aliases seed, matched on the name
    without dose; when the name is unknown, without a trailing salt such as "hydrochloride",
    "besilate", "sodium" or "monohydrate"), the dose in milligrams, the warehouse patient and study, and their
    data-quality findings.
-#}
with

medications as (

    select * from {{ ref('stg_patients__medications') }}
    where delivery_rank = 1

),

aliases as (

    select * from {{ ref('drug_ingredient_aliases') }}

),

patient_refs as (

    select
        patient_ref,
        min(patient_id) as patient_id
    from {{ ref('int_patients__site_records_matched') }}
    group by patient_ref

),

studies as (

    select * from {{ ref('stg_patients__studies') }}
    where delivery_rank = 1

),

linked as (

    select
        medications.*,
        coalesce(aliases.ingredient, salt_aliases.ingredient) as ingredient,
        patient_refs.patient_id,
        case when studies.study_key is not null then {{ surrogate_key(['studies.study_key']) }} end as study_id
    from medications
    left join aliases
        on medications.drug_key = aliases.drug_alias
    left join aliases as salt_aliases
        on
            aliases.drug_alias is null
            and {{ regexp_replace_all('medications.drug_key', "'( (" ~ salt_words | join('|') ~ "))+$'", "''") }}
            = salt_aliases.drug_alias
    left join patient_refs
        on medications.patient_ref = patient_refs.patient_ref
    left join studies
        on medications.study_key = studies.study_key

),

final as (

    select
        ----------  ids
        record_id as exposure_id,
        patient_id,
        study_id,
        case when ingredient is not null then {{ surrogate_key(['ingredient']) }} end as medication_id,
        patient_ref,
        study_key,

        ----------  strings
        ingredient,
        drug_name_text,
        drug_key,
        dose_unit,
        route,
        source_file,
        nullif(
            concat_ws(
                '; ',
                case when dose_amount is null or dose_unit is null then 'dose missing or not read' end,
                case when route is null then 'route missing or not recognised' end,
                case when start_date is null then 'start date missing or not a date' end,
                case when end_date_text is not null and end_date is null then 'end date not a date' end
            ),
            ''
        ) as missing_data_issues,
        nullif(
            concat_ws(
                '; ',
                case when ingredient is null then 'drug not recognised' end,
                case when patient_id is null then 'unknown patient' end,
                case when study_id is null then 'unknown study' end,
                case when end_date < start_date then 'end before start' end
            ),
            ''
        ) as inconsistent_data_issues,

        ----------  numerics
        source_line,
        dose_amount,
        dose_mg,

        ----------  dates
        start_date,
        end_date

    from linked

)

select * from final
