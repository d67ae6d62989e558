{#-
    The sponsor's studies (called trials in the site files). trial_id points to the registry
    trial in dim_trial when the registry ID is an NCT ID present there. Data-quality counts cover
    the study row and every participation and medication row delivered for the study; the
    definition of "missing" and "inconsistent" is in docs/patients.md.
-#}
with

studies as (

    select * from {{ ref('stg_patients__studies') }}
    where delivery_rank = 1

),

registry_trials as (

    select * from {{ ref('dim_trial') }}

),

participations as (

    select * from {{ ref('int_patients__participations_linked') }}

),

medications as (

    select * from {{ ref('int_patients__medications_normalized') }}

),

participation_issues as (

    select
        study_key,
        count(missing_data_issues) as participations_with_missing_data,
        count(inconsistent_data_issues) as participations_with_inconsistent_data
    from participations
    group by study_key

),

medication_issues as (

    select
        study_key,
        count(missing_data_issues) as medications_with_missing_data,
        count(inconsistent_data_issues) as medications_with_inconsistent_data
    from medications
    group by study_key

),

checked as (

    select
        studies.*,
        registry_trials.trial_id,
        nullif(
            concat_ws(
                '; ',
                case when studies.study_title is null then 'title missing' end,
                case when studies.phase is null then 'phase missing or not recognised' end,
                case when studies.start_date is null then 'start date missing or not a date' end,
                case
                    when studies.end_date_text is not null and studies.end_date is null
                        then 'end date not a date'
                end
            ),
            ''
        ) as missing_data_issues,
        case when studies.end_date < studies.start_date then 'end before start' end as inconsistent_data_issues,
        coalesce(participation_issues.participations_with_missing_data, 0) as participations_with_missing_data,
        coalesce(participation_issues.participations_with_inconsistent_data, 0)
            as participations_with_inconsistent_data,
        coalesce(medication_issues.medications_with_missing_data, 0) as medications_with_missing_data,
        coalesce(medication_issues.medications_with_inconsistent_data, 0) as medications_with_inconsistent_data
    from studies
    left join registry_trials
        on studies.nct_id = registry_trials.nct_id
    left join participation_issues
        on studies.study_key = participation_issues.study_key
    left join medication_issues
        on studies.study_key = medication_issues.study_key

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['study_key']) }} as study_id,
        study_code,
        study_key,
        registry_id,
        nct_id,
        trial_id,

        ----------  strings
        study_title,
        phase,
        phase_text,
        missing_data_issues,
        inconsistent_data_issues,

        ----------  numerics
        case
            when end_date >= start_date then {{ dbt.datediff('start_date', 'end_date', 'day') }}
        end as study_duration_days,
        participations_with_missing_data,
        participations_with_inconsistent_data,
        medications_with_missing_data,
        medications_with_inconsistent_data,

        ----------  booleans
        (
            missing_data_issues is not null
            or participations_with_missing_data > 0
            or medications_with_missing_data > 0
        ) as has_missing_data,
        (
            inconsistent_data_issues is not null
            or participations_with_inconsistent_data > 0
            or medications_with_inconsistent_data > 0
        ) as has_inconsistent_data,

        ----------  dates
        start_date,
        end_date

    from checked

)

select * from final
