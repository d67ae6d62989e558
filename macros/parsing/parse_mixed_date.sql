{#-
    The project's one parser of dates as people and spreadsheets write them:

      shape                                   examples
      ISO date or date-time                   2021-03-04, 2021-3-4, 2021-03-04T09:13:00, 2021-03-04 09:13
      year/month/day                          2021/03/04
      day.month.year, day-month-year          04.03.2021, 4-3-2021 (always day first)
      slashed day and month                   04/03/2021: day first, unless the site's row in the
                                              site_date_conventions seed says month_first
      day, month name, year                   4 Mar 2021, 4-Mar-2021, 04 March 2021
      month name, day, year                   Mar 4 2021, March 4, 2021
      Excel serial day (with a time fraction) 44259, 44259.3868 (days since 1899-12-30)

    A time of day after a numeric date ("04/03/2021 09:13") is ignored; month names are English
    (three letters or more). parse_mixed_date gives NULL for anything else, for an impossible
    date ("31/02/2023") and for a date before 1900 or after 2199; mixed_date_problem says why a
    written date gave NULL, so models can report it (file, record and field) instead of losing it.

    `slash_order` is an SQL expression ('day_first' or 'month_first', usually the seed's column);
    every shape is read by one regular expression whose groups are rebuilt into an ISO string
    and cast safely, so every engine with the project's regexp_extract reads it the same way.
-#}

{%- macro _date_text(expression) -%}
    lower(trim({{ regexp_replace_all("replace(" ~ expression ~ ", ',', ' ')", "'[[:space:]]+'", "' '") }}))
{%- endmacro -%}

{%- macro _iso_from_parts(year, month, day) -%}
    {{ to_date(dbt.concat([
        year, "'-'",
        dbt.right(dbt.concat(["'0'", month]), 2), "'-'",
        dbt.right(dbt.concat(["'0'", day]), 2),
    ])) }}
{%- endmacro -%}

{#- The regular expressions of the shapes, with their groups (year, month, day). -#}
{%- macro _date_shapes() -%}
    {%- set time = "( [0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?$" -%}
    {#- Years 1900 to 2199 only: the shapes' year groups say so, which spares a range check. -#}
    {{ return({
        'iso': ("'^(19[0-9]{2}|2[01][0-9]{2})-([0-9]{1,2})-([0-9]{1,2})([t ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?(z|[+-][0-9]{2}:?[0-9]{2})?)?$'", 1, 2, 3),
        'year_first': ("'^(19[0-9]{2}|2[01][0-9]{2})/([0-9]{1,2})/([0-9]{1,2})" ~ time ~ "'", 1, 2, 3),
        'dotted': ("'^([0-9]{1,2})[.-]([0-9]{1,2})[.-](19[0-9]{2}|2[01][0-9]{2})" ~ time ~ "'", 3, 2, 1),
        'slashed': ("'^([0-9]{1,2})/([0-9]{1,2})/(19[0-9]{2}|2[01][0-9]{2})" ~ time ~ "'", 3, none, none),
        'day_month_name': ("'^([0-9]{1,2})[ .-]+([a-z]{3,9})[.]?[ .-]+(19[0-9]{2}|2[01][0-9]{2})$'", 3, 2, 1),
        'month_name_day': ("'^([a-z]{3,9})[.]? ([0-9]{1,2}) (19[0-9]{2}|2[01][0-9]{2})$'", 3, 1, 2),
    }) }}
{%- endmacro -%}

{% macro mixed_date_format(expression) -%}
    {%- set value = _date_text(expression) -%}
    case
        {%- for name, shape in _date_shapes().items() %}
        when {{ regexp_like(value, shape[0]) }} then '{{ name }}'
        {%- endfor %}
        when {{ regexp_like(value, "'^[0-9]{5}([.][0-9]+)?$'") }} then 'excel_serial'
    end
{%- endmacro %}

{#- The text as the shapes are matched: lower case, commas as spaces, one space between words.
    A model that reads a date several times selects mixed_date_text() once and passes the column
    with cleaned=true, which keeps the compiled SQL small. -#}
{% macro mixed_date_text(expression) -%}
    {{ _date_text(expression) }}
{%- endmacro %}

{% macro parse_mixed_date(expression, slash_order="'day_first'", cleaned=false) -%}
    {%- set value = expression if cleaned else _date_text(expression) -%}
    {%- set shapes = _date_shapes() -%}
    {%- set parts = [] -%}
    {%- for name, shape in shapes.items() -%}
        {%- set pattern, y, m, d = shape -%}
        {%- if name == 'slashed' -%}
            {%- set first = regexp_extract(value, pattern, 1) -%}
            {%- set second = regexp_extract(value, pattern, 2) -%}
            {%- set month = "case when " ~ slash_order ~ " = 'month_first' then " ~ first ~ " else " ~ second ~ " end" -%}
            {%- set day = "case when " ~ slash_order ~ " = 'month_first' then " ~ second ~ " else " ~ first ~ " end" -%}
            {%- do parts.append(_iso_from_parts(regexp_extract(value, pattern, y), month, day)) -%}
        {%- elif name in ('day_month_name', 'month_name_day') -%}
            {%- do parts.append(_iso_from_parts(
                regexp_extract(value, pattern, y), month_number(regexp_extract(value, pattern, m)),
                regexp_extract(value, pattern, d))) -%}
        {%- else -%}
            {%- do parts.append(_iso_from_parts(
                regexp_extract(value, pattern, y), regexp_extract(value, pattern, m),
                regexp_extract(value, pattern, d))) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set serial = regexp_extract(value, "'^([0-9]{5})([.][0-9]+)?$'", 1) -%}
    {%- do parts.append(
        "case when " ~ serial ~ " is not null then "
        ~ to_date(dbt.dateadd('day', "cast(" ~ serial ~ " as " ~ dbt.type_int() ~ ")", "cast('1899-12-30' as date)"))
        ~ " end") -%}
    coalesce(
        {{ parts | join(",\n        ") }}
    )
{%- endmacro %}

{#-
    Why a written date gave NULL: NULL when the text is blank or was read (`parsed`, the
    result of parse_mixed_date); 'ambiguous slashed date ...' when a slashed date reads only in
    the order the site did not declare ("03/25/2021" at a day-first site); 'not a date in any
    accepted shape' otherwise.
-#}
{% macro mixed_date_problem(expression, parsed, slash_order="'day_first'", cleaned=false) -%}
    {%- set value = expression if cleaned else _date_text(expression) -%}
    {%- set pattern = "'^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})( |$)'" -%}
    {%- set first = to_number(regexp_extract(value, pattern, 1)) -%}
    {%- set second = to_number(regexp_extract(value, pattern, 2)) -%}
    case
        when nullif(trim({{ expression }}), '') is null or {{ parsed }} is not null then null
        when {{ slash_order }} = 'month_first' and {{ first }} between 13 and 31 and {{ second }} <= 12
            then 'ambiguous slashed date: reads only as day_first, the site declares month_first'
        when {{ slash_order }} <> 'month_first' and {{ second }} between 13 and 31 and {{ first }} <= 12
            then 'ambiguous slashed date: reads only as month_first, the site declares day_first'
        else 'not a date in any accepted shape'
    end
{%- endmacro %}

{#- Completed years between two dates (an age on a given day), a bigint on every engine. -#}
{% macro whole_years_between(start_date, end_date) -%}
    cast((
        extract(year from {{ end_date }}) - extract(year from {{ start_date }})
        - case
            when extract(month from {{ end_date }}) * 100 + extract(day from {{ end_date }})
                < extract(month from {{ start_date }}) * 100 + extract(day from {{ start_date }})
                then 1
            else 0
        end
    ) as {{ dbt.type_bigint() }})
{%- endmacro %}
