with

source as (

    select * from {{ source_or_empty('ctgov', 'studies__outcome_measures') }}

),

renamed as (

    select
        ----------  ids
        {{ surrogate_key(['nct_id', 'outcome_index']) }} as result_outcome_id,
        nct_id,

        ----------  strings
        lower(outcome_type) as outcome_type,
        title as outcome_title,
        description as outcome_description,
        population_description,
        reporting_status,
        param_type,
        dispersion_type,
        unit_of_measure,
        time_frame,
        type_units_analyzed,

        ----------  numerics
        cast(outcome_index as {{ dbt.type_bigint() }}) + 1 as outcome_rank,

        ----------  dates
        {{ parse_partial_date('anticipated_posting_date') }} as anticipated_posting_date

    from source

)

select * from renamed
