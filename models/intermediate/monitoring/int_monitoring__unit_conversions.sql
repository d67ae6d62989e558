{{ config(materialized="table") }}

with

measures as (

    select * from {{ ref('monitoring_measures') }}

),

units as (

    select * from {{ ref('monitoring_units') }}

),

-- Every (measure, unit spelling) the seeds allow: the unit rows of the measure's canonical unit,
-- for every measure or for this one, those needing a molar mass only where the measure has one.
candidates as (

    select
        measures.measure_code,
        {{ normalize_unit_code('units.unit_spelling') }} as unit_code,
        measures.canonical_unit,
        coalesce(units.offset_before, 0) as offset_before,
        case
            when units.times_molar_mass then units.multiply_by * measures.molar_mass_g_per_mol
            else units.multiply_by
        end as multiply_by,
        units.divide_by,
        coalesce(units.offset_after, 0) as offset_after,
        units.measure_code is not null as is_measure_specific
    from measures
    inner join units
        on
            measures.canonical_unit = units.canonical_unit
            and (units.measure_code is null or measures.measure_code = units.measure_code)
            and (not coalesce(units.times_molar_mass, false) or measures.molar_mass_g_per_mol is not null)

),

ranked as (

    select
        *,
        -- A row naming the measure wins over a row for every measure of the unit.
        row_number() over (
            partition by measure_code, unit_code order by case when is_measure_specific then 0 else 1 end
        ) as preference
    from candidates

),

final as (

    select
        ----------  ids
        {{ surrogate_key(['measure_code', 'unit_code']) }} as unit_conversion_id,
        measure_code,

        ----------  strings
        unit_code,
        canonical_unit,

        ----------  numerics
        cast(offset_before as {{ type_double() }}) as offset_before,
        cast(multiply_by as {{ type_double() }}) as multiply_by,
        cast(divide_by as {{ type_double() }}) as divide_by,
        cast(offset_after as {{ type_double() }}) as offset_after,

        ----------  booleans
        is_measure_specific

    from ranked
    where preference = 1

)

select * from final
