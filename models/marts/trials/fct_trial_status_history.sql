{#-
    Trial status over time: one row per version of a trial's status, phase, enrollment and key
    dates, from the SCD2 snapshot of dim_trial (every de-duplicated trial of every registry).
    Versions are dated by the registry's last update (CT.gov's last-update posting where the
    trial has a CT.gov record), so the history says when the registry published a change, not
    when we happened to load it.
    Where snapshots cannot run (local Spark), it holds each trial's current version only.
-#}
with

snapshot as (

    select * from {{ trials_status_versions() }}

),

final as (

    select
        ----------  ids
        dbt_scd_id as trial_status_version_id,
        trial_id,

        ----------  strings
        trial_status,
        phase,
        enrollment_type,

        ----------  numerics
        enrollment_count,

        ----------  booleans
        dbt_valid_to is null as is_current,

        ----------  dates
        start_date,
        primary_completion_date,
        completion_date,

        ----------  timestamps
        dbt_valid_from as valid_from,
        dbt_valid_to as valid_to

    from snapshot

)

select * from final
