{#-
    A matching key for organisation and condition names: lower case, letters with accents kept,
    punctuation and runs of spaces turned into one space, and (optionally, for organisations)
    legal-form suffixes (Inc, Ltd, GmbH, AG, SA, ...) and the words "the", "and", "of" dropped. "Merck Sharp & Dohme LLC" and
    "MERCK SHARP & DOHME, L.L.C." both become "merck sharp dohme"; "The First Affiliated Hospital
    of X University" becomes "first affiliated hospital x university".
-#}
{% macro normalize_name(expression, drop_legal_suffixes=false) -%}
    {%- set name = namespace(sql=dbt.concat([
        "' '",
        regexp_replace_all("lower(" ~ expression ~ ")", name_separator_pattern(), "' '"),
        "' '",
    ])) -%}
    {%- if drop_legal_suffixes -%}
        {#- Applied twice: one pass cannot remove adjacent suffixes that share a space. -#}
        {%- for _ in range(2) -%}
            {%- set name.sql = regexp_replace_all(name.sql, legal_suffix_pattern(), "' '") -%}
        {%- endfor -%}
        {#- "&" is punctuation, so "and" goes too; "of" and "the" carry no identity either. -#}
        {%- for _ in range(2) -%}
            {%- set name.sql = regexp_replace_all(name.sql, "' (the|and|of) '", "' '") -%}
        {%- endfor -%}
    {%- endif -%}
    nullif(trim({{ regexp_replace_all(name.sql, "' +'", "' '") }}), '')
{%- endmacro %}

{% macro legal_suffix_pattern() -%}
    ' (l l c|llc|inc|incorporated|ltd|limited|co|corp|corporation|company|gmbh|ag|s a|sa|s p a|spa|s l|sl|b v|bv|n v|nv|plc|kg|kgaa|ab|a s|as|oy|oyj|srl|s r l|sas|pty|pte|lp|llp|ulc) '
{%- endmacro %}

{% macro name_separator_pattern() -%}
    {{ return(adapter.dispatch('name_separator_pattern', 'clinical_trials_warehouse')()) }}
{%- endmacro %}

{% macro default__name_separator_pattern() -%}
    '[[:space:][:punct:]]+'
{%- endmacro %}

{#-
    A person's name as a matching key: lower case, accents folded ("Jürgen" and "Jurgen",
    "Björn" and "Bjorn", "Øre" and "Ore", "Straße" and "Strasse"), punctuation, hyphens and runs
    of spaces removed ("Anne-Marie", "anne marie" and "AnneMarie" agree). translate() and
    replace() exist on every engine the project builds on.
-#}
{% macro fold_person_name(expression) -%}
    {%- set lowered = "replace(replace(replace(replace(lower(" ~ expression ~ "), 'ß', 'ss'), 'æ', 'ae'), 'œ', 'oe'), 'ø', 'o')" -%}
    nullif({{ regexp_replace_all(
        "translate(" ~ lowered ~ ", 'àáâãäåāăąçćčďđèéêëēėęěìíîïīįıñńňòóôõöōőùúûüūůűųýÿžźżśšşłţťŕřğ', 'aaaaaaaaacccddeeeeeeeeiiiiiiinnnooooooouuuuuuuuyyzzzssslttrrg')",
        name_separator_pattern(), "''") }}, '')
{%- endmacro %}
