with

sponsors as (

    select * from {{ ref('int_trials__sponsors_resolved') }}

),

final as (

    select
        ----------  ids
        trial_id,
        sponsor_id,

        ----------  strings
        sponsor_role,

        ----------  booleans
        sponsor_role = 'lead' as is_lead_sponsor

    from sponsors
    group by trial_id, sponsor_id, sponsor_role

)

select * from final
