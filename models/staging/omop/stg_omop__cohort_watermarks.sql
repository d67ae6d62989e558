with

source as (

    select * from {{ source_or_empty('omop', 'cohort_watermark') }}

),

renamed as (

    select
        ----------  ids
        {{ surrogate_key(['cohort_id', 'table_name']) }} as cohort_watermark_id,
        cohort_id,

        ----------  strings
        table_name,

        ----------  numerics
        rows_extracted,

        ----------  timestamps
        {{ utc_timestamp_ntz('high_water_mark') }} as high_water_mark_at,
        {{ utc_timestamp_ntz('extracted_at') }} as extracted_at

    from source

)

select * from renamed
