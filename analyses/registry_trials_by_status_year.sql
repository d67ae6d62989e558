-- Trials (not registry records) by recruitment status and start year, over every registry.
with

trials as (

    select * from {{ ref('dim_trial') }}

),

final as (

    select
        trial_status,
        extract(year from start_date) as start_year,
        count(*) as trial_count
    from trials
    group by trial_status, extract(year from start_date)

)

select * from final
