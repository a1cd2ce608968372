//! Writing the `Entity`, `FromRow` and `Serialize` impls for a [`ModelDef`].

use proc_macro2::TokenStream;
use quote::quote;

use crate::attrs::{KeyKind, ModelDef};

pub fn expand(def: &ModelDef) -> syn::Result<TokenStream> {
    let name = &def.name;
    let name_str = name.to_string();
    let table = &def.table;
    let pk = &def.primary_key;
    let key = match def.key {
        KeyKind::AutoIncrement => quote!(::bunary_orm::KeyKind::AutoIncrement),
        KeyKind::Uuid => quote!(::bunary_orm::KeyKind::Uuid),
        KeyKind::Manual => quote!(::bunary_orm::KeyKind::Manual),
    };
    let columns: Vec<&str> = def.columns.iter().map(|c| c.column.as_str()).collect();
    let hidden: Vec<&str> = def.columns.iter().filter(|c| c.hidden).map(|c| c.column.as_str()).collect();
    let timestamps = match &def.timestamps {
        Some((c, u)) => {
            quote!(::core::option::Option::Some(::bunary_orm::model::Timestamps { created_at: #c, updated_at: #u }))
        }
        None => quote!(::core::option::Option::None),
    };
    let soft_deletes = match &def.soft_deletes {
        Some(c) => quote!(::core::option::Option::Some(#c)),
        None => quote!(::core::option::Option::None),
    };
    let fillable = match &def.fillable {
        Some(list) => quote!(::core::option::Option::Some(&[#(#list),*])),
        None => quote!(::core::option::Option::None),
    };
    let guarded = &def.guarded;
    let morph_name = &def.morph_name;
    let strict_fill = def.strict_fill;
    let keep_original = def.keep_original;
    let scope_names: Vec<&str> = def.global_scopes.iter().map(|(n, _)| n.as_str()).collect();
    // A closure is given its argument type; a function or a unit struct is taken as it is.
    let scope_values: Vec<proc_macro2::TokenStream> = def
        .global_scopes
        .iter()
        .map(|(_, e)| match e {
            syn::Expr::Closure(_) => quote!(&::bunary_orm::model::scope_fn(#e)),
            _ => quote!(&#e),
        })
        .collect();
    let observed_by = &def.observed_by;
    let observers = if observed_by.is_empty() {
        quote!(&OBSERVERS)
    } else {
        quote!(OBSERVERS.booted(|observers| {
            #(observers.add(<#observed_by as ::core::default::Default>::default());)*
        }))
    };
    let state = &def.state;
    let fields: Vec<_> = def.columns.iter().map(|c| &c.field).collect();
    let types: Vec<_> = def.columns.iter().map(|c| &c.ty).collect();
    // Fields that are not columns: `Default::default()` when a model is built from a row.
    let skipped: Vec<_> = def.skipped.iter().chain(def.relations.iter().map(|r| &r.field)).collect();
    let relation_items = crate::relations::entity_items(def);
    let relation_methods = crate::relations::query_methods(def);
    let (serialize_view, serialize) = crate::serialize::serialize(def);
    let columns_struct = crate::serialize::columns(def);
    let key_index = def.columns.iter().position(|c| &c.column == pk).expect("checked by parse");
    let key_field = &def.columns[key_index].field;
    let key_ty = &def.columns[key_index].ty;

    let indexes: Vec<usize> = (0..def.columns.len()).collect();
    let slots: Vec<_> = indexes.iter().map(|i| quote::format_ident!("slot_{}", i)).collect();

    Ok(quote! {
        impl ::bunary_orm::Entity for #name {
            const NAME: &'static str = #name_str;
            const TABLE: &'static str = #table;
            const PRIMARY_KEY: &'static str = #pk;
            const KEY: ::bunary_orm::KeyKind = #key;
            const COLUMNS: &'static [&'static str] = &[#(#columns),*];
            const HIDDEN: &'static [&'static str] = &[#(#hidden),*];
            const TIMESTAMPS: ::core::option::Option<::bunary_orm::model::Timestamps> = #timestamps;
            const SOFT_DELETES: ::core::option::Option<&'static str> = #soft_deletes;
            const FILLABLE: ::core::option::Option<&'static [&'static str]> = #fillable;
            const GUARDED: &'static [&'static str] = &[#(#guarded),*];
            const MORPH_NAME: &'static str = #morph_name;
            const STRICT_FILL: bool = #strict_fill;
            const KEEP_ORIGINAL: bool = #keep_original;
            const GLOBAL_SCOPES: &'static [::bunary_orm::model::GlobalScope] = &[#((#scope_names, #scope_values as &'static dyn ::bunary_orm::model::Scope)),*];

            fn to_values(&self) -> ::std::vec::Vec<::bunary_orm::Value> {
                ::std::vec![#(::bunary_orm::model::ToValue::to_value(&self.#fields)),*]
            }

            fn plain_sql() -> &'static ::bunary_orm::model::PlainSql {
                static PLAIN: ::bunary_orm::model::PlainSql = ::bunary_orm::model::PlainSql::new();
                &PLAIN
            }

            fn observers() -> &'static ::bunary_orm::model::Observers<Self> {
                static OBSERVERS: ::bunary_orm::model::Observers<#name> = ::bunary_orm::model::Observers::new();
                #observers
            }

            fn append_values(self, out: &mut ::std::vec::Vec<::bunary_orm::Value>, skip: ::core::option::Option<usize>) {
                #(if skip != ::core::option::Option::Some(#indexes) {
                    out.push(::core::convert::Into::<::bunary_orm::Value>::into(self.#fields));
                })*
            }

            fn hash_fields_into(&self, out: &mut [u64]) {
                #[allow(unused_imports)]
                use ::bunary_orm::model::{HashInPlace as _, HashThroughValue as _};
                // One length check for the row, then a store per column.
                if let [#(#slots),*] = out {
                    #(*#slots = (&::bunary_orm::model::FieldHasher(&self.#fields)).field_hash();)*
                }
            }

            fn key_in_hashes() -> ::core::option::Option<usize> {
                #[allow(unused_imports)]
                use ::bunary_orm::model::{IntegerKey as _, OtherKey as _};
                if (&::bunary_orm::model::KeyType::<#key_ty>::new()).is_integer() {
                    ::core::option::Option::Some(#key_index)
                } else {
                    ::core::option::Option::None
                }
            }

            fn set_value(&mut self, column: &str, value: ::bunary_orm::Value) -> ::bunary_orm::Result<()> {
                match column {
                    #(#columns => {
                        self.#fields = ::bunary_orm::model::decode_field(#columns, value)?;
                    })*
                    other => return ::core::result::Result::Err(::bunary_orm::model::unknown_column::<Self>(other)),
                }
                ::core::result::Result::Ok(())
            }

            fn column_may_be_absent(column: &str) -> bool {
                match column {
                    #(#columns => <#types as ::bunary_orm::FromValue>::absent().is_some(),)*
                    _ => false,
                }
            }

            fn get_value(&self, column: &str) -> ::bunary_orm::Result<::bunary_orm::Value> {
                match column {
                    #(#columns => ::core::result::Result::Ok(::bunary_orm::model::ToValue::to_value(&self.#fields)),)*
                    other => ::core::result::Result::Err(::bunary_orm::model::unknown_column::<Self>(other)),
                }
            }

            #relation_items

            #serialize_view

            fn state(&self) -> &::bunary_orm::ModelState {
                &self.#state
            }

            fn state_mut(&mut self) -> &mut ::bunary_orm::ModelState {
                &mut self.#state
            }

            fn key(&self) -> ::bunary_orm::Value {
                ::bunary_orm::model::ToValue::to_value(&self.#key_field)
            }
        }

        impl ::bunary_orm::FromRow for #name {
            fn from_row(row: ::bunary_orm::Row) -> ::bunary_orm::Result<Self> {
                ::bunary_orm::row::from_row_via_source::<Self>(row)
            }

            fn layout_cache() -> ::core::option::Option<&'static ::bunary_orm::row::LayoutCache> {
                static LAYOUT: ::bunary_orm::row::LayoutCache = ::bunary_orm::row::LayoutCache::new();
                ::core::option::Option::Some(&LAYOUT)
            }

            fn layout(columns: &[::std::string::String]) -> ::bunary_orm::Result<::bunary_orm::row::Layout> {
                ::core::result::Result::Ok(::bunary_orm::row::Layout::from_slice(&[#(::bunary_orm::model::column_position::<Self>(columns, #columns)?),*]))
            }

            #[inline]
            fn from_source(
                layout: &[usize],
                _columns: &::bunary_orm::row::Columns,
                source: &dyn ::bunary_orm::row::ColumnSource,
            ) -> ::bunary_orm::Result<Self> {
                let mut cells = ::bunary_orm::row::PlainCells::new();
                source.plain_cells(&mut cells)?;
                ::core::result::Result::Ok(#name {
                    #(#fields: ::bunary_orm::model::cell_field(&cells, source, layout[#indexes], #columns)?,)*
                    #(#skipped: ::core::default::Default::default(),)*
                    #state: ::core::default::Default::default(),
                })
            }
        }

        #serialize

        #columns_struct

        #relation_methods
    })
}
