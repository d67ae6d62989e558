{#-
    The free text of each trial, kept out of dim_trial so that the star schema stays narrow:
    the registry's plain-language summary and its keywords. The search model in PostgreSQL
    (models/serving) ranks matches here below titles, conditions and interventions.
-#}
with

trials as (

    select * from {{ ref('int_trials__normalized') }}

),

keywords as (

    select * from {{ ref('stg_ctgov__keywords') }}

),

keyword_lists as (

    select
        nct_id as trial_id,
        count(*) as keyword_count,
        {{ dbt.listagg('keyword', "'; '", 'order by keyword_rank') }} as keyword_list
    from keywords
    where keyword is not null and keyword <> ''
    group by nct_id

),

final as (

    select
        ----------  ids
        trials.trial_id,

        ----------  strings
        trials.brief_summary,
        keyword_lists.keyword_list,

        ----------  numerics
        coalesce(keyword_lists.keyword_count, 0) as keyword_count

    from trials
    left join keyword_lists
        on trials.trial_id = keyword_lists.trial_id

)

select * from final
