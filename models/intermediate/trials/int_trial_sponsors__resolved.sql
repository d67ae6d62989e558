{#-
    Sponsors and collaborators with a matching key: the same organisation written with different
    case, punctuation or legal suffix ("Pfizer Inc." / "PFIZER") gets one sponsor_id.
-#}
with

sponsors as (

    select * from {{ ref('stg_ctgov__sponsors') }}

),

resolved as (

    select
        ----------  ids
        study_sponsor_id,
        nct_id as trial_id,
        {{ surrogate_key([normalize_name('sponsor_name', drop_legal_suffixes=true)]) }} as sponsor_id,

        ----------  strings
        sponsor_name,
        {{ normalize_name('sponsor_name', drop_legal_suffixes=true) }} as sponsor_key,
        sponsor_class,
        sponsor_role,

        ----------  booleans
        is_lead_sponsor

    from sponsors
    where sponsor_name is not null

)

select * from resolved
