with

result_groups as (

    select * from {{ ref('dim_result_group') }}
    where result_module = 'adverse_events'

),

final as (

    select
        ----------  ids
        result_group_id,
        trial_id,
        nct_id,
        group_code,

        ----------  strings
        group_title,
        arm_group_type,

        ----------  numerics
        serious_num_affected,
        serious_num_at_risk,
        round(
            case
                when
                    serious_num_at_risk > 0
                    then cast(serious_num_affected as {{ type_double() }}) / serious_num_at_risk
            end,
            6
        ) as serious_adverse_event_share

    from result_groups

)

select * from final
