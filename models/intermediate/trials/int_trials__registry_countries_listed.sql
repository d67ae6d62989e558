{#-
    The countries each registry lists for a trial without naming a site: ICTRP and ISRCTN
    recruitment countries, EUCTR's member state of each protocol (its code where given) and the
    countries of E.8.6 beyond the member states. One row per listed country, keyed on the
    registry's own ID; int_trials__locations_country_coded resolves the trial and codes the country.
-#}
with

ictrp_countries as (

    select * from {{ ref('stg_ictrp__countries') }}

),

ictrp_trials as (

    select * from {{ ref('stg_ictrp__trials') }}

),

isrctn_countries as (

    select * from {{ ref('stg_isrctn__countries') }}

),

euctr_protocols as (

    select * from {{ ref('stg_euctr__protocols') }}

),

euctr_trial_countries as (

    select * from {{ ref('stg_euctr__trial_countries') }}

),

final as (

    select
        ----------  ids
        {{ surrogate_key(["'ictrp'", 'ictrp_countries.ictrp_country_id']) }} as study_location_id,
        coalesce(ictrp_trials.registry_id, ictrp_trials.ictrp_trial_id) as registry_id,

        ----------  strings
        'ictrp' as registry,
        ictrp_countries.country_name
    from ictrp_countries
    inner join ictrp_trials
        on ictrp_countries.ictrp_trial_id = ictrp_trials.ictrp_trial_id

    union all

    select
        {{ surrogate_key(["'isrctn'", 'isrctn_country_id']) }} as study_location_id,
        registry_id,
        'isrctn' as registry,
        country_name
    from isrctn_countries

    union all

    select
        {{ surrogate_key(["'euctr'", 'protocol_id']) }} as study_location_id,
        registry_id,
        'euctr' as registry,
        coalesce(member_state_code, member_state) as country_name
    from euctr_protocols

    union all

    select
        {{ surrogate_key(["'euctr'", 'euctr_trial_country_id']) }} as study_location_id,
        registry_id,
        'euctr' as registry,
        country_name
    from euctr_trial_countries

)

select * from final
