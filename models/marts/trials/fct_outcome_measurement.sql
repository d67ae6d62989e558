{{ config(
    materialized="table" if target.type == "spark" else "incremental",
    incremental_strategy="append",
    on_schema_change="append_new_columns",
    pre_hook="{{ delete_changed_trials() }}",
) }}

with

measurements as (

    select * from {{ ref('stg_ctgov__outcome_measurements') }}
    {{ only_changed_studies() }}

),

outcomes as (

    select * from {{ ref('stg_ctgov__outcome_measures') }}
    {{ only_changed_studies() }}

),

denoms as (

    {#- Participants analysed per group: the class's own denominator where the class has one,
        the outcome's otherwise; of several units, the first listed. -#}
    select *
    from (
        select
            *,
            row_number() over (
                partition by nct_id, outcome_rank, class_rank, group_code order by row_index
            ) as denom_order
        from {{ ref('stg_ctgov__result_denoms') }}
        where result_module = 'outcome'
    ) as ordered
    where denom_order = 1

),

rejected as (

    select * from {{ ref('int_trials__result_rows_rejected') }}
    where is_excluded and result_table = 'fct_outcome_measurement'

),

result_groups as (

    select * from {{ ref('dim_result_group') }}
    where result_module = 'outcome'
        {{ only_changed_trials(keyword='and') }}

),

final as (

    select
        ----------  ids
        measurements.outcome_measurement_id,
        measurements.result_outcome_id,
        result_groups.trial_id,
        measurements.nct_id,
        result_groups.result_group_id,
        measurements.group_code,

        ----------  strings
        outcomes.outcome_type,
        outcomes.outcome_title,
        outcomes.param_type,
        outcomes.dispersion_type,
        outcomes.unit_of_measure,
        outcomes.time_frame,
        measurements.class_title,
        measurements.category_title,
        measurements.value_text,
        measurements.value_comparator,
        measurements.value_qualifier,
        measurements.spread_text,
        measurements.lower_limit_text,
        measurements.upper_limit_text,
        measurements.measurement_comment,
        coalesce(class_denoms.denom_units, outcome_denoms.denom_units) as denom_units,

        ----------  numerics
        cast(measurements.outcome_rank as {{ dbt.type_int() }}) as outcome_rank,
        cast(measurements.class_rank as {{ dbt.type_int() }}) as class_rank,
        cast(measurements.category_rank as {{ dbt.type_int() }}) as category_rank,
        measurements.value_number,
        measurements.spread_number,
        measurements.lower_limit_number,
        measurements.upper_limit_number,
        cast(coalesce(class_denoms.denom_value, outcome_denoms.denom_value) as {{ dbt.type_int() }}) as denom_count,

        ----------  timestamps
        {{ build_started_at() }} as built_at

    from measurements
    inner join outcomes
        on measurements.result_outcome_id = outcomes.result_outcome_id
    inner join result_groups
        on
            measurements.nct_id = result_groups.nct_id
            and measurements.outcome_rank = result_groups.outcome_rank
            and measurements.group_code = result_groups.group_code
    left join denoms as class_denoms
        on
            measurements.nct_id = class_denoms.nct_id
            and measurements.outcome_rank = class_denoms.outcome_rank
            and measurements.class_rank = class_denoms.class_rank
            and measurements.group_code = class_denoms.group_code
    left join denoms as outcome_denoms
        on
            measurements.nct_id = outcome_denoms.nct_id
            and measurements.outcome_rank = outcome_denoms.outcome_rank
            and outcome_denoms.class_rank is null
            and measurements.group_code = outcome_denoms.group_code
    where measurements.outcome_measurement_id not in (select rejected.row_id from rejected)

)

select * from final
