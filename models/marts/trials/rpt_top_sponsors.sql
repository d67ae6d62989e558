with

bridge as (

    select * from {{ ref('bridge_trial_sponsor') }}

),

sponsors as (

    select * from {{ ref('dim_sponsor') }}

),

counted as (

    select
        sponsor_id,
        count(distinct trial_id) as trial_count,
        count(distinct case when is_lead_sponsor then trial_id end) as lead_trial_count,
        count(distinct case when not is_lead_sponsor then trial_id end) as collaborator_trial_count
    from bridge
    group by sponsor_id

),

ranked as (

    select
        counted.*,
        sponsors.sponsor_name,
        sponsors.sponsor_class,
        -- row_number() is a bigint on DuckDB and an int on Spark: one type for the contract.
        cast(row_number() over (
            order by counted.trial_count desc, counted.lead_trial_count desc, sponsors.sponsor_name asc
        ) as {{ dbt.type_bigint() }}) as sponsor_rank
    from counted
    inner join sponsors
        on counted.sponsor_id = sponsors.sponsor_id

),

final as (

    select
        ----------  ids
        sponsor_id,

        ----------  strings
        sponsor_name,
        sponsor_class,

        ----------  numerics
        sponsor_rank,
        trial_count,
        lead_trial_count,
        collaborator_trial_count

    from ranked
    where sponsor_rank <= {{ var('top_sponsors_limit') | int }}

)

select * from final
