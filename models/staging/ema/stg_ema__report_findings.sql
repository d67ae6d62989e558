with

source as (

    select * from {{ source_or_empty('ema', 'reports__findings') }}

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['report_file', 'finding_type', 'finding_value', 'page_number']) }} as report_finding_id,
        report_file,
        case
            when finding_type in ('eudract_number', 'nct_id', 'isrctn') then {{ canonical_trial_id('finding_value') }}
        end as registry_id,

        ----------  strings
        finding_type,
        finding_value,
        label as found_after_label,
        context as found_in_context,

        ----------  numerics
        cast(page_number as {{ dbt.type_bigint() }}) as page_number,
        cast(confidence as {{ type_double() }}) as confidence,

        ----------  booleans
        label is not null as is_labelled

    from source

)

select * from final
