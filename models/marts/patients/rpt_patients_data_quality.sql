{#-
    What the patient files held that the KPIs do not use, counted: rows counted once as
    duplicates or superseded deliveries, unreadable or ambiguous dates, quarantined birth dates
    and ages, and values no seed row maps (countries, phases, drugs, dose units, routes), each
    with its count. The value is shown for vocabulary fields only (a seed row would map it);
    dates and patient references stay in int_patients__quality_findings, in the warehouse.
-#}
with

findings as (

    select * from {{ ref('int_patients__quality_findings') }}

),

shown as (

    select
        table_name,
        field_name,
        finding,
        case
            when field_name in ('country', 'phase', 'drug_name', 'dose_unit', 'route', 'sex') then value_text
        end as value_text
    from findings

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['table_name', 'field_name', 'finding', 'value_text']) }} as quality_finding_id,

        ----------  strings
        table_name,
        field_name,
        finding,
        value_text,

        ----------  numerics
        count(*) as row_count

    from shown
    group by table_name, field_name, finding, value_text

)

select * from final
