{#-
    KPI 3: most frequently used medications: active ingredients ranked by distinct patients
    exposed, then by exposure rows. Rows for unknown patients or unrecognised drugs do not count.
-#}
with

exposures as (

    select * from {{ ref('fct_medication_exposure') }}

),

medications as (

    select * from {{ ref('dim_medication') }}

),

counted as (

    select
        medication_id,
        count(distinct patient_id) as patient_count,
        count(*) as exposure_count
    from exposures
    where patient_id is not null and medication_id is not null
    group by medication_id

),

ranked as (

    select
        counted.medication_id,
        medications.ingredient,
        medications.atc_code,
        counted.patient_count,
        counted.exposure_count,
        cast(row_number() over (
            order by counted.patient_count desc, counted.exposure_count desc, medications.ingredient asc
        ) as {{ dbt.type_bigint() }}) as usage_rank
    from counted
    inner join medications
        on counted.medication_id = medications.medication_id

),

final as (

    select
        ----------  ids
        medication_id,

        ----------  strings
        ingredient,
        atc_code,

        ----------  numerics
        usage_rank,
        patient_count,
        exposure_count

    from ranked

)

select * from final
