{{ config(materialized="table") }}

{#-
    The identity graph: one row per undirected link between two registry IDs, stated by a
    record (its own ID and a secondary ID it lists). Every record also links to itself, so an
    ID without secondary IDs is still a node. Only IDs in a registry format we can check (NCT,
    ISRCTN, EudraCT) link records: sponsor protocol codes such as "001" are too ambiguous.
    A table, because identity resolution reads it four times (the unions that make the graph
    undirected): as a view, the whole chain down to staging was planned and run each time.
-#}
with

records as (

    select * from {{ ref('int_trials__registry_records') }}

),

ctgov_secondary as (

    select
        nct_id as from_id,
        {{ canonical_trial_id('secondary_id') }} as to_id,
        'ctgov' as stated_by
    from {{ ref('stg_ctgov__secondary_ids') }}

),

ictrp_secondary as (

    select
        coalesce(trials.registry_id, trials.ictrp_trial_id) as from_id,
        secondary.linked_registry_id as to_id,
        'ictrp' as stated_by
    from {{ ref('stg_ictrp__secondary_ids') }} as secondary
    inner join {{ ref('stg_ictrp__trials') }} as trials
        on secondary.ictrp_trial_id = trials.ictrp_trial_id

),

euctr_secondary as (

    select
        registry_id as from_id,
        nct_id as to_id,
        'euctr' as stated_by
    from {{ ref('stg_euctr__protocols') }}
    union all
    select
        registry_id as from_id,
        isrctn as to_id,
        'euctr' as stated_by
    from {{ ref('stg_euctr__protocols') }}

),

isrctn_secondary as (

    select
        registry_id as from_id,
        linked_registry_id as to_id,
        'isrctn' as stated_by
    from {{ ref('stg_isrctn__secondary_numbers') }}
    union all
    select
        registry_id as from_id,
        eudract_number as to_id,
        'isrctn' as stated_by
    from {{ ref('stg_isrctn__trials') }}
    union all
    select
        registry_id as from_id,
        nct_id as to_id,
        'isrctn' as stated_by
    from {{ ref('stg_isrctn__trials') }}

),

self_links as (

    select
        registry_id as from_id,
        registry_id as to_id,
        registry as stated_by
    from records

),

all_links as (

    select * from ctgov_secondary
    union all
    select * from ictrp_secondary
    union all
    select * from euctr_secondary
    union all
    select * from isrctn_secondary
    union all
    select * from self_links

),

final as (

    select distinct
        ----------  ids
        from_id,
        to_id,

        ----------  strings
        stated_by

    from all_links
    where from_id is not null
        and to_id is not null

)

select * from final
