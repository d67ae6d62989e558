{#- One row per approved cohort with its data cut: the newest source load (load_dt) ingested for it. -#}
with

cohorts as (

    select * from {{ ref('stg_omop__cohorts') }}

),

watermarks as (

    select * from {{ ref('stg_omop__cohort_watermarks') }}

),

cuts as (

    select
        cohort_id,
        max(high_water_mark_at) as data_cut_at,
        max(extracted_at) as last_extracted_at
    from watermarks
    group by cohort_id

),

final as (

    select
        ----------  ids
        cohorts.cohort_id,

        ----------  strings
        cohorts.cohort_name,
        -- which pseudonymisation key built the tables (its fingerprint, never the key)
        {{ deid_key_fingerprint() }} as deid_key_fingerprint,

        ----------  numerics
        cohorts.person_count,

        ----------  booleans
        {{ deid_is_dev_key() }} as is_dev_deid_key,

        ----------  dates
        cohorts.approved_date,

        ----------  timestamps
        cuts.data_cut_at,
        cuts.last_extracted_at

    from cohorts
    left join cuts
        on cohorts.cohort_id = cuts.cohort_id

)

select * from final
