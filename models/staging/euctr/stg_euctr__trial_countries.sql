{#- The countries where a trial's sites are planned (E.8.6.3 and E.8.6.4, inside and outside the
    EEA), one row per trial and country: every member state's copy repeats the list. -#}
with

source as (

    select * from {{ source_or_empty('euctr', 'protocols__trial_countries') }}

),

distinct_countries as (

    select distinct
        eudract_number,
        trim(country_name) as country_name
    from source
    where nullif(trim(country_name), '') is not null

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['eudract_number', 'country_name']) }} as euctr_trial_country_id,
        eudract_number as registry_id,

        ----------  strings
        country_name

    from distinct_countries

)

select * from final
