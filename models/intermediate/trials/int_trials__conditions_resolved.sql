{{ config(
    materialized="table" if target.type == "spark" else "incremental",
    incremental_strategy="append",
    on_schema_change="append_new_columns",
    pre_hook="{{ delete_changed_trials() }}",
) }}

{#-
    Conditions of every registry, keyed on the resolved trial_id: CT.gov and ISRCTN condition
    lists, ICTRP's conditions and EUCTR's E.1.1 medical condition (one per trial, however many
    member states repeat it). condition_key merges spellings differing only in case or
    punctuation; the rank is the position in the registry's list.
-#}
with

ctgov_conditions as (

    select * from {{ ref('stg_ctgov__conditions') }}
    {{ only_changed_studies() }}

),

ictrp_conditions as (

    select * from {{ ref('stg_ictrp__conditions') }}

),

ictrp_trials as (

    select * from {{ ref('stg_ictrp__trials') }}

),

isrctn_conditions as (

    select * from {{ ref('stg_isrctn__conditions') }}

),

euctr_protocols as (

    select * from {{ ref('stg_euctr__protocols') }}

),

resolved as (

    select * from {{ ref('int_trials__identity_resolved') }}
    {{ only_changed_trials() }}

),

registry_conditions as (

    select
        study_condition_id,
        'ctgov' as registry,
        nct_id as registry_id,
        condition_name,
        condition_key,
        condition_rank
    from ctgov_conditions

    union all

    select
        {{ surrogate_key(["'ictrp'", 'ictrp_conditions.ictrp_condition_id']) }} as study_condition_id,
        'ictrp' as registry,
        coalesce(ictrp_trials.registry_id, ictrp_trials.ictrp_trial_id) as registry_id,
        ictrp_conditions.condition_name,
        ictrp_conditions.condition_key,
        ictrp_conditions.condition_rank
    from ictrp_conditions
    inner join ictrp_trials
        on ictrp_conditions.ictrp_trial_id = ictrp_trials.ictrp_trial_id

    union all

    select
        {{ surrogate_key(["'isrctn'", 'isrctn_condition_id']) }} as study_condition_id,
        'isrctn' as registry,
        registry_id,
        condition_name,
        condition_key,
        condition_rank
    from isrctn_conditions

    union all

    select
        {{ surrogate_key(["'euctr'", 'registry_id', normalize_name('condition_name')]) }} as study_condition_id,
        'euctr' as registry,
        registry_id,
        min(condition_name) as condition_name,
        {{ normalize_name('condition_name') }} as condition_key,
        1 as condition_rank
    from euctr_protocols
    group by registry_id, {{ normalize_name('condition_name') }}

),

final as (

    select
        ----------  ids
        registry_conditions.study_condition_id,
        resolved.trial_id,
        {{ surrogate_key(['registry_conditions.condition_key']) }} as condition_id,

        ----------  strings
        registry_conditions.registry,
        registry_conditions.condition_name,
        registry_conditions.condition_key,

        ----------  numerics
        registry_conditions.condition_rank,

        ----------  timestamps
        {{ build_started_at() }} as built_at

    from registry_conditions
    inner join resolved
        on registry_conditions.registry_id = resolved.registry_id
    where registry_conditions.condition_key is not null

)

select * from final
