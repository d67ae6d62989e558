with

source as (

    select * from {{ source_or_empty('euctr', 'protocols__sponsors') }}

),

renamed as (

    select
        ----------  ids
        {{ surrogate_key(['protocol_id', 'sponsor_rank']) }} as euctr_sponsor_id,
        protocol_id,
        eudract_number as registry_id,

        ----------  strings
        trim(sponsor_name) as sponsor_name,
        {{ normalize_name('sponsor_name', drop_legal_suffixes=true) }} as sponsor_key,
        trim(sponsor_country) as sponsor_country,

        ----------  numerics
        cast(sponsor_rank as {{ dbt.type_bigint() }}) as sponsor_rank

    from source

)

select * from renamed
