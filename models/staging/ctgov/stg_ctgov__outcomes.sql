with

source as (

    select * from {{ source_or_empty('ctgov', 'studies__outcomes') }}

),

renamed as (

    select
        ----------  ids
        {{ surrogate_key(['nct_id', '_dlt_list_idx']) }} as study_outcome_id,
        nct_id,

        ----------  strings
        outcome_type,
        measure as outcome_measure,
        time_frame as outcome_time_frame,
        description as outcome_description,

        ----------  numerics
        _dlt_list_idx + 1 as outcome_rank

    from source

)

select * from renamed
