with

{# The list of the newest export that has one (stg_ictrp__trials explains the exports). #}
{{ ictrp_newest_export_list('trials__conditions') }}

renamed as (

    select
        ----------  ids
        {{ surrogate_key(['trial_id', '_dlt_list_idx']) }} as ictrp_condition_id,
        trial_id as ictrp_trial_id,

        ----------  strings
        trim(condition_name) as condition_name,
        {{ normalize_name('condition_name') }} as condition_key,

        ----------  numerics
        _dlt_list_idx + 1 as condition_rank

    from source

)

select * from renamed
