{#-
    Identifiers that registry records list but that the identifier grammar (seed
    registry_id_patterns) does not read as any registry's ID: "Nil known", "N/A", grant numbers,
    sponsor protocol codes, ethics numbers. They never link trials; this table is for review
    (a real registry form that shows up here is a row to add to the seed).
-#}
with

identifiers as (

    select * from {{ ref('int_trials__registry_identifiers') }}

),

records as (

    select * from {{ ref('int_trials__registry_records') }}

),

resolved as (

    select * from {{ ref('int_trials__identity_resolved') }}

),

record_trials as (

    select distinct
        records.registry,
        records.registry_record_id,
        resolved.trial_id
    from records
    inner join resolved
        on records.registry_id = resolved.registry_id

),

final as (

    select
        ----------  ids
        identifiers.registry_identifier_id,
        record_trials.trial_id,
        identifiers.record_id,

        ----------  strings
        identifiers.stated_by,
        identifiers.source_field,
        identifiers.raw_identifier

    from identifiers
    left join record_trials
        on identifiers.stated_by = record_trials.registry
            and identifiers.record_id = record_trials.registry_record_id
    where identifiers.identifier_role = 'listed'
        and identifiers.canonical_id is null

)

select * from final
