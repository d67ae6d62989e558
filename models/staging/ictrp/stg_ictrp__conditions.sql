with

{# The list of the newest export (see stg_ictrp__trials) that has one: exports are not merged
    item by item, so a list shortened by the registry stays short. #}
exports as (

    select
        _dlt_id,
        row_number() over (partition by trial_id order by {{ ictrp_newest_first() }}) as export_rank
    from {{ source_or_empty('ictrp', 'trials') }}

),

items as (

    select
        items.*,
        exports.export_rank
    from {{ source_or_empty('ictrp', 'trials__conditions') }} as items
    inner join exports
        on items._dlt_parent_id = exports._dlt_id

),

newest as (

    select
        trial_id,
        min(export_rank) as export_rank
    from items
    group by trial_id

),

source as (

    select items.*
    from items
    inner join newest
        on items.trial_id = newest.trial_id
            and items.export_rank = newest.export_rank

),

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
