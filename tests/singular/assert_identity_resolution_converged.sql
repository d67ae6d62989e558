-- Every link of the registry-ID graph joins two IDs of the same trial; a row here means the
-- label propagation needs more rounds (var identity_resolution_rounds).
with

edges as (

    select * from {{ ref('int_trials__registry_id_edges') }}

),

resolved as (

    select * from {{ ref('int_trials__identity_resolved') }}

),

final as (

    select
        edges.from_id,
        edges.to_id,
        from_trial.trial_id as from_trial_id,
        to_trial.trial_id as to_trial_id
    from edges
    inner join resolved as from_trial
        on edges.from_id = from_trial.registry_id
    inner join resolved as to_trial
        on edges.to_id = to_trial.registry_id
    where from_trial.trial_id <> to_trial.trial_id

)

select * from final
