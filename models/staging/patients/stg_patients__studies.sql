{#-
    The sponsor's study list. Phases are read as the registries' are: phase_key() and the
    trial_phase_mapping seed ("Phase 2/3", "II-III", "phase 1" ...). Dates by parse_mixed_date
    (the sponsor's list has no site: slashed dates are day first).

    Re-delivery rule: a study code delivered again replaces the earlier row; delivery_rank 1 is
    the newest delivery (latest extraction, then file name, sheet and line last first).
-#}
with

source as (

    select * from {{ source_or_empty('patients', 'studies') }}

),

phase_mapping as (

    select * from {{ ref('trial_phase_mapping') }}

),

keyed as (

    select
        *,
        {{ phase_key('phase') }} as parsed_phase_key,
        {{ mixed_date_text('start_date') }} as start_date_clean,
        {{ mixed_date_text('end_date') }} as end_date_clean
    from source

),

parsed as (

    select
        *,
        {{ parse_mixed_date('start_date_clean', cleaned=true) }} as parsed_start_date,
        {{ parse_mixed_date('end_date_clean', cleaned=true) }} as parsed_end_date
    from keyed

),

renamed as (

    select
        ----------  ids
        keyed.record_id,
        trim(keyed.study_code) as study_code,
        {{ regexp_replace_all('upper(trim(keyed.study_code))', "'[^A-Z0-9]'", "''") }} as study_key,
        upper(trim(keyed.registry_id)) as registry_id,
        case
            when {{ regexp_like('upper(trim(keyed.registry_id))', "'^NCT[0-9]{8}$'") }}
                then upper(trim(keyed.registry_id))
        end as nct_id,

        ----------  strings
        nullif(trim(keyed.title), '') as study_title,
        keyed.phase as phase_text,
        phase_mapping.phase,
        keyed.start_date as start_date_text,
        keyed.end_date as end_date_text,
        {{ mixed_date_problem('keyed.start_date_clean', 'keyed.parsed_start_date', cleaned=true) }}
            as start_date_problem,
        {{ mixed_date_problem('keyed.end_date_clean', 'keyed.parsed_end_date', cleaned=true) }}
            as end_date_problem,
        keyed.source_file,
        keyed.source_sheet,

        ----------  numerics
        keyed.source_line,
        row_number() over (
            partition by {{ regexp_replace_all('upper(trim(keyed.study_code))', "'[^A-Z0-9]'", "''") }}
            order by keyed.extracted_at desc, keyed.source_file desc, keyed.source_sheet desc, keyed.source_line desc
        ) as delivery_rank,

        ----------  dates
        keyed.parsed_start_date as start_date,
        keyed.parsed_end_date as end_date,

        ----------  timestamps
        {{ utc_timestamp_ntz('keyed.extracted_at') }} as extracted_at

    from parsed as keyed
    left join phase_mapping
        on keyed.parsed_phase_key = phase_mapping.source_phase

)

select * from renamed
