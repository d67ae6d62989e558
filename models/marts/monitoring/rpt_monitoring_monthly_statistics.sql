with

vitals as (

    select * from {{ ref('fct_vital_measurements') }}

),

labs as (

    select * from {{ ref('fct_lab_results') }}

),

measurements as (

    select
        'vitals' as feed,
        hospital_id,
        patient_id,
        measure_code,
        standard_unit,
        standard_value,
        is_abnormal,
        measurement_month
    from vitals

    union all

    select
        'labs' as feed,
        hospital_id,
        patient_id,
        measure_code,
        standard_unit,
        standard_value,
        is_abnormal,
        test_month as measurement_month
    from labs

),

aggregated as (

    select
        hospital_id,
        feed,
        measure_code,
        standard_unit,
        measurement_month,
        count(*) as measurement_count,
        avg(standard_value) as mean_value,
        min(standard_value) as min_value,
        max(standard_value) as max_value,
        {{ percentile_cont('standard_value', 0.5) }} as median_value,
        {{ percentile_cont('standard_value', 0.95) }} as p95_value,
        avg(cast(case when is_abnormal then 1 else 0 end as {{ type_double() }})) as share_abnormal,
        count(distinct patient_id) as patients_measured
    from measurements
    group by hospital_id, feed, measure_code, standard_unit, measurement_month

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['hospital_id', 'measure_code', 'measurement_month']) }} as monthly_statistic_id,
        hospital_id,

        ----------  strings
        feed,
        measure_code,
        standard_unit,

        ----------  numerics
        measurement_count,
        cast(mean_value as {{ type_double() }}) as mean_value,
        min_value,
        max_value,
        cast(median_value as {{ type_double() }}) as median_value,
        cast(p95_value as {{ type_double() }}) as p95_value,
        cast(share_abnormal as {{ type_double() }}) as share_abnormal,
        patients_measured,

        ----------  dates
        measurement_month

    from aggregated

)

select * from final
