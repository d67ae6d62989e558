with

source as (

    select * from {{ source_or_empty('omop', 'cohort_membership') }}

),

renamed as (

    select
        ----------  ids
        {{ surrogate_key(['cohort_id', 'person_id']) }} as cohort_membership_id,
        cohort_id,
        person_id

    from source

)

select * from renamed
