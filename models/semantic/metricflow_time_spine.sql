{#-
    The time spine MetricFlow joins metrics to (dbt_utils is not reachable here, so the project
    writes its own): one row per day over the years trials start and end in.
-#}
{{ config(materialized='table') }}

with

days as (

    {{ day_spine('1990-01-01', '2041-01-01') }}

),

final as (

    select date_day
    from days

)

select * from final
