{#- Secondary IDs of an ICTRP trial: the union over every export that holds it (an export that
    has no secondary-ID column, like the CSV export, takes none away). -#}
with

source as (

    select * from {{ source_or_empty('ictrp', 'trials__secondary_ids') }}

),

distinct_ids as (

    select distinct
        trial_id,
        trim(secondary_id) as secondary_id
    from source
    where nullif(trim(secondary_id), '') is not null

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['trial_id', 'secondary_id']) }} as ictrp_secondary_id_id,
        trial_id as ictrp_trial_id,
        secondary_id,
        {{ canonical_trial_id('secondary_id') }} as linked_registry_id

    from distinct_ids

)

select * from final
