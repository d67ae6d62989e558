-- Top sponsors over every registry, by trials (sponsor names matched case, punctuation and
-- legal suffix insensitively).
with

trials as (

    select * from {{ ref('dim_trial') }}

),

final as (

    select
        {{ normalize_name('resolved_sponsor_name', drop_legal_suffixes=true) }} as sponsor_key,
        min(resolved_sponsor_name) as sponsor_name,
        count(*) as trial_count
    from trials
    where resolved_sponsor_name is not null
    group by {{ normalize_name('resolved_sponsor_name', drop_legal_suffixes=true) }}

)

select * from final
