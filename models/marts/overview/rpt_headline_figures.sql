{#-
    The headline figures `ctw run` and `ctw kpis` print and the dashboards show: one row per
    figure, defined here once. Every figure is an aggregate, so each has exactly one row, NULL
    when its marts are empty (a source not loaded); figure_value is what people read, and
    figure_number the number behind it (NULL for a figure that names an item).
-#}
with

trials as (

    select * from {{ ref('dim_trial') }}

),

sponsors as (

    select * from {{ ref('dim_sponsor') }}

),

conditions as (

    select * from {{ ref('dim_condition') }}

),

locations as (

    select * from {{ ref('dim_location') }}

),

top_sponsors as (

    select * from {{ ref('rpt_top_sponsors') }}

),

status_history as (

    select * from {{ ref('fct_trial_status_history') }}

),

cohorts as (

    select * from {{ ref('cohort_registry') }}

),

persons as (

    select * from {{ ref('person') }}

),

cohort_k_anonymity as (

    select * from {{ ref('rpt_cohort_k_anonymity') }}

),

patients as (

    select * from {{ ref('dim_patient') }}

),

patients_in_multiple_trials as (

    select * from {{ ref('rpt_patients_in_multiple_trials') }}

),

consecutive_trials as (

    select * from {{ ref('rpt_days_between_consecutive_trials') }}

),

trials_with_data_issues as (

    select * from {{ ref('rpt_trials_with_data_issues') }}

),

medication_usage as (

    select * from {{ ref('rpt_medication_usage') }}

),

vital_measurements as (

    select * from {{ ref('fct_vital_measurements') }}

),

lab_results as (

    select * from {{ ref('fct_lab_results') }}

),

monitoring_quality as (

    select * from {{ ref('rpt_monitoring_quality') }}

),

ema_documents as (

    select * from {{ ref('bridge_trial_ema_document') }}

),

counts as (

    select 1 as figure_rank, 'trials' as figure_id, 'Trials' as figure_label, count(*) as figure_count
    from trials
    union all
    select 2, 'trials_recruiting', 'Trials recruiting or not yet recruiting', count(*)
    from trials
    where trial_status in ('recruiting', 'not_yet_recruiting')
    union all
    select 3, 'sponsors', 'Sponsors', count(*) from sponsors
    union all
    select 4, 'conditions', 'Conditions', count(*) from conditions
    union all
    select 5, 'countries_with_sites', 'Countries with trial sites', count(distinct country_code)
    from locations
    where country_code is not null
    union all
    select 7, 'trial_status_versions', 'Trial status versions in history', count(*) from status_history
    union all
    select 8, 'omop_cohorts', 'OMOP approved cohorts', count(*) from cohorts
    union all
    select 9, 'omop_persons', 'OMOP persons ingested (de-identified)', count(*) from persons
    union all
    select 10, 'omop_cohorts_below_k', 'OMOP cohorts below the k-anonymity threshold', count(*)
    from cohort_k_anonymity
    where not is_k_anonymous
    union all
    select 11, 'patients', 'Patients (de-duplicated across sites)', count(*) from patients
    union all
    select 15, 'vital_measurements', 'Vital-sign measurements', count(*) from vital_measurements
    union all
    select 16, 'lab_results', 'Lab results', count(*) from lab_results
    union all
    select 19, 'trials_in_several_registries', 'Trials registered in more than one registry', count(*)
    from trials
    where registry_count > 1
    union all
    select 20, 'ema_reports_linked', 'EMA clinical reports linked to a trial', count(*)
    from ema_documents
    where trial_id is not null

),

shares as (

    select
        12 as figure_rank,
        'pct_patients_in_multiple_trials' as figure_id,
        'Patients in more than one trial (%)' as figure_label,
        max(pct_patients_in_multiple_trials) as figure_number
    from patients_in_multiple_trials
    union all
    select
        13,
        'pct_studies_with_issues',
        'Sponsor studies with missing or inconsistent data (%)',
        max(pct_studies_with_issues)
    from trials_with_data_issues
    union all
    select
        21,
        'avg_days_between_enrolments',
        'Days between consecutive enrolments of a patient (average)',
        round(avg(cast(days_between_enrolments as {{ type_double() }})), 1)
    from consecutive_trials

),

named as (

    select
        6 as figure_rank,
        'top_sponsor' as figure_id,
        'Top sponsor (trials)' as figure_label,
        max(case when sponsor_rank = 1 then trial_count end) as figure_number,
        max(
            case
                when sponsor_rank = 1
                    then {{ dbt.concat(["sponsor_name", "' ('", "cast(trial_count as " ~ dbt.type_string() ~ ")", "')'"]) }}
            end
        ) as figure_value
    from top_sponsors
    union all
    select
        14,
        'top_medication',
        'Most used medication (patients)',
        max(case when usage_rank = 1 then patient_count end),
        max(
            case
                when usage_rank = 1
                    then {{ dbt.concat(["ingredient", "' ('", "cast(patient_count as " ~ dbt.type_string() ~ ")", "')'"]) }}
            end
        )
    from medication_usage
    union all
    select
        17,
        'monitoring_rows_quarantined',
        'Monitoring rows quarantined (share)',
        sum(rows_quarantined),
        {{ dbt.concat([
            "cast(sum(rows_quarantined) as " ~ dbt.type_string() ~ ")",
            "' of '",
            "cast(sum(rows_received) as " ~ dbt.type_string() ~ ")",
            "' ('",
            "cast(round(100.0 * sum(rows_quarantined) / sum(rows_received), 1) as " ~ dbt.type_string() ~ ")",
            "'%)'",
        ]) }}
    from monitoring_quality
    union all
    select
        18,
        'pct_lab_results_abnormal',
        'Lab results abnormal (share)',
        round(100.0 * avg(case when is_abnormal then 1 else 0 end), 1),
        {{ dbt.concat([
            "cast(round(100.0 * avg(case when is_abnormal then 1 else 0 end), 1) as " ~ dbt.type_string() ~ ")",
            "'%'",
        ]) }}
    from lab_results

),

figures as (

    select
        figure_rank,
        figure_id,
        figure_label,
        cast(figure_count as {{ type_double() }}) as figure_number,
        cast(figure_count as {{ dbt.type_string() }}) as figure_value
    from counts
    union all
    select
        figure_rank,
        figure_id,
        figure_label,
        cast(figure_number as {{ type_double() }}) as figure_number,
        cast(figure_number as {{ dbt.type_string() }}) as figure_value
    from shares
    union all
    select
        figure_rank,
        figure_id,
        figure_label,
        cast(figure_number as {{ type_double() }}) as figure_number,
        figure_value
    from named

),

final as (

    select
        ----------  ids
        figure_id,

        ----------  strings
        figure_label,
        figure_value,

        ----------  numerics
        cast(figure_rank as {{ dbt.type_int() }}) as figure_rank,
        figure_number
    from figures

)

select * from final
