{{ config(
    materialized="table" if target.type == "spark" else "incremental",
    incremental_strategy="append",
    on_schema_change="append_new_columns",
    pre_hook="{{ delete_changed_trials() }}",
) }}

with

analyses as (

    select * from {{ ref('stg_ctgov__outcome_analyses') }}
    {{ only_changed_studies() }}

),

outcomes as (

    select * from {{ ref('stg_ctgov__outcome_measures') }}
    {{ only_changed_studies() }}

),

trials as (

    select
        nct_id,
        min(trial_id) as trial_id
    from {{ ref('dim_trial') }}
    where nct_id is not null
        {{ only_changed_trials(keyword='and') }}
    group by nct_id

),

final as (

    select
        ----------  ids
        analyses.outcome_analysis_id,
        analyses.result_outcome_id,
        trials.trial_id,
        analyses.nct_id,
        analyses.group_codes,

        ----------  strings
        outcomes.outcome_type,
        outcomes.outcome_title,
        analyses.group_description,
        analyses.statistical_method,
        analyses.statistical_comment,
        analyses.non_inferiority_type,
        analyses.p_value_text,
        analyses.p_value_comparator,
        analyses.p_value_qualifier,
        analyses.p_value_comment,
        analyses.param_type,
        analyses.param_value_text,
        analyses.dispersion_type,
        analyses.ci_num_sides,
        analyses.ci_lower_limit_text,
        analyses.ci_upper_limit_text,
        analyses.estimate_comment,

        ----------  numerics
        cast(analyses.outcome_rank as {{ dbt.type_int() }}) as outcome_rank,
        cast(analyses.analysis_rank as {{ dbt.type_int() }}) as analysis_rank,
        analyses.p_value,
        analyses.param_value,
        analyses.dispersion_value,
        analyses.ci_pct,
        analyses.ci_lower_limit,
        analyses.ci_upper_limit,

        ----------  timestamps
        {{ build_started_at() }} as built_at

    from analyses
    inner join outcomes
        on analyses.result_outcome_id = outcomes.result_outcome_id
    inner join trials
        on analyses.nct_id = trials.nct_id

)

select * from final
