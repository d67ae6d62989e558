with

source as (

    select * from {{ source_or_empty('omop', 'cohorts') }}

),

renamed as (

    select
        ----------  ids
        cohort_id,

        ----------  strings
        cohort_name,
        person_list_sha256,
        registry_file,

        ----------  numerics
        person_count,

        ----------  dates
        approved_on as approved_date

    from source

)

select * from renamed
