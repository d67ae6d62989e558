with

source as (

    select * from {{ source_or_empty('ctgov', 'studies__outcome_analyses') }}

),

renamed as (

    select
        ----------  ids
        {{ surrogate_key(['nct_id', 'outcome_index', 'analysis_index']) }} as outcome_analysis_id,
        {{ surrogate_key(['nct_id', 'outcome_index']) }} as result_outcome_id,
        nct_id,
        group_codes,

        ----------  strings
        group_description,
        non_inferiority_type,
        non_inferiority_comment,
        statistical_method,
        statistical_comment,
        param_type,
        param_value as param_value_text,
        dispersion_type,
        dispersion_value as dispersion_value_text,
        ci_num_sides,
        ci_lower_limit as ci_lower_limit_text,
        ci_upper_limit as ci_upper_limit_text,
        ci_upper_limit_comment,
        estimate_comment,
        other_analysis_description,
        p_value as p_value_text,
        p_value_comment,
        {{ reported_number_comparator('p_value') }} as p_value_comparator,
        {{ reported_number_qualifier('p_value') }} as p_value_qualifier,

        ----------  numerics
        cast(outcome_index as {{ dbt.type_bigint() }}) + 1 as outcome_rank,
        cast(analysis_index as {{ dbt.type_bigint() }}) + 1 as analysis_rank,
        {{ reported_number_value('p_value') }} as p_value,
        {{ reported_number_value('param_value') }} as param_value,
        {{ reported_number_value('dispersion_value') }} as dispersion_value,
        {{ reported_number_value('ci_pct_value') }} as ci_pct,
        {{ reported_number_value('ci_lower_limit') }} as ci_lower_limit,
        {{ reported_number_value('ci_upper_limit') }} as ci_upper_limit,

        ----------  booleans
        case tested_non_inferiority when 'true' then true when 'false' then false end as is_tested_non_inferiority

    from source

)

select * from renamed
