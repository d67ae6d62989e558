{#- How many trials each combination of registries holds: the trials registered in more than
    one registry are the ones counting records instead of trials would count twice. -#}
with

trials as (

    select * from {{ ref('dim_trial') }}

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['registries']) }} as registry_combination_id,

        ----------  strings
        registries,

        ----------  numerics
        registry_count,
        count(*) as trial_count,
        cast(sum(registry_record_count) as {{ dbt.type_bigint() }}) as registry_record_count

    from trials
    group by registries, registry_count

)

select * from final
