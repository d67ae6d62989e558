{#-
    EUCTR publishes one protocol per member state. One trial per EudraCT number here: the
    trial-level status is the most "alive" of its countries (ongoing > restarted > temporarily
    halted > completed > prematurely ended > other), titles and the first-listed sponsor come
    from the first member state by code, dates are the earliest. Per-country statuses stay in
    stg_euctr__protocols (one row per member state).
-#}
with

protocols as (

    select * from {{ ref('stg_euctr__protocols') }}

),

lead_sponsors as (

    select * from {{ ref('stg_euctr__sponsors') }}
    where sponsor_rank = 1

),

ranked as (

    select
        *,
        case source_status
            when 'ongoing' then 1
            when 'restarted' then 2
            when 'temporarily halted' then 3
            when 'completed' then 4
            when 'prematurely ended' then 5
            else 6
        end as status_rank,
        row_number() over (partition by registry_id order by member_state_code) as country_order

    from protocols

),

status_sources as (

    select distinct
        registry_id,
        status_rank,
        source_status
    from ranked

),

trial_status as (

    select
        registry_id,
        min(status_rank) as best_status_rank,
        min(registered_date) as registered_date,
        min(authorised_date) as start_date,
        count(*) as member_state_count,
        max(nct_id) as nct_id,
        max(isrctn) as isrctn,
        coalesce(max(authorised_date), max(registered_date)) as last_stated_date,
        max(extracted_at) as extracted_at

    from ranked
    group by registry_id

),

final as (

    select
        ----------  ids
        trial_status.registry_id,
        trial_status.nct_id,
        trial_status.isrctn,
        first_country.sponsor_protocol_code,

        ----------  strings
        first_country.full_title,
        first_country.abbreviated_title,
        lead_sponsors.sponsor_name,
        first_country.condition_name,
        status_source.source_status,
        first_country.phase_flags,
        first_country.eligible_sex,

        ----------  numerics
        first_country.minimum_age_years,
        first_country.maximum_age_years,
        trial_status.member_state_count,

        ----------  dates
        trial_status.registered_date,
        trial_status.start_date,
        trial_status.last_stated_date,

        ----------  timestamps
        trial_status.extracted_at

    from trial_status
    inner join ranked as first_country
        on trial_status.registry_id = first_country.registry_id
            and first_country.country_order = 1
    inner join status_sources as status_source
        on trial_status.registry_id = status_source.registry_id
            and trial_status.best_status_rank = status_source.status_rank
    left join lead_sponsors
        on first_country.protocol_id = lead_sponsors.protocol_id

)

select * from final
