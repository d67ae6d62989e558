{#- Which approved OMOP cohorts are ready to release: their data cut and whether they are k-anonymous. -#}
with

cohorts as (

    select * from {{ ref('cohort_registry') }}

),

k_anonymity as (

    select * from {{ ref('rpt_cohort_k_anonymity') }}

),

final as (

    select
        cohorts.cohort_id,
        cohorts.cohort_name,
        cohorts.person_count,
        k_anonymity.k_anonymity,
        k_anonymity.is_k_anonymous,
        cohorts.data_cut_at
    from cohorts
    left join k_anonymity
        on cohorts.cohort_id = k_anonymity.cohort_id

)

select * from final
