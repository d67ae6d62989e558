{#-
    Registry dates in the formats the exports use, turned into an ISO partial date string
    ("2020-03-15", "2020-03", "2020") that parse_partial_date and partial_date_precision read:

    | written                     | registry            | result       |
    |-----------------------------|---------------------|--------------|
    | 2020-03-15, 2020-03         | CT.gov, ICTRP CSV   | unchanged    |
    | 2025-11-01T00:00:00.000Z    | ISRCTN              | 2025-11-01   |
    | 20200315                    | ICTRP registration3 | 2020-03-15   |
    | 15/03/2020                  | ICTRP, EMA (dd/mm)  | 2020-03-15   |
    | 2020/03/15, 2020/3          | ICTRP (JPRN)        | 2020-03-15, 2020-03 |
    | March 15, 2020 / 15 March 2020 | ICTRP            | 2020-03-15   |
    | March 2020, 03/2020         | ICTRP, CSR text     | 2020-03      |

    Slash dates are read day first: ICTRP and EMA write dd/mm/yyyy; a slash date starting with
    the year (Japan's JPRN/jRCT records) is year, month, day.
-#}
{% macro registry_date_iso(expression) -%}
    {%- set v = "trim(" ~ expression ~ ")" -%}
    case
        when {{ regexp_like(v, "'^[0-9]{4}(-[0-9]{2}){0,2}$'") }} then {{ v }}
        when {{ regexp_like(v, "'^[0-9]{4}-[0-9]{2}-[0-9]{2}T'") }} then substring({{ v }}, 1, 10)
        when {{ regexp_like(v, "'^[0-9]{8}$'") }}
            then {{ dbt.concat(["substring(" ~ v ~ ", 1, 4)", "'-'", "substring(" ~ v ~ ", 5, 2)", "'-'", dbt.right(v, 2)]) }}
        when {{ regexp_like(v, "'^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}$'") }}
            then {{ dbt.concat([
                dbt.split_part(v, "'/'", 3), "'-'",
                dbt.right(dbt.concat(["'0'", dbt.split_part(v, "'/'", 2)]), 2), "'-'",
                dbt.right(dbt.concat(["'0'", dbt.split_part(v, "'/'", 1)]), 2),
            ]) }}
        when {{ regexp_like(v, "'^[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}$'") }}
            then {{ dbt.concat([
                dbt.split_part(v, "'/'", 1), "'-'",
                dbt.right(dbt.concat(["'0'", dbt.split_part(v, "'/'", 2)]), 2), "'-'",
                dbt.right(dbt.concat(["'0'", dbt.split_part(v, "'/'", 3)]), 2),
            ]) }}
        when {{ regexp_like(v, "'^[0-9]{4}/[0-9]{1,2}$'") }}
            then {{ dbt.concat([
                dbt.split_part(v, "'/'", 1), "'-'",
                dbt.right(dbt.concat(["'0'", dbt.split_part(v, "'/'", 2)]), 2),
            ]) }}
        when {{ regexp_like(v, "'^[0-9]{1,2}/[0-9]{4}$'") }}
            then {{ dbt.concat([
                dbt.split_part(v, "'/'", 2), "'-'",
                dbt.right(dbt.concat(["'0'", dbt.split_part(v, "'/'", 1)]), 2),
            ]) }}
        when {{ regexp_like(v, "'^[A-Za-z]+ [0-9]{1,2}, [0-9]{4}$'") }}
            then {{ dbt.concat([
                dbt.right(v, 4), "'-'", month_number(dbt.split_part(v, "' '", 1)), "'-'",
                dbt.right(dbt.concat(["'0'", "replace(" ~ dbt.split_part(v, "' '", 2) ~ ", ',', '')"]), 2),
            ]) }}
        when {{ regexp_like(v, "'^[0-9]{1,2} [A-Za-z]+ [0-9]{4}$'") }}
            then {{ dbt.concat([
                dbt.right(v, 4), "'-'", month_number(dbt.split_part(v, "' '", 2)), "'-'",
                dbt.right(dbt.concat(["'0'", dbt.split_part(v, "' '", 1)]), 2),
            ]) }}
        when {{ regexp_like(v, "'^[A-Za-z]+ [0-9]{4}$'") }}
            then {{ dbt.concat([dbt.right(v, 4), "'-'", month_number(dbt.split_part(v, "' '", 1))]) }}
    end
{%- endmacro %}

{#- The month number ("01".."12") of an English month name or its abbreviation, any case. -#}
{% macro month_number(expression) -%}
    case lower(substring({{ expression }}, 1, 3))
        when 'jan' then '01' when 'feb' then '02' when 'mar' then '03' when 'apr' then '04'
        when 'may' then '05' when 'jun' then '06' when 'jul' then '07' when 'aug' then '08'
        when 'sep' then '09' when 'oct' then '10' when 'nov' then '11' when 'dec' then '12'
    end
{%- endmacro %}

{#-
    A registry phase as written ("Phase 2/Phase 3", "Phase II/III", "2-3", "Phase 1", "N/A",
    "Not Applicable") as the key of the trial_phase_mapping seed ("phase2|phase3", "na").
    Roman numerals are read longest first (iii, ii, iv, i). Anything else gives a key that the
    seed does not know, so the phase stays NULL and the source text stays in source_phase.
-#}
{% macro phase_key(expression) -%}
    {%- set v = "lower(trim(" ~ expression ~ "))" -%}
    {%- set digits = regexp_replace_all(regexp_replace_all(regexp_replace_all(regexp_replace_all(
        regexp_replace_all(v, "'phase|[[:space:]]'", "''"),
        "'iii'", "'3'"), "'ii'", "'2'"), "'iv'", "'4'"), "'i'", "'1'") -%}
    case
        when {{ v }} in ('n/a', 'na', 'not applicable', 'not_applicable') then 'na'
        when {{ regexp_like(digits, "'^[0-4]([/,&-]+[0-4])*$'") }}
            then {{ dbt.concat(["'phase'", regexp_replace_all(digits, "'[/,&-]+'", "'|phase'")]) }}
    end
{%- endmacro %}

{#- The canonical form of an NCT, ISRCTN or EudraCT identifier written in a field meant for one
    (EMA listings, ISRCTN external refs), or NULL: NCT and ISRCTN numbers as written, EudraCT
    numbers bare (EUCTR prefix and member-state suffix dropped). An EU CT number
    (2023-500123-45-00) is not a EudraCT number: the member-state suffix must hold a letter.
    The full grammar of every registry (the seed registry_id_patterns) is applied by
    int_trials__registry_identifiers; this macro stays for fields that can only hold these three. -#}
{% macro canonical_trial_id(expression) -%}
    {%- set v = "upper(trim(" ~ expression ~ "))" -%}
    coalesce(
        {{ regexp_extract(v, "'(NCT[0-9]{8})'") }},
        {{ regexp_extract(v, "'(ISRCTN[0-9]{8})'") }},
        {{ regexp_extract(v, "'^(?:EUCTR)?([0-9]{4}-[0-9]{6}-[0-9]{2})(?:-[0-9]?[A-Z][A-Z0-9/-]*)?$'") }}
    )
{%- endmacro %}

{#- Which registry an identifier belongs to, and its precedence when naming a trial
    (lower wins): NCT 1, EudraCT 2, ISRCTN 3, any other registry's ID 4, a WHO Universal Trial
    Number 5 (it ties registrations together but is no registration, so it never names a trial).
    id_registry only tells the three apart; int_trials__identity_resolved takes the registry of
    every other ID from the seed registry_id_patterns. -#}
{% macro id_registry(expression) -%}
    case
        when {{ expression }} like 'NCT%' then 'ctgov'
        when {{ expression }} like 'ISRCTN%' then 'isrctn'
        when {{ regexp_like(expression, "'^[0-9]{4}-[0-9]{6}-[0-9]{2}$'") }} then 'euctr'
        else 'other'
    end
{%- endmacro %}

{% macro id_precedence(expression) -%}
    case
        when {{ expression }} like 'NCT%' then 1
        when {{ regexp_like(expression, "'^[0-9]{4}-[0-9]{6}-[0-9]{2}$'") }} then 2
        when {{ expression }} like 'ISRCTN%' then 3
        when {{ expression }} like 'U1111-%' then 5
        else 4
    end
{%- endmacro %}

{#- An age written "18 Years", "18", ">= 20age old", "15Y", "6 Months", "N/A" as years
    (no unit means years; NULL without a number). -#}
{% macro parse_registry_age_years(expression) -%}
    {%- set v = "lower(trim(" ~ expression ~ "))" -%}
    {%- set amount = to_number(regexp_extract(v, "'([0-9]+([.][0-9]+)?)'")) -%}
    case
        when {{ regexp_extract(v, "'([0-9]+)'") }} is null then null
        when {{ regexp_like(v, "'month|[0-9] *m$'") }} then {{ amount }} / 12.0
        when {{ regexp_like(v, "'week|[0-9] *w$'") }} then {{ amount }} * 7.0 / 365.25
        when {{ regexp_like(v, "'day|[0-9] *d$'") }} then {{ amount }} / 365.25
        when {{ regexp_like(v, "'hour'") }} then {{ amount }} / 8766.0
        else {{ amount }}
    end
{%- endmacro %}
