{#-
    search_trials(q, status, phase, country, start_from, start_to): ranked trials from the
    trial_search model (PostgreSQL only; run as the model's post-hook, so the function is
    recreated with every build and always reads the current table).

    q is only ever a parameter: websearch_to_tsquery parses it (quotes, OR, -exclusions) and the
    LIKE pattern built from it has its wildcards escaped, so no input can change the statement.
    A trial matches when its weighted search_document matches the query, or a registry ID,
    acronym or intervention name contains q (trigram index), or q (four letters or more, no
    digits) is a close spelling of a word there (word similarity). Rank: ts_rank_cd over the weights, plus a boost for an exact or
    prefix registry-ID match and for a near spelling. Ties break on start date, then trial_id.
    An empty q returns every trial that passes the filters, newest start first.
    Filters: status (code or label), phase (code or label), country (ISO code or name),
    start_from / start_to (inclusive bounds on start_date).
-#}
{% macro create_search_trials_function(relation) %}
create or replace function {{ relation.schema }}.search_trials(
    q text,
    status text default null,
    phase text default null,
    country text default null,
    start_from date default null,
    start_to date default null
)
returns table (
    trial_id text,
    registry_ids text [],
    brief_title text,
    acronym text,
    trial_status text,
    phase text,
    countries text [],
    start_date date,
    search_rank real
)
language sql
stable
parallel safe
as $search_trials$
    with

    search_input as (
        select
            websearch_to_tsquery('english', coalesce(search_trials.q, '')) as ts_query,
            lower(btrim(coalesce(search_trials.q, ''))) as term
    ),

    search_pattern as (
        select
            ts_query,
            term,
            replace(replace(replace(term, '\', '\\'), '%', '\%'), '_', '\_') as like_term,
            -- near spellings only for words (drug names); IDs match exactly or by prefix
            length(term) >= 4 and term !~ '[0-9]' as is_fuzzy
        from search_input
    ),

    matched as (
        select
            trials.*,
            ts_rank_cd(trials.search_document, search_pattern.ts_query, 1) as text_rank,
            exists (
                select 1
                from unnest(trials.registry_ids) as ids (registry_id)
                where lower(ids.registry_id) = search_pattern.term
            ) as is_exact_id,
            exists (
                select 1
                from unnest(trials.registry_ids) as ids (registry_id)
                where lower(ids.registry_id) like search_pattern.like_term || '%'
            ) as is_id_prefix,
            case
                when search_pattern.is_fuzzy and search_pattern.term <% trials.search_names
                    then word_similarity(search_pattern.term, trials.search_names)
                else 0
            end as name_similarity
        from {{ relation }} as trials
        cross join search_pattern
        where
            (
                search_pattern.term = ''
                or trials.search_document @@ search_pattern.ts_query
                or (
                    length(search_pattern.term) >= 3
                    and trials.search_names like '%' || search_pattern.like_term || '%'
                )
                or (search_pattern.is_fuzzy and search_pattern.term <% trials.search_names)
            )
            and (
                search_trials.status is null
                or trials.trial_status = lower(search_trials.status)
                or lower(trials.trial_status_label) = lower(search_trials.status)
            )
            and (
                search_trials.phase is null
                or trials.phase = lower(search_trials.phase)
                or lower(trials.phase_label) = lower(search_trials.phase)
            )
            and (
                search_trials.country is null
                or upper(search_trials.country) = any(trials.country_codes)
                or lower(search_trials.country) = any(
                    select lower(names.country_name) from unnest(trials.country_names) as names (country_name)
                )
            )
            and (search_trials.start_from is null or trials.start_date >= search_trials.start_from)
            and (search_trials.start_to is null or trials.start_date <= search_trials.start_to)
    )

    select
        matched.trial_id,
        matched.registry_ids,
        matched.brief_title,
        matched.acronym,
        matched.trial_status,
        matched.phase,
        matched.country_codes,
        matched.start_date,
        (
            matched.text_rank
            + case when matched.is_exact_id then 10 when matched.is_id_prefix then 5 else 0 end
            + matched.name_similarity
        )::real as search_rank
    from matched
    order by search_rank desc, matched.start_date desc nulls last, matched.trial_id
$search_trials$
{% endmacro %}
