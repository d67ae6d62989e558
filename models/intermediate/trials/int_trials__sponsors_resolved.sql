{{ config(
    materialized="table" if target.type == "spark" else "incremental",
    incremental_strategy="append",
    on_schema_change="append_new_columns",
    pre_hook="{{ delete_changed_trials() }}",
) }}

{#-
    Sponsors and collaborators of every registry with a matching key, keyed on the resolved
    trial_id: the same organisation written with different case, punctuation, legal suffix or a
    the words "the", "and", "of" ("Pfizer Inc." / "PFIZER") gets one sponsor_id, and the seed sponsor_aliases
    joins known aliases and abbreviations ("GSK" / "GlaxoSmithKline", "Novartis
    Pharmaceuticals" / "NOVARTIS"). Names that only look alike are never merged here: they are
    listed in rpt_sponsor_alias_suggestions for a person to add to the seed. CT.gov states lead sponsor and collaborators;
    EUCTR lists its B.1.1 sponsors (the first is the lead, the others collaborators, each once
    per trial however many member states repeat them); ISRCTN and ICTRP state one primary
    sponsor, the lead. registry_precedence (ctgov 1, euctr 2, isrctn 3, ictrp 4) picks the
    trial's lead sponsor when registries name different ones.
-#}
with

ctgov_sponsors as (

    select * from {{ ref('stg_ctgov__sponsors') }}
    {{ only_changed_studies() }}

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
    {{ only_changed_trials() }}

),

aliases as (

    select * from {{ ref('sponsor_aliases') }}

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

keyed as (

    select
        *,
        {{ normalize_name('sponsor_name', drop_legal_suffixes=true) }} as spelling_key
    from registry_sponsors

),

organisations as (

    select
        keyed.*,
        coalesce(aliases.organisation_key, keyed.spelling_key) as organisation_key
    from keyed
    left join aliases
        on keyed.spelling_key = aliases.sponsor_key

),

final as (

    select
        ----------  ids
        organisations.study_sponsor_id,
        resolved.trial_id,
        {{ surrogate_key(['organisations.organisation_key']) }} as sponsor_id,

        ----------  strings
        organisations.registry,
        organisations.sponsor_name,
        organisations.organisation_key as sponsor_key,
        organisations.spelling_key,
        organisations.sponsor_class,
        organisations.sponsor_role,

        ----------  numerics
        cast(organisations.registry_precedence as {{ dbt.type_bigint() }}) as registry_precedence,

        ----------  booleans
        organisations.sponsor_role = 'lead' as is_lead_sponsor,

        ----------  timestamps
        {{ build_started_at() }} as built_at

    from organisations
    inner join resolved
        on organisations.registry_id = resolved.registry_id
    where organisations.spelling_key is not null

)

select * from final
