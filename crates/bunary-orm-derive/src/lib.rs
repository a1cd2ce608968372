//! `#[derive(Model)]` for bunary-orm. See `bunary_orm::Entity` for what it gives a struct and
//! `bunary_orm::model` for the attributes. Parsing (`attrs.rs`) and expansion (`expand.rs`)
//! are plain functions over `syn` types, unit-tested without a compiler run.
#![forbid(unsafe_code)]

mod attrs;
mod expand;
mod relation_attrs;
mod relations;
mod serde_attrs;
mod serialize;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Implements `bunary_orm::Entity`, `bunary_orm::FromRow` and `serde::Serialize` (hidden
/// fields left out) for a struct with named fields.
///
/// Struct attributes, in `#[orm(...)]`: `table = "users"` (required), `primary_key = "id"`,
/// `key = "auto" | "uuid" | "manual"` (default: from the key field's type), `timestamps = false`
/// or `timestamps(created_at = "…", updated_at = "…")` (default: on when the struct has
/// `created_at` and `updated_at` fields), `soft_deletes` or `soft_deletes = "deleted_at"`,
/// `fillable("a", "b")`, `guarded("c")`, `hidden("d")`.
///
/// `visible("id", "name")` (only these are serialised), `appends("full_name")` (serialise what
/// `self.full_name()` returns), `observed_by(Audit)`, `global_scopes(name = "path")`,
/// `strict_fill`, `keep_original` (loaded models keep their values for `get_original`),
/// `morph_name = "…"`.
///
/// Field attributes: `#[orm(hidden)]`, `#[orm(column = "name")]`, `#[orm(skip)]` (not a
/// column; `Default::default()` on load). One field must have type `ModelState`.
///
/// Serialisation honours serde's field attributes `rename`, `skip`, `skip_serializing`,
/// `skip_serializing_if`, `serialize_with` and `with`, and `rename_all` on the struct.
///
/// Also emits `<Name>Columns` and `<Name>::columns()`: the column names as fields, so that
/// `User::columns().email` is checked by the compiler.
#[proc_macro_derive(Model, attributes(orm, serde))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match attrs::ModelDef::parse(&input).and_then(|def| expand::expand(&def)) {
        Ok(tokens) => tokens.into(),
        Err(err) => err.to_compile_error().into(),
    }
}

/// Implements `bunary_orm::MorphTarget` and `serde::Serialize` (the model, untagged) for an
/// enum with one single-model variant per model a `morph_to` relation may point at:
/// `#[derive(MorphTarget)] enum Commentable { Post(Post), Video(Video) }`.
#[proc_macro_derive(MorphTarget)]
pub fn derive_morph_target(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match relations::morph_target(&input) {
        Ok(tokens) => tokens.into(),
        Err(err) => err.to_compile_error().into(),
    }
}
