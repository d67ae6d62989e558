with

countries as (

    select * from {{ ref('country_codes') }}

),

final as (

    select
        ----------  ids
        country_code,

        ----------  strings
        country_code_alpha3,
        country_name

    from countries

)

select * from final
