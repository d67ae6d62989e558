{{ config(
    materialized="table" if target.type == "spark" else "incremental",
    incremental_strategy="append",
    on_schema_change="append_new_columns",
    pre_hook="{{ delete_changed_trials() }}",
) }}

with

result_groups as (

    select * from {{ ref('stg_ctgov__result_groups') }}
    {{ only_changed_studies() }}

),

arm_groups as (

    select * from {{ ref('stg_ctgov__arm_groups') }}
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

candidates as (

    {#- A design arm whose label is the group's title (as a matching key), or starts with it or is
        its start on a word boundary ("Observation Arm" / "Observation Arm (No ...)"). -#}
    select
        result_groups.result_group_id,
        arm_groups.arm_group_id,
        arm_groups.arm_group_label,
        arm_groups.arm_group_type,
        case when arm_groups.arm_group_key = result_groups.group_key then 1 else 2 end as match_rank
    from result_groups
    inner join arm_groups
        on
            result_groups.nct_id = arm_groups.nct_id
            and (
                result_groups.group_key = arm_groups.arm_group_key
                or {{ dbt.concat(["arm_groups.arm_group_key", "' '"]) }}
                like {{ dbt.concat(["result_groups.group_key", "' %'"]) }}
                or {{ dbt.concat(["result_groups.group_key", "' '"]) }}
                like {{ dbt.concat(["arm_groups.arm_group_key", "' %'"]) }}
            )

),

best_rank as (

    select
        result_group_id,
        min(match_rank) as match_rank
    from candidates
    group by result_group_id

),

linked as (

    {#- Only a group one arm matches best is linked: two candidates would be a guess. -#}
    select
        candidates.result_group_id,
        min(candidates.arm_group_id) as arm_group_id,
        min(candidates.arm_group_label) as arm_group_label,
        min(candidates.arm_group_type) as arm_group_type,
        min(case candidates.match_rank when 1 then 'title' else 'title_prefix' end) as arm_group_match
    from candidates
    inner join best_rank
        on
            candidates.result_group_id = best_rank.result_group_id
            and candidates.match_rank = best_rank.match_rank
    group by candidates.result_group_id
    having count(*) = 1

),

final as (

    select
        ----------  ids
        result_groups.result_group_id,
        trials.trial_id,
        result_groups.nct_id,
        result_groups.group_code,
        linked.arm_group_id,

        ----------  strings
        result_groups.result_module,
        result_groups.group_title,
        result_groups.group_description,
        linked.arm_group_label,
        linked.arm_group_type,
        linked.arm_group_match,

        ----------  numerics
        cast(result_groups.outcome_rank as {{ dbt.type_int() }}) as outcome_rank,
        cast(result_groups.serious_num_affected as {{ dbt.type_int() }}) as serious_num_affected,
        cast(result_groups.serious_num_at_risk as {{ dbt.type_int() }}) as serious_num_at_risk,
        cast(result_groups.other_num_affected as {{ dbt.type_int() }}) as other_num_affected,
        cast(result_groups.other_num_at_risk as {{ dbt.type_int() }}) as other_num_at_risk,
        cast(result_groups.deaths_num_affected as {{ dbt.type_int() }}) as deaths_num_affected,
        cast(result_groups.deaths_num_at_risk as {{ dbt.type_int() }}) as deaths_num_at_risk,

        ----------  timestamps
        {{ build_started_at() }} as built_at

    from result_groups
    inner join trials
        on result_groups.nct_id = trials.nct_id
    left join linked
        on result_groups.result_group_id = linked.result_group_id

)

select * from final
