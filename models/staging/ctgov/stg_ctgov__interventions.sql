with

source as (

    select * from {{ source_or_empty('ctgov', 'studies__interventions') }}

),

renamed as (

    select
        ----------  ids
        {{ surrogate_key(['nct_id', '_dlt_list_idx']) }} as study_intervention_id,
        nct_id,

        ----------  strings
        lower(type) as intervention_type,
        trim(name) as intervention_name,
        {{ normalize_name('name') }} as intervention_key,
        description as intervention_description,

        ----------  numerics
        _dlt_list_idx + 1 as intervention_rank

    from source

)

select * from renamed
