with

trials as (

    select * from {{ ref('dim_trial') }}

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['extract(year from start_date)', 'trial_status']) }} as report_row_id,

        ----------  strings
        trial_status,
        trial_status_label,

        ----------  numerics
        cast(extract(year from start_date) as {{ dbt.type_int() }}) as start_year,
        count(*) as trial_count,
        cast(sum(coalesce(enrollment_count, 0)) as {{ dbt.type_bigint() }}) as total_enrollment

    from trials
    group by extract(year from start_date), trial_status, trial_status_label

)

select * from final
