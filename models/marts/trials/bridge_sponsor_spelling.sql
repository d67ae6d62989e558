{#- Every spelling of every organisation as the registries wrote it, with the rule that joined it
    (its normalised key, or an alias of the seed sponsor_aliases) and how often it occurs. -#}
with

sponsors as (

    select * from {{ ref('int_trials__sponsors_resolved') }}

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['sponsor_id', 'sponsor_name']) }} as sponsor_spelling_id,
        sponsor_id,

        ----------  strings
        sponsor_name,
        spelling_key,
        case when spelling_key = sponsor_key then 'normalised' else 'alias' end as matched_by,
        {{ dbt.listagg('distinct registry', "', '", "order by registry") }} as registries,

        ----------  numerics
        count(*) as record_count,
        count(distinct trial_id) as trial_count

    from sponsors
    group by sponsor_id, sponsor_name, spelling_key, sponsor_key

)

select * from final
