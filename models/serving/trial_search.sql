{#-
    One denormalised row per trial for free-text search in PostgreSQL, over the published copy
    of the marts. Registry IDs come from bridge_trial_registry_id when that mart has been
    published (every registry's IDs for a trial), otherwise from dim_trial.nct_id.

    search_document weights: A titles, acronym and registry IDs; B conditions, interventions
    and keywords; C sponsors and countries; D the summary. search_names (registry IDs, acronym
    and intervention names, lower case) carries a trigram index for ID prefixes and misspelt
    drug names. The search_trials() function is (re)created after every build.
-#}
{{
    config(
        indexes=[
            {'columns': ['trial_id'], 'unique': true},
            {'columns': ['search_document'], 'type': 'gin'},
            {'columns': ['search_names gin_trgm_ops'], 'type': 'gin'},
        ],
        pre_hook="create extension if not exists pg_trgm",
        post_hook="{{ create_search_trials_function(this) }}",
    )
}}

{%- set published_trials = source('published_marts', 'dim_trial') -%}
{%- set registry_id_relation = none -%}
{%- if execute -%}
    {%- set registry_id_relation = adapter.get_relation(
        database=published_trials.database,
        schema=published_trials.schema,
        identifier='bridge_trial_registry_id',
    ) -%}
{%- endif %}

with

trials as (

    select * from {{ published_trials }}

),

descriptions as (

    select * from {{ source('published_marts', 'dim_trial_description') }}

),

trial_conditions as (

    select * from {{ source('published_marts', 'bridge_trial_condition') }}

),

conditions as (

    select * from {{ source('published_marts', 'dim_condition') }}

),

trial_interventions as (

    select * from {{ source('published_marts', 'bridge_trial_intervention') }}

),

interventions as (

    select * from {{ source('published_marts', 'dim_intervention') }}

),

trial_sponsors as (

    select * from {{ source('published_marts', 'bridge_trial_sponsor') }}

),

sponsors as (

    select * from {{ source('published_marts', 'dim_sponsor') }}

),

trial_locations as (

    select * from {{ source('published_marts', 'bridge_trial_location') }}

),

locations as (

    select * from {{ source('published_marts', 'dim_location') }}

),

countries as (

    select * from {{ source('published_marts', 'dim_country') }}

),

registry_ids as (

    {% if registry_id_relation is not none -%}
    select
        trial_id,
        {{ var('serving_registry_id_column', 'registry_id') }} as registry_id
    from {{ registry_id_relation }}
    {%- else -%}
    select
        trial_id,
        nct_id as registry_id
    from trials
    where nct_id is not null
    {%- endif %}

),

registry_id_lists as (

    select
        trial_id,
        array_agg(distinct registry_id order by registry_id) as registry_ids
    from registry_ids
    where registry_id is not null
    group by trial_id

),

condition_lists as (

    select
        trial_conditions.trial_id,
        array_agg(
            conditions.condition_name order by trial_conditions.condition_rank, conditions.condition_name
        ) as condition_names
    from trial_conditions
    inner join conditions
        on trial_conditions.condition_id = conditions.condition_id
    group by trial_conditions.trial_id

),

intervention_lists as (

    select
        trial_interventions.trial_id,
        array_agg(
            interventions.intervention_name
            order by trial_interventions.intervention_rank, interventions.intervention_name
        ) as intervention_names
    from trial_interventions
    inner join interventions
        on trial_interventions.intervention_id = interventions.intervention_id
    group by trial_interventions.trial_id

),

sponsor_lists as (

    select
        trial_sponsors.trial_id,
        array_agg(
            sponsors.sponsor_name order by trial_sponsors.is_lead_sponsor desc, sponsors.sponsor_name
        ) as sponsor_names,
        max(case when trial_sponsors.is_lead_sponsor then sponsors.sponsor_name end) as lead_sponsor_name
    from trial_sponsors
    inner join sponsors
        on trial_sponsors.sponsor_id = sponsors.sponsor_id
    group by trial_sponsors.trial_id

),

country_lists as (

    select
        trial_locations.trial_id,
        array_agg(distinct locations.country_code order by locations.country_code)
            filter (where locations.country_code is not null) as country_codes,
        array_agg(distinct countries.country_name order by countries.country_name)
            filter (where countries.country_name is not null) as country_names
    from trial_locations
    inner join locations
        on trial_locations.location_id = locations.location_id
    left join countries
        on locations.country_code = countries.country_code
    group by trial_locations.trial_id

),

joined as (

    select
        trials.trial_id,
        trials.nct_id,
        coalesce(registry_id_lists.registry_ids, array[]::text []) as registry_ids,
        trials.brief_title,
        trials.official_title,
        trials.acronym,
        coalesce(condition_lists.condition_names, array[]::text []) as condition_names,
        coalesce(intervention_lists.intervention_names, array[]::text []) as intervention_names,
        coalesce(sponsor_lists.sponsor_names, array[]::text []) as sponsor_names,
        sponsor_lists.lead_sponsor_name,
        coalesce(country_lists.country_codes, array[]::text []) as country_codes,
        coalesce(country_lists.country_names, array[]::text []) as country_names,
        descriptions.keyword_list,
        descriptions.brief_summary,
        trials.trial_status,
        trials.trial_status_label,
        trials.phase,
        trials.phase_label,
        trials.study_type,
        trials.enrollment_count,
        trials.is_active,
        trials.start_date,
        trials.primary_completion_date,
        trials.completion_date,
        trials.last_update_posted_date
    from trials
    left join descriptions
        on trials.trial_id = descriptions.trial_id
    left join registry_id_lists
        on trials.trial_id = registry_id_lists.trial_id
    left join condition_lists
        on trials.trial_id = condition_lists.trial_id
    left join intervention_lists
        on trials.trial_id = intervention_lists.trial_id
    left join sponsor_lists
        on trials.trial_id = sponsor_lists.trial_id
    left join country_lists
        on trials.trial_id = country_lists.trial_id

),

final as (

    select
        ----------  ids
        trial_id,
        nct_id,
        registry_ids,

        ----------  strings
        brief_title,
        official_title,
        acronym,
        condition_names,
        intervention_names,
        sponsor_names,
        lead_sponsor_name,
        country_codes,
        country_names,
        keyword_list,
        brief_summary,
        trial_status,
        trial_status_label,
        phase,
        phase_label,
        study_type,

        ----------  search
        setweight(
            to_tsvector('simple', array_to_string(registry_ids || array[trial_id], ' '))
            || to_tsvector('english', concat_ws(' ', brief_title, official_title, acronym)),
            'A'
        )
        || setweight(
            to_tsvector(
                'english',
                concat_ws(
                    ' ',
                    array_to_string(condition_names, ' '),
                    array_to_string(intervention_names, ' '),
                    keyword_list
                )
            ),
            'B'
        )
        || setweight(
            to_tsvector(
                'english',
                concat_ws(' ', array_to_string(sponsor_names, ' '), array_to_string(country_names, ' '))
            ),
            'C'
        )
        || setweight(to_tsvector('english', coalesce(brief_summary, '')), 'D') as search_document,
        lower(
            concat_ws(
                ' ',
                array_to_string(registry_ids || array[trial_id], ' '),
                acronym,
                array_to_string(intervention_names, ' ')
            )
        ) as search_names,

        ----------  numerics
        enrollment_count,

        ----------  booleans
        is_active,

        ----------  dates
        start_date,
        primary_completion_date,
        completion_date,
        last_update_posted_date

    from joined

)

select * from final
