with

source as (

    select * from {{ source_or_empty('isrctn', 'trials__secondary_numbers') }}

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['isrctn', 'secondary_number']) }} as isrctn_secondary_number_id,
        isrctn as registry_id,
        trim(secondary_number) as secondary_number,
        {{ canonical_trial_id('secondary_number') }} as linked_registry_id

    from source

)

select * from final
