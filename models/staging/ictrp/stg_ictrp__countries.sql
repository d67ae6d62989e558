with

{# The list of the newest export that has one (stg_ictrp__trials explains the exports). #}
{{ ictrp_newest_export_list('trials__countries') }}

renamed as (

    select
        ----------  ids
        {{ surrogate_key(['trial_id', '_dlt_list_idx']) }} as ictrp_country_id,
        trial_id as ictrp_trial_id,

        ----------  strings
        trim(country_name) as country_name,

        ----------  numerics
        _dlt_list_idx + 1 as country_rank

    from source

)

select * from renamed
