{{ config(materialized="table") }}

{#-
    Sponsors and collaborators of every registry with a matching key, keyed on the resolved
    trial_id: the same organisation written with different case, punctuation or legal suffix
    ("Pfizer Inc." / "PFIZER") gets one sponsor_id. CT.gov states lead sponsor and collaborators;
    EUCTR lists its B.1.1 sponsors (the first is the lead, the others collaborators, each once
    per trial however many member states repeat them); ISRCTN and ICTRP state one primary
    sponsor, the lead. registry_precedence (ctgov 1, euctr 2, isrctn 3, ictrp 4) picks the
    trial's lead sponsor when registries name different ones.
-#}
with

ctgov_sponsors as (

    select * from {{ ref('stg_ctgov__sponsors') }}

),

euctr_sponsors as (

    select * from {{ ref('stg_euctr__sponsors') }}

),

isrctn_trials as (

    select * from {{ ref('stg_isrctn__trials') }}

),

ictrp_trials as (

    select * from {{ ref('stg_ictrp__trials') }}

),

resolved as (

    select * from {{ ref('int_trials__identity_resolved') }}

),

registry_sponsors as (

    select
        study_sponsor_id,
        'ctgov' as registry,
        1 as registry_precedence,
        nct_id as registry_id,
        sponsor_name,
        sponsor_class,
        sponsor_role
    from ctgov_sponsors

    union all

    select
        {{ surrogate_key(["'euctr'", 'registry_id', 'sponsor_key']) }} as study_sponsor_id,
        'euctr' as registry,
        2 as registry_precedence,
        registry_id,
        min(sponsor_name) as sponsor_name,
        cast(null as {{ dbt.type_string() }}) as sponsor_class,
        case when min(sponsor_rank) = 1 then 'lead' else 'collaborator' end as sponsor_role
    from euctr_sponsors
    group by registry_id, sponsor_key

    union all

    select
        {{ surrogate_key(["'isrctn'", 'registry_id']) }} as study_sponsor_id,
        'isrctn' as registry,
        3 as registry_precedence,
        registry_id,
        sponsor_name,
        cast(null as {{ dbt.type_string() }}) as sponsor_class,
        'lead' as sponsor_role
    from isrctn_trials

    union all

    select
        {{ surrogate_key(["'ictrp'", 'ictrp_trial_id']) }} as study_sponsor_id,
        'ictrp' as registry,
        4 as registry_precedence,
        coalesce(registry_id, ictrp_trial_id) as registry_id,
        sponsor_name,
        cast(null as {{ dbt.type_string() }}) as sponsor_class,
        'lead' as sponsor_role
    from ictrp_trials

),

final as (

    select
        ----------  ids
        registry_sponsors.study_sponsor_id,
        resolved.trial_id,
        {{ surrogate_key([normalize_name('registry_sponsors.sponsor_name', drop_legal_suffixes=true)]) }}
            as sponsor_id,

        ----------  strings
        registry_sponsors.registry,
        registry_sponsors.sponsor_name,
        {{ normalize_name('registry_sponsors.sponsor_name', drop_legal_suffixes=true) }} as sponsor_key,
        registry_sponsors.sponsor_class,
        registry_sponsors.sponsor_role,

        ----------  numerics
        cast(registry_sponsors.registry_precedence as {{ dbt.type_bigint() }}) as registry_precedence,

        ----------  booleans
        registry_sponsors.sponsor_role = 'lead' as is_lead_sponsor

    from registry_sponsors
    inner join resolved
        on registry_sponsors.registry_id = resolved.registry_id
    where {{ normalize_name('registry_sponsors.sponsor_name', drop_legal_suffixes=true) }} is not null

)

select * from final
