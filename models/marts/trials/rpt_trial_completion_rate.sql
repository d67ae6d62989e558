with

flow as (

    select * from {{ ref('fct_participant_flow') }}
    where count_kind = 'milestone'

),

periods as (

    select
        trial_id,
        min(period_rank) as first_period_rank,
        max(period_rank) as last_period_rank
    from flow
    group by trial_id

),

counts as (

    {#- Started in the first period, completed in the last (a study with several periods,
        e.g. a run-in, counts who entered and who finished the whole study). -#}
    select
        flow.trial_id,
        min(flow.nct_id) as nct_id,
        sum(
            case
                when flow.count_type = 'STARTED' and flow.period_rank = periods.first_period_rank then flow.num_subjects
            end
        )
            as started_count,
        sum(
            case
                when
                    flow.count_type = 'COMPLETED' and flow.period_rank = periods.last_period_rank
                    then flow.num_subjects
            end
        )
            as completed_count
    from flow
    inner join periods
        on flow.trial_id = periods.trial_id
    group by flow.trial_id

),

final as (

    select
        ----------  ids
        trial_id,
        nct_id,

        ----------  numerics
        cast(started_count as {{ dbt.type_int() }}) as started_count,
        cast(completed_count as {{ dbt.type_int() }}) as completed_count,
        round(
            case when started_count > 0 then cast(completed_count as {{ type_double() }}) / started_count end, 6
        ) as completion_rate

    from counts

)

select * from final
