{#-
    The headline figures `ctw run` and `ctw kpis` print and the dashboards show: one row per
    figure, defined here once. Every figure is an aggregate, so each has exactly one row, NULL
    when its marts are empty (a source not loaded); figure_value is what people read, and
    figure_number the number behind it (NULL for a figure that names an item).
-#}
{%- set text = dbt.type_string() %}

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
    select
        1 as figure_rank,
        'trials' as figure_id,
        'Trials' as figure_label,
        count(*) as figure_count
    from trials
    union all
    select
        2 as figure_rank,
        'trials_recruiting' as figure_id,
        'Trials recruiting or not yet recruiting' as figure_label,
        count(*) as figure_count
    from trials
    where trial_status in ('recruiting', 'not_yet_recruiting')
    union all
    select
        3 as figure_rank,
        'sponsors' as figure_id,
        'Sponsors' as figure_label,
        count(*) as figure_count
    from sponsors
    union all
    select
        4 as figure_rank,
        'conditions' as figure_id,
        'Conditions' as figure_label,
        count(*) as figure_count
    from conditions
    union all
    select
        5 as figure_rank,
        'countries_with_sites' as figure_id,
        'Countries with trial sites' as figure_label,
        count(distinct country_code) as figure_count
    from locations
    where country_code is not null
    union all
    select
        7 as figure_rank,
        'trial_status_versions' as figure_id,
        'Trial status versions in history' as figure_label,
        count(*) as figure_count
    from status_history
    union all
    select
        8 as figure_rank,
        'omop_cohorts' as figure_id,
        'OMOP approved cohorts' as figure_label,
        count(*) as figure_count
    from cohorts
    union all
    select
        9 as figure_rank,
        'omop_persons' as figure_id,
        'OMOP persons ingested (de-identified)' as figure_label,
        count(*) as figure_count
    from persons
    union all
    select
        10 as figure_rank,
        'omop_cohorts_below_k' as figure_id,
        'OMOP cohorts below the k-anonymity threshold' as figure_label,
        count(*) as figure_count
    from cohort_k_anonymity
    where not is_k_anonymous
    union all
    select
        11 as figure_rank,
        'patients' as figure_id,
        'Patients (de-duplicated across sites)' as figure_label,
        count(*) as figure_count
    from patients
    union all
    select
        15 as figure_rank,
        'vital_measurements' as figure_id,
        'Vital-sign measurements' as figure_label,
        count(*) as figure_count
    from vital_measurements
    union all
    select
        16 as figure_rank,
        'lab_results' as figure_id,
        'Lab results' as figure_label,
        count(*) as figure_count
    from lab_results
    union all
    select
        19 as figure_rank,
        'trials_in_several_registries' as figure_id,
        'Trials registered in more than one registry' as figure_label,
        count(*) as figure_count
    from trials
    where registry_count > 1
    union all
    select
        20 as figure_rank,
        'ema_reports_linked' as figure_id,
        'EMA clinical reports linked to a trial' as figure_label,
        count(*) as figure_count
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
        13 as figure_rank,
        'pct_studies_with_issues' as figure_id,
        'Sponsor studies with missing or inconsistent data (%)' as figure_label,
        max(pct_studies_with_issues) as figure_number
    from trials_with_data_issues
    union all
    select
        21 as figure_rank,
        'avg_days_between_enrolments' as figure_id,
        'Days between consecutive enrolments of a patient (average)' as figure_label,
        round(avg(cast(days_between_enrolments as {{ type_double() }})), 1) as figure_number
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
                    then {{ dbt.concat(["sponsor_name", "' ('", "cast(trial_count as " ~ text ~ ")", "')'"]) }}
            end
        ) as figure_value
    from top_sponsors
    union all
    select
        14 as figure_rank,
        'top_medication' as figure_id,
        'Most used medication (patients)' as figure_label,
        max(case when usage_rank = 1 then patient_count end) as figure_number,
        max(
            case
                when usage_rank = 1
                    then {{ dbt.concat(["ingredient", "' ('", "cast(patient_count as " ~ text ~ ")", "')'"]) }}
            end
        ) as figure_value
    from medication_usage
    union all
    select
        17 as figure_rank,
        'monitoring_rows_quarantined' as figure_id,
        'Monitoring rows quarantined (share)' as figure_label,
        sum(rows_quarantined) as figure_number,
        {{ dbt.concat([
            "cast(sum(rows_quarantined) as " ~ text ~ ")",
            "' of '",
            "cast(sum(rows_received) as " ~ text ~ ")",
            "' ('",
            "cast(round(100.0 * sum(rows_quarantined) / sum(rows_received), 1) as " ~ text ~ ")",
            "'%)'",
        ]) }} as figure_value
    from monitoring_quality
    union all
    select
        18 as figure_rank,
        'pct_lab_results_abnormal' as figure_id,
        'Lab results abnormal (share)' as figure_label,
        round(100.0 * avg(case when is_abnormal then 1 else 0 end), 1) as figure_number,
        {{ dbt.concat([
            "cast(round(100.0 * avg(case when is_abnormal then 1 else 0 end), 1) as " ~ text ~ ")",
            "'%'",
        ]) }} as figure_value
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
