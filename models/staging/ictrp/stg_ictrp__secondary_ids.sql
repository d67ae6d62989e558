with

source as (

    select * from {{ source_or_empty('ictrp', 'trials__secondary_ids') }}

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['trial_id', 'secondary_id']) }} as ictrp_secondary_id_id,
        trial_id as ictrp_trial_id,
        trim(secondary_id) as secondary_id,
        {{ canonical_trial_id('secondary_id') }} as linked_registry_id

    from source

)

select * from final
