with

source as (

    select * from {{ source_or_empty('ctgov', 'studies__arm_groups') }}

),

renamed as (

    select
        ----------  ids
        {{ surrogate_key(['nct_id', '_dlt_list_idx']) }} as arm_group_id,
        nct_id,

        ----------  strings
        arm_group_label,
        lower(arm_group_type) as arm_group_type,
        arm_group_description,
        intervention_names,
        {{ normalize_name('arm_group_label') }} as arm_group_key,

        ----------  numerics
        _dlt_list_idx + 1 as arm_group_rank

    from source

)

select * from renamed
