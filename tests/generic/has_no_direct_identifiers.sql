{#-
    Fails for every column of a de-identified model that could carry a direct identifier: a
    column whose name marks free text or a source value, and any identifier column (`*_id`,
    concept IDs aside) holding a value equal to a source person ID.
-#}
{% test has_no_direct_identifiers(model, source_persons) %}
{%- set forbidden = modules.re.compile('(source_value|_text$|^note|value_as_string|^sig$|lot_number|stop_reason|birth_datetime|month_of_birth|day_of_birth|_datetime$|provider_id|care_site_id)') -%}
{%- set columns = adapter.get_columns_in_relation(model) -%}
{%- set id_columns = [] -%}
with

source_person_ids as (

    select distinct cast(person_id as {{ dbt.type_string() }}) as person_value
    from {{ source_persons }}

),

findings as (

    select
        cast(null as {{ dbt.type_string() }}) as column_name,
        cast(null as {{ dbt.type_string() }}) as problem
    where 1 = 0
    {%- for column in columns %}
    {%- set name = column.name | lower %}
    {%- if forbidden.search(name) %}
    union all
    select '{{ name }}' as column_name, 'column may hold free text or a source value' as problem
    {%- endif %}
    {%- if name.endswith('_id') and not name.endswith('concept_id') %}
    union all
    select distinct '{{ name }}' as column_name, 'holds a source person ID' as problem
    from {{ model }} as deidentified
    inner join source_person_ids
        on cast(deidentified.{{ adapter.quote(column.name) }} as {{ dbt.type_string() }}) = source_person_ids.person_value
    {%- endif %}
    {%- endfor %}

)

select * from findings

{% endtest %}
