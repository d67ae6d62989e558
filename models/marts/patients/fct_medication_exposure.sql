{#- One row per delivered medication row, with ingredient, dose in mg and data-quality findings. -#}
with

medications as (

    select * from {{ ref('int_patients__medications_normalized') }}

),

final as (

    select
        ----------  ids
        exposure_id,
        patient_id,
        study_id,
        medication_id,
        study_key,

        ----------  strings
        drug_name_text,
        dose_unit,
        route,
        missing_data_issues,
        inconsistent_data_issues,
        source_file,

        ----------  numerics
        source_line,
        dose_amount,
        dose_mg,
        case
            when end_date >= start_date then {{ dbt.datediff('start_date', 'end_date', 'day') }}
        end as exposure_days,

        ----------  booleans
        patient_id is not null and study_id is not null and medication_id is not null as is_linked,

        ----------  dates
        start_date,
        end_date

    from medications

)

select * from final
