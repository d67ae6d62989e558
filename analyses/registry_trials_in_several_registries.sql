-- Trials registered in more than one registry, with every registry ID they carry.
with

trials as (

    select * from {{ ref('dim_trial') }}
    where registry_count > 1

),

ids as (

    select distinct
        trial_id,
        registry_id
    from {{ ref('bridge_trial_registry_id') }}

),

final as (

    select
        trials.trial_id,
        trials.registries,
        trials.brief_title,
        ids.registry_id
    from trials
    inner join ids
        on trials.trial_id = ids.trial_id

)

select * from final
