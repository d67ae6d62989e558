{#-
    Data quality: every registry status value that the trial_status_mapping seed does not map,
    with how many records carry it. Such records show trial_status 'unknown' and keep their raw
    text in source_status; a row here is a value to add to the seed (one line), never a failed
    build. EUCTR is counted per member-state protocol, the other registries per record.
-#}
with

records as (

    select * from {{ ref('int_trials__registry_records') }}
    where registry <> 'euctr'

),

euctr_protocols as (

    select * from {{ ref('stg_euctr__protocols') }}

),

status_mapping as (

    select * from {{ ref('trial_status_mapping') }}
    where registry = 'euctr'

),

unmapped as (

    select
        registry,
        source_status,
        registry_id
    from records
    where not is_status_mapped

    union all

    select
        'euctr' as registry,
        euctr_protocols.source_status,
        euctr_protocols.registry_id
    from euctr_protocols
    left join status_mapping
        on {{ status_key('euctr_protocols.source_status') }} = status_mapping.source_status
    where euctr_protocols.source_status is not null
        and status_mapping.trial_status is null

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['registry', 'source_status']) }} as unmapped_status_id,

        ----------  strings
        registry,
        source_status,

        ----------  numerics
        count(*) as record_count,
        count(distinct registry_id) as registry_id_count

    from unmapped
    group by registry, source_status

)

select * from final
