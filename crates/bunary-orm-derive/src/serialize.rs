//! The model's `Serialize` (through `Entity::serialize_view`, which per-instance
//! `make_hidden`/`make_visible` use) and its column-name struct (`User::columns().email`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::attrs::ModelDef;
use crate::attrs::RelationKind;

/// The output name of a field: its serde `rename`, else `rename_all` of its name.
fn output_name(def: &ModelDef, name: &str, rename: Option<&String>) -> String {
    match (rename, &def.rename_all) {
        (Some(r), _) => r.clone(),
        (None, Some(rule)) => crate::serde_attrs::apply(name, rule).unwrap_or_else(|| name.to_owned()),
        (None, None) => name.to_owned(),
    }
}

/// `Entity::serialize_view` (an item of the `Entity` impl) and the `Serialize` impl.
pub fn serialize(def: &ModelDef) -> (TokenStream, TokenStream) {
    let name = &def.name;
    let name_str = name.to_string();
    let state = &def.state;
    let mut steps = Vec::new();
    let mut count = 0usize;
    for c in def.columns.iter().filter(|c| !c.serde.skip) {
        count += 1;
        let column = &c.column;
        let out = output_name(def, column, c.serde.rename.as_ref());
        let field = &c.field;
        let ty = &c.ty;
        let hidden = c.hidden || def.visible.as_ref().is_some_and(|v| !v.contains(column));
        let value = match &c.serde.serialize_with {
            None => quote!(&self.#field),
            Some(path) => quote!({
                struct With<'a>(&'a #ty);
                impl ::bunary_orm::__private::serde::Serialize for With<'_> {
                    fn serialize<S2: ::bunary_orm::__private::serde::Serializer>(&self, serializer: S2) -> ::core::result::Result<S2::Ok, S2::Error> {
                        #path(self.0, serializer)
                    }
                }
                &With(&self.#field)
            }),
        };
        let kept = match &c.serde.skip_if {
            None => quote!(true),
            Some(path) => quote!(!#path(&self.#field)),
        };
        let shown = if hidden {
            quote!(!plain && view.shows(#column, true) && !absent.contains(&#column))
        } else {
            quote!(plain || (view.shows(#column, false) && !absent.contains(&#column)))
        };
        steps.push(quote! {
            if (#shown) && #kept {
                s.serialize_field(#out, #value)?;
            } else {
                s.skip_field(#out)?;
            }
        });
    }
    for append in &def.appends {
        count += 1;
        let method = format_ident!("{}", append);
        let out = output_name(def, append, None);
        let hidden = def.visible.as_ref().is_some_and(|v| !v.contains(append));
        steps.push(quote! {
            if view.shows(#append, #hidden) {
                s.serialize_field(#out, &self.#method())?;
            } else {
                s.skip_field(#out)?;
            }
        });
    }
    for r in &def.relations {
        let field = &r.field;
        let relation = &r.name;
        let out = output_name(def, relation, None);
        count += 1;
        steps.push(quote! {
            if self.#field.is_loaded() && view.shows(#relation, false) {
                s.serialize_field(#out, &self.#field)?;
            } else {
                s.skip_field(#out)?;
            }
        });
        if matches!(r.kind, RelationKind::HasMany | RelationKind::BelongsToMany | RelationKind::HasManyThrough) {
            count += 1;
            let count_name = format!("{relation}_count");
            let out = output_name(def, &count_name, None);
            steps.push(quote! {
                match self.#field.count() {
                    ::core::option::Option::Some(count) if view.shows(#count_name, false) => s.serialize_field(#out, &count)?,
                    _ => s.skip_field(#out)?,
                }
            });
        }
    }
    let method = quote! {
        #[allow(unused_variables, clippy::nonminimal_bool, clippy::overly_complex_bool_expr)]
        fn serialize_view<S: ::bunary_orm::__private::serde::Serializer>(
            &self,
            serializer: S,
            view: &::bunary_orm::model::View<'_>,
        ) -> ::core::result::Result<S::Ok, S::Error> {
            use ::bunary_orm::__private::serde::ser::SerializeStruct;
            let mut s = serializer.serialize_struct(#name_str, #count)?;
            // A column a column-limited load left out is not in the JSON.
            let absent = self.#state.absent_columns();
            let plain = view.is_default() && absent.is_empty();
            #(#steps)*
            s.end()
        }
    };
    let serialize = quote! {
        impl ::bunary_orm::__private::serde::Serialize for #name {
            fn serialize<S: ::bunary_orm::__private::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                ::bunary_orm::Entity::serialize_view(self, serializer, &::bunary_orm::model::View::DEFAULT)
            }
        }
    };
    (method, serialize)
}

/// `pub struct UserColumns { pub id: &'static str, … }` and `User::columns()`.
pub fn columns(def: &ModelDef) -> TokenStream {
    let name = &def.name;
    let vis = &def.vis;
    let ty = format_ident!("{}Columns", name);
    let fields: Vec<_> = def.columns.iter().map(|c| &c.field).collect();
    let columns: Vec<&str> = def.columns.iter().map(|c| c.column.as_str()).collect();
    let doc = format!(
        "The column names of [`{name}`], one field each (`{name}::columns().{}`): a typo is a compile error. Every builder method that takes a column takes them.",
        fields.first().map(|f| f.to_string()).unwrap_or_default()
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(non_snake_case)]
        #vis struct #ty {
            #(#[doc = #columns] pub #fields: &'static str,)*
        }

        impl #name {
            /// The model's column names, checked by the compiler: `User::columns().email`.
            #[allow(dead_code)]
            #vis const fn columns() -> #ty {
                #ty { #(#fields: #columns,)* }
            }
        }
    }
}
