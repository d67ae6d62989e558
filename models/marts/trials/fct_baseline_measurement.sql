{{ config(
    materialized="table" if target.type == "spark" else "incremental",
    incremental_strategy="append",
    on_schema_change="append_new_columns",
    pre_hook="{{ delete_changed_trials() }}",
) }}

with

measurements as (

    select * from {{ ref('stg_ctgov__baseline_measurements') }}
    {{ only_changed_studies() }}

),

denoms as (

    {#- Participants analysed per group: the class's own denominator where the class has one,
        the module's otherwise (the API's denoms); of several units, the first listed. -#}
    select *
    from (
        select
            *,
            row_number() over (
                partition by nct_id, measure_rank, class_rank, group_code order by row_index
            ) as denom_order
        from {{ ref('stg_ctgov__result_denoms') }}
        where result_module = 'baseline'
    ) as ordered
    where denom_order = 1

),

rejected as (

    select * from {{ ref('int_trials__result_rows_rejected') }}
    where is_excluded and result_table = 'fct_baseline_measurement'

),

result_groups as (

    select * from {{ ref('dim_result_group') }}
    where result_module = 'baseline'
        {{ only_changed_trials(keyword='and') }}

),

final as (

    select
        ----------  ids
        measurements.baseline_measurement_id,
        result_groups.trial_id,
        measurements.nct_id,
        result_groups.result_group_id,
        measurements.group_code,

        ----------  strings
        measurements.measure_title,
        measurements.measure_description,
        measurements.population_description,
        measurements.param_type,
        measurements.dispersion_type,
        measurements.unit_of_measure,
        measurements.class_title,
        measurements.category_title,
        measurements.value_text,
        measurements.value_comparator,
        measurements.value_qualifier,
        measurements.spread_text,
        measurements.lower_limit_text,
        measurements.upper_limit_text,
        measurements.measurement_comment,
        coalesce(class_denoms.denom_units, module_denoms.denom_units) as denom_units,

        ----------  numerics
        cast(measurements.measure_rank as {{ dbt.type_int() }}) as measure_rank,
        cast(measurements.class_rank as {{ dbt.type_int() }}) as class_rank,
        cast(measurements.category_rank as {{ dbt.type_int() }}) as category_rank,
        measurements.value_number,
        measurements.spread_number,
        measurements.lower_limit_number,
        measurements.upper_limit_number,
        cast(coalesce(class_denoms.denom_value, module_denoms.denom_value) as {{ dbt.type_int() }}) as denom_count,

        ----------  timestamps
        {{ build_started_at() }} as built_at

    from measurements
    inner join result_groups
        on
            measurements.nct_id = result_groups.nct_id
            and measurements.group_code = result_groups.group_code
    left join denoms as class_denoms
        on
            measurements.nct_id = class_denoms.nct_id
            and measurements.measure_rank = class_denoms.measure_rank
            and measurements.class_rank = class_denoms.class_rank
            and measurements.group_code = class_denoms.group_code
    left join denoms as module_denoms
        on
            measurements.nct_id = module_denoms.nct_id
            and module_denoms.measure_rank is null
            and measurements.group_code = module_denoms.group_code
    where measurements.baseline_measurement_id not in (select rejected.row_id from rejected)

)

select * from final
