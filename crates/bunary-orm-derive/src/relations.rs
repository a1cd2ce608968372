//! The relation parts of the expansion: the `Entity` items that name, check and eager-load a
//! model's relations, the query methods (`user.posts()`), and their serialised fields.

use proc_macro2::TokenStream;
use quote::quote;

use crate::attrs::{ModelDef, RelationKind};

/// The generic arguments of a relation's loader and query: `Self, Related`, or
/// `Self, Intermediate, Related` for a through relation.
fn generics_of(r: &crate::attrs::Relation) -> TokenStream {
    let related = &r.related;
    match &r.through {
        Some(through) => quote!(Self, #through, #related),
        None => quote!(Self, #related),
    }
}

/// `Option<&str>` as tokens.
fn opt(value: &Option<String>) -> TokenStream {
    match value {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}

/// The `RelationDef` of each relation, in order.
fn defs(def: &ModelDef) -> Vec<TokenStream> {
    let snake = &def.snake_name;
    def.relations
        .iter()
        .map(|r| {
            let name = &r.name;
            let kind = match r.kind {
                RelationKind::HasMany => quote!(HasMany),
                RelationKind::HasOne => quote!(HasOne),
                RelationKind::BelongsTo => quote!(BelongsTo),
                RelationKind::BelongsToMany => quote!(BelongsToMany),
                RelationKind::HasManyThrough => quote!(HasManyThrough),
                RelationKind::HasOneThrough => quote!(HasOneThrough),
                RelationKind::MorphTo => quote!(MorphTo),
            };
            let (fk, lk) = (opt(&r.foreign_key), opt(&r.local_key));
            let (pivot, rpk, rk) = (opt(&r.pivot_table), opt(&r.related_pivot_key), opt(&r.related_key));
            let related_snake = &r.related_snake;
            let through_snake = &r.through_snake;
            let pivot_columns = &r.pivot_columns;
            let pivot_timestamps = r.pivot_timestamps;
            let morph = opt(&r.morph);
            quote!(::bunary_orm::model::relations::RelationDef {
                morph: #morph,
                through_snake: #through_snake,
                pivot_columns: &[#(#pivot_columns),*],
                pivot_timestamps: #pivot_timestamps,
                name: #name,
                kind: ::bunary_orm::model::relations::RelationKind::#kind,
                owner_snake: #snake,
                foreign_key: #fk,
                local_key: #lk,
                related_snake: #related_snake,
                pivot_table: #pivot,
                related_pivot_key: #rpk,
                related_key: #rk,
            })
        })
        .collect()
}

/// Items of the `Entity` impl: `RELATIONS`, `check_relation`, `eager_load`.
pub fn entity_items(def: &ModelDef) -> TokenStream {
    if def.relations.is_empty() {
        return TokenStream::new();
    }
    let names: Vec<&str> = def.relations.iter().map(|r| r.name.as_str()).collect();
    let fields: Vec<_> = def.relations.iter().map(|r| &r.field).collect();
    let loaders: Vec<_> = def
        .relations
        .iter()
        .map(|r| match r.kind {
            RelationKind::HasMany => quote!(load_has_many),
            RelationKind::HasOne => quote!(load_has_one),
            RelationKind::BelongsTo => quote!(load_belongs_to),
            RelationKind::BelongsToMany => quote!(load_belongs_to_many),
            RelationKind::HasManyThrough => quote!(load_has_many_through),
            RelationKind::HasOneThrough => quote!(load_has_one_through),
            RelationKind::MorphTo => quote!(load_morph_to),
        })
        .collect();
    let defs = defs(def);
    let generics: Vec<TokenStream> = def.relations.iter().map(generics_of).collect();
    // A morph_to points at several models: a nested path must be known to one of them.
    let nested_checks: Vec<TokenStream> = def
        .relations
        .iter()
        .map(|r| {
            let related = &r.related;
            if r.kind == RelationKind::MorphTo {
                quote!(<#related as ::bunary_orm::MorphTarget>::check_relation(rest))
            } else {
                quote!(<#related as ::bunary_orm::Entity>::check_relation(rest))
            }
        })
        .collect();
    let subquery_calls: Vec<TokenStream> = def
        .relations
        .iter()
        .zip(&defs)
        .map(|(r, d)| {
            let generics = generics_of(r);
            match (&r.through, r.kind) {
                (_, RelationKind::MorphTo) => {
                    let name = &r.name;
                    quote!(::core::result::Result::Err(::bunary_orm::model::relations::not_for_morph_to::<Self>(#name)))
                }
                (Some(_), _) => {
                    quote!(::bunary_orm::model::relations::through_subquery::<#generics>(#d, rest, constraint, alias))
                }
                (None, _) => {
                    quote!(::bunary_orm::model::relations::relation_subquery::<#generics>(#d, rest, constraint, alias))
                }
            }
        })
        .collect();
    let morph_arms: Vec<TokenStream> = def
        .relations
        .iter()
        .zip(&defs)
        .map(|(r, d)| {
            let related = &r.related;
            let name = &r.name;
            if r.kind == RelationKind::MorphTo {
                quote!(::bunary_orm::model::relations::morph_arms::<Self, #related>(#d, types, constraint))
            } else {
                quote!(::core::result::Result::Err(::bunary_orm::model::relations::not_a_morph_to::<Self>(#name)))
            }
        })
        .collect();
    // `with_default`: a missing related row loads as `Default::default()`.
    let defaults: Vec<TokenStream> = def
        .relations
        .iter()
        .map(|r| {
            if !r.with_default {
                return TokenStream::new();
            }
            let field = &r.field;
            quote! {
                for model in models.iter_mut() {
                    if ::core::matches!(model.#field.loaded(), ::core::option::Option::Some(::core::option::Option::None)) {
                        model.#field.set(::core::option::Option::Some(::core::default::Default::default()));
                    }
                }
            }
        })
        .collect();
    let is_list = |k: RelationKind| {
        matches!(k, RelationKind::HasMany | RelationKind::BelongsToMany | RelationKind::HasManyThrough)
    };
    let lists: Vec<usize> = (0..def.relations.len()).filter(|&i| is_list(def.relations[i].kind)).collect();
    let list_names: Vec<&str> = lists.iter().map(|&i| names[i]).collect();
    let list_generics: Vec<_> = lists.iter().map(|&i| generics_of(&def.relations[i])).collect();
    let list_loaders: Vec<_> = lists
        .iter()
        .map(|&i| match def.relations[i].kind {
            RelationKind::HasManyThrough => quote!(load_aggregate_through),
            _ => quote!(load_aggregate),
        })
        .collect();
    let list_fields: Vec<_> = lists.iter().map(|&i| fields[i]).collect();
    let list_defs: Vec<_> = lists.iter().map(|&i| defs[i].clone()).collect();
    let single_names: Vec<&str> = def.relations.iter().filter(|r| !is_list(r.kind)).map(|r| r.name.as_str()).collect();
    let single_arm = if single_names.is_empty() {
        TokenStream::new()
    } else {
        quote! {
            #(#single_names)|* => {
                let error = ::bunary_orm::model::relations::not_a_list::<Self>(relation);
                ::std::boxed::Box::pin(async move { ::core::result::Result::Err(error) })
            }
        }
    };
    let push_lists: Vec<_> = def.relations.iter().filter(|r| is_list(r.kind)).map(|r| &r.field).collect();
    let push_ones: Vec<_> = def
        .relations
        .iter()
        .filter(|r| !is_list(r.kind) && r.kind != RelationKind::MorphTo)
        .map(|r| &r.field)
        .collect();
    let touched: Vec<usize> = (0..def.relations.len()).filter(|&i| def.relations[i].touches).collect();
    let touches = if touched.is_empty() {
        TokenStream::new()
    } else {
        let related: Vec<_> = touched.iter().map(|&i| &def.relations[i].related).collect();
        let touch_defs: Vec<_> = touched.iter().map(|&i| defs[i].clone()).collect();
        quote! {
            const TOUCHES: bool = true;

            fn touch_owners(&self) -> ::core::pin::Pin<::std::boxed::Box<dyn ::core::future::Future<Output = ::bunary_orm::Result<()>> + ::core::marker::Send + '_>> {
                ::std::boxed::Box::pin(async move {
                    #(::bunary_orm::model::relations::touch_owner::<Self, #related>(self, #touch_defs).await?;)*
                    ::core::result::Result::Ok(())
                })
            }
        }
    };
    quote! {
        #touches

        const RELATIONS: &'static [&'static str] = &[#(#names),*];

        fn is_relation_loaded(&self, relation: &str) -> bool {
            match relation {
                #(#names => self.#fields.is_loaded(),)*
                _ => false,
            }
        }

        fn check_relation(path: &str) -> ::bunary_orm::Result<()> {
            let (first, rest) = match path.split_once('.') {
                ::core::option::Option::Some((first, rest)) => (first, ::core::option::Option::Some(rest)),
                ::core::option::Option::None => (path, ::core::option::Option::None),
            };
            match first {
                #(#names => match rest {
                    ::core::option::Option::Some(rest) => #nested_checks,
                    ::core::option::Option::None => ::core::result::Result::Ok(()),
                },)*
                other => ::core::result::Result::Err(::bunary_orm::model::relations::unknown_relation::<Self>(other)),
            }
        }

        fn relation_subquery(
            path: &str,
            constraint: ::bunary_orm::model::relations::Constraint<'_>,
            alias: ::core::option::Option<&str>,
        ) -> ::bunary_orm::Result<::bunary_orm::Builder> {
            let (first, rest) = match path.split_once('.') {
                ::core::option::Option::Some((first, rest)) => (first, ::core::option::Option::Some(rest)),
                ::core::option::Option::None => (path, ::core::option::Option::None),
            };
            match first {
                #(#names => #subquery_calls,)*
                other => ::core::result::Result::Err(::bunary_orm::model::relations::unknown_relation::<Self>(other)),
            }
        }

        fn morph_arms(
            relation: &str,
            types: &[::std::string::String],
            constraint: ::bunary_orm::model::relations::MorphConstraint<'_>,
        ) -> ::bunary_orm::Result<::bunary_orm::model::relations::MorphArms> {
            match relation {
                #(#names => #morph_arms,)*
                other => ::core::result::Result::Err(::bunary_orm::model::relations::unknown_relation::<Self>(other)),
            }
        }

        fn aggregate_load<'a>(
            models: &'a mut [Self],
            relation: &'a str,
            function: ::bunary_orm::model::relations::RelationAggregate,
            column: ::core::option::Option<::std::string::String>,
            connection: &'a ::bunary_orm::Connection,
        ) -> ::core::pin::Pin<::std::boxed::Box<dyn ::core::future::Future<Output = ::bunary_orm::Result<()>> + ::core::marker::Send + 'a>> {
            match relation {
                #(#list_names => ::std::boxed::Box::pin(::bunary_orm::model::relations::#list_loaders::<#list_generics>(
                    models,
                    #list_defs,
                    |model: &mut Self| &mut model.#list_fields,
                    function,
                    column,
                    connection,
                )),)*
                #single_arm
                other => {
                    let error = ::bunary_orm::model::relations::unknown_relation::<Self>(other);
                    ::std::boxed::Box::pin(async move { ::core::result::Result::Err(error) })
                }
            }
        }

        fn push_relations(&mut self) -> ::core::pin::Pin<::std::boxed::Box<dyn ::core::future::Future<Output = ::bunary_orm::Result<()>> + ::core::marker::Send + '_>> {
            ::std::boxed::Box::pin(async move {
                #(if let ::core::option::Option::Some(models) = self.#push_lists.loaded_mut() {
                    for model in models.iter_mut() {
                        ::bunary_orm::EntityExt::push(model).await?;
                    }
                })*
                #(if let ::core::option::Option::Some(model) = self.#push_ones.get_mut() {
                    ::bunary_orm::EntityExt::push(model).await?;
                })*
                ::core::result::Result::Ok(())
            })
        }

        fn eager_load<'a>(
            models: &'a mut [Self],
            relation: &'a str,
            nested: ::bunary_orm::model::relations::Eager,
            connection: &'a ::bunary_orm::Connection,
        ) -> ::core::pin::Pin<::std::boxed::Box<dyn ::core::future::Future<Output = ::bunary_orm::Result<()>> + ::core::marker::Send + 'a>> {
            match relation {
                #(#names => ::std::boxed::Box::pin(async move {
                    ::bunary_orm::model::relations::#loaders::<#generics>(
                        &mut *models,
                        #defs,
                        |model: &mut Self| &mut model.#fields,
                        nested,
                        connection,
                    )
                    .await?;
                    #defaults
                    ::core::result::Result::Ok(())
                }),)*
                other => {
                    let error = ::bunary_orm::model::relations::unknown_relation::<Self>(other);
                    ::std::boxed::Box::pin(async move { ::core::result::Result::Err(error) })
                }
            }
        }
    }
}

/// The query method of each relation: `user.posts()`.
pub fn query_methods(def: &ModelDef) -> TokenStream {
    if def.relations.is_empty() {
        return TokenStream::new();
    }
    let name = &def.name;
    let defs = defs(def);
    let methods = def.relations.iter().zip(defs).filter_map(|(r, d)| {
        let field = &r.field;
        let related = &r.related;
        let doc = format!(
            "The `{}` relation as a query on the related models (with their scopes); models created or saved through it get the foreign key.",
            r.name
        );
        let builder = match r.kind {
            RelationKind::HasMany | RelationKind::HasOne => quote!(has_many_query),
            RelationKind::BelongsTo => quote!(belongs_to_query),
            RelationKind::BelongsToMany => quote!(belongs_to_many_query),
            RelationKind::HasManyThrough | RelationKind::HasOneThrough => quote!(through_query),
            // A morph_to points at several models: no single query.
            RelationKind::MorphTo => return None,
        };
        let generics = generics_of(r);
        let query = quote! {
            #[doc = #doc]
            pub fn #field(&self) -> ::bunary_orm::ModelQuery<#related> {
                ::bunary_orm::model::relations::#builder::<#generics>(self, #d)
            }
        };
        if r.kind != RelationKind::BelongsTo {
            return Some(query);
        }
        let associate = quote::format_ident!("associate_{}", r.name);
        let dissociate = quote::format_ident!("dissociate_{}", r.name);
        let associate_doc = format!(
            "Sets the foreign key of `{}` to `parent`'s key, and the relation to `parent` (Eloquent's `associate`); `save` writes it.",
            r.name
        );
        let dissociate_doc =
            format!("Clears the foreign key of `{}` and the relation (Eloquent's `dissociate`); `save` writes it.", r.name);
        Some(quote! {
            #query

            #[doc = #associate_doc]
            pub fn #associate(&mut self, parent: &#related) -> ::bunary_orm::Result<()> {
                ::bunary_orm::model::relations::associate::<Self, #related>(self, #d, parent)?;
                self.#field.set(::core::option::Option::Some(::core::clone::Clone::clone(parent)));
                ::core::result::Result::Ok(())
            }

            #[doc = #dissociate_doc]
            pub fn #dissociate(&mut self) -> ::bunary_orm::Result<()> {
                ::bunary_orm::model::relations::dissociate::<Self, #related>(self, #d)?;
                self.#field.set(::core::option::Option::None);
                ::core::result::Result::Ok(())
            }
        })
    });
    quote! {
        impl #name {
            #(#methods)*
        }
    }
}

/// `#[derive(MorphTarget)]`: an enum with one single-model variant per model a `morph_to`
/// relation may point at.
pub fn morph_target(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    let name = &input.ident;
    let syn::Data::Enum(data) = &input.data else {
        return Err(syn::Error::new(
            name.span(),
            "#[derive(MorphTarget)] needs an enum: one variant per model, `Post(Post)`",
        ));
    };
    let mut variants = Vec::new();
    let mut types = Vec::new();
    for variant in &data.variants {
        match &variant.fields {
            syn::Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                variants.push(&variant.ident);
                types.push(&fields.unnamed[0].ty);
            }
            _ => {
                return Err(syn::Error::new(
                    variant.ident.span(),
                    "each variant of a MorphTarget holds one model: `Post(Post)`",
                ))
            }
        }
    }
    if variants.is_empty() {
        return Err(syn::Error::new(name.span(), "a MorphTarget needs at least one variant"));
    }
    Ok(quote! {
        impl ::bunary_orm::MorphTarget for #name {
            fn names() -> ::std::vec::Vec<&'static str> {
                ::std::vec![#(<#types as ::bunary_orm::Entity>::MORPH_NAME),*]
            }

            fn load<'a>(
                name: &'a str,
                ids: ::std::vec::Vec<::bunary_orm::Value>,
                nested: &'a ::bunary_orm::model::relations::Eager,
                connection: &'a ::bunary_orm::Connection,
            ) -> ::core::pin::Pin<::std::boxed::Box<dyn ::core::future::Future<Output = ::bunary_orm::Result<::std::vec::Vec<(::bunary_orm::Value, Self)>>> + ::core::marker::Send + 'a>> {
                #(if name == <#types as ::bunary_orm::Entity>::MORPH_NAME {
                    return ::std::boxed::Box::pin(::bunary_orm::model::relations::load_target::<#types, Self>(ids, nested, connection, Self::#variants));
                })*
                ::std::boxed::Box::pin(async { ::core::result::Result::Ok(::std::vec::Vec::new()) })
            }

            fn check_relation(path: &str) -> ::bunary_orm::Result<()> {
                ::bunary_orm::model::relations::check_any([#(<#types as ::bunary_orm::Entity>::check_relation(path)),*])
            }

            fn exists_subquery(
                name: &str,
                parent_table: &str,
                outer_key: &str,
                constraint: ::bunary_orm::model::relations::MorphConstraint<'_>,
            ) -> ::bunary_orm::Result<::bunary_orm::Builder> {
                #(if name == <#types as ::bunary_orm::Entity>::MORPH_NAME {
                    return ::bunary_orm::model::relations::morph_subquery::<#types>(parent_table, outer_key, constraint);
                })*
                ::core::result::Result::Err(::bunary_orm::Error::InvalidQuery {
                    problem: ::bunary_orm::QueryProblem::UnknownMorphType { model: ::core::stringify!(#name), name: ::std::string::ToString::to_string(name) },
                })
            }
        }

        impl ::bunary_orm::__private::serde::Serialize for #name {
            fn serialize<S: ::bunary_orm::__private::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                match self {
                    #(Self::#variants(model) => ::bunary_orm::__private::serde::Serialize::serialize(model, serializer),)*
                }
            }
        }
    })
}
