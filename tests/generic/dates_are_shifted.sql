{#-
    Fails for every row of a de-identified model whose date equals the source row's date: the
    source row is found again by recomputing the keyed pseudonym of its key.
-#}
{% test dates_are_shifted(model, column_name, source_model, source_key, pseudonym_domain, key_column) %}

with

source_rows as (

    select
        {{ pseudonym(pseudonym_domain, source_key) }} as row_pseudonym,
        {{ column_name }} as source_date
    from {{ source_model }}

),

deidentified as (

    select
        {{ key_column }} as row_pseudonym,
        {{ column_name }} as shifted_date
    from {{ model }}

),

final as (

    select
        deidentified.row_pseudonym,
        deidentified.shifted_date
    from deidentified
    inner join source_rows
        on deidentified.row_pseudonym = source_rows.row_pseudonym
    where deidentified.shifted_date = source_rows.source_date

)

select * from final

{% endtest %}
