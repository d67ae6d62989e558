{#-
    KPI 6: percentage of the sponsor's studies with missing or inconsistent data. A study counts
    when its own row or any participation or medication row delivered for it has a finding
    (dim_study.has_missing_data / has_inconsistent_data; definitions in docs/patients.md).
-#}
with

studies as (

    select * from {{ ref('dim_study') }}

),

final as (

    select
        ----------  ids
        'trials_with_data_issues' as kpi_id,

        ----------  numerics
        count(*) as study_count,
        cast(sum(case when has_missing_data then 1 else 0 end) as {{ dbt.type_int() }}) as studies_with_missing_data,
        cast(sum(case when has_inconsistent_data then 1 else 0 end) as {{ dbt.type_int() }})
            as studies_with_inconsistent_data,
        cast(sum(case when has_missing_data or has_inconsistent_data then 1 else 0 end) as {{ dbt.type_int() }})
            as studies_with_issues,
        cast(round(
            100.0 * sum(case when has_missing_data or has_inconsistent_data then 1 else 0 end)
            / nullif(count(*), 0),
            2
        ) as {{ type_double() }}) as pct_studies_with_issues

    from studies

)

select * from final
