with

source as (

    select * from {{ source_or_empty('patients', 'studies') }}

),

renamed as (

    select
        ----------  ids
        record_id,
        trim(study_code) as study_code,
        {{ regexp_replace_all('upper(trim(study_code))', "'[^A-Z0-9]'", "''") }} as study_key,
        upper(trim(registry_id)) as registry_id,
        case
            when {{ regexp_like('upper(trim(registry_id))', "'^NCT[0-9]{8}$'") }} then upper(trim(registry_id))
        end as nct_id,

        ----------  strings
        nullif(trim(title), '') as study_title,
        phase as phase_text,
        case trim({{ regexp_replace_all('lower(phase)', "'phase'", "''") }})
            when '1' then 'phase_1'
            when 'i' then 'phase_1'
            when '2' then 'phase_2'
            when 'ii' then 'phase_2'
            when '3' then 'phase_3'
            when 'iii' then 'phase_3'
            when '4' then 'phase_4'
            when 'iv' then 'phase_4'
        end as phase,
        start_date as start_date_text,
        end_date as end_date_text,
        source_file,
        source_sheet,

        ----------  numerics
        source_line,

        ----------  dates
        {{ parse_mixed_date('start_date') }} as start_date,
        {{ parse_mixed_date('end_date') }} as end_date,

        ----------  timestamps
        {{ utc_timestamp_ntz('extracted_at') }} as extracted_at

    from source

)

select * from renamed
