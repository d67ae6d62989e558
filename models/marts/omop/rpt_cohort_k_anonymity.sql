{#-
    k-anonymity of each cohort on its quasi-identifiers (year of birth, gender, location): the
    size of the smallest group of persons sharing the same combination, and how many persons sit
    in groups smaller than the threshold (var omop_k_anonymity_threshold). One row of counts per
    cohort, never a combination or its size: a public mart, published like the others.
-#}
with

cohort_persons as (

    select * from {{ ref('cohort_person') }}

),

persons as (

    select * from {{ ref('person') }}

),

quasi_identifiers as (

    select
        cohort_persons.cohort_id,
        persons.year_of_birth,
        persons.gender_concept_id,
        coalesce(persons.location_id, 'unknown') as location_key
    from cohort_persons
    inner join persons
        on cohort_persons.person_id = persons.person_id

),

classes as (

    select
        cohort_id,
        year_of_birth,
        gender_concept_id,
        location_key,
        count(*) as class_size
    from quasi_identifiers
    group by cohort_id, year_of_birth, gender_concept_id, location_key

),

final as (

    select
        ----------  ids
        cohort_id,

        ----------  numerics
        -- sum() of a bigint is a hugeint on DuckDB and a bigint on Spark: one type for the contract.
        cast(sum(class_size) as {{ dbt.type_bigint() }}) as person_count,
        count(*) as equivalence_class_count,
        min(class_size) as k_anonymity,
        cast({{ var('omop_k_anonymity_threshold') }} as {{ dbt.type_int() }}) as k_threshold,
        cast(
            sum(case when class_size < {{ var('omop_k_anonymity_threshold') }} then class_size else 0 end)
            as {{ dbt.type_bigint() }}
        ) as persons_below_threshold,

        ----------  booleans
        min(class_size) >= {{ var('omop_k_anonymity_threshold') }} as is_k_anonymous

    from classes
    group by cohort_id

)

select * from final
