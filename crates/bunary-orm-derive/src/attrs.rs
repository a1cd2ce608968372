//! Reading `#[orm(...)]` attributes into a [`ModelDef`].

use proc_macro2::Span;
use syn::{Data, DeriveInput, Fields, GenericArgument, Ident, LitStr, PathArguments, Type};

/// How the key is generated (mirrors `bunary_orm::KeyKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    AutoIncrement,
    Uuid,
    Manual,
}

/// One persisted field.
pub struct Column {
    pub field: Ident,
    pub ty: Type,
    pub column: String,
    pub hidden: bool,
    /// What `#[serde(...)]` says of its serialisation.
    pub serde: crate::serde_attrs::SerdeField,
}

/// The kind of a relation field (mirrors `bunary_orm::model::relations::RelationKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationKind {
    HasMany,
    HasOne,
    BelongsTo,
    BelongsToMany,
    HasManyThrough,
    HasOneThrough,
    MorphTo,
}

/// A relation field: `posts: HasMany<Post>`.
pub struct Relation {
    pub field: Ident,
    pub name: String,
    pub kind: RelationKind,
    /// The related model type.
    pub related: Type,
    pub foreign_key: Option<String>,
    /// `local_key` (has-many, has-one, many-to-many) or `owner_key` (belongs-to).
    pub local_key: Option<String>,
    /// The related type's name in snake case (`Tag` → `tag`).
    pub related_snake: String,
    /// Many-to-many: `table = "…"` (the pivot).
    pub pivot_table: Option<String>,
    /// Many-to-many: `related_pivot_key = "…"`.
    pub related_pivot_key: Option<String>,
    /// Many-to-many: `related_key = "…"`.
    pub related_key: Option<String>,
    /// `with_default` (belongs-to, has-one): a missing related row loads as `Default::default()`.
    pub with_default: bool,
    /// `through = "User"` (has-many, has-one): the intermediate model.
    pub through: Option<Type>,
    /// The intermediate model's name in snake case.
    pub through_snake: String,
    /// Many-to-many: `pivot("role", …)`.
    pub pivot_columns: Vec<String>,
    /// Many-to-many: `pivot_timestamps`.
    pub pivot_timestamps: bool,
    /// Belongs-to: `touches`, saving this model updates the parent's `updated_at`.
    pub touches: bool,
    /// Polymorphic has-many / has-one: `morph = "commentable"`.
    pub morph: Option<String>,
}

/// Everything the expansion needs.
pub struct ModelDef {
    pub name: Ident,
    pub table: String,
    pub primary_key: String,
    pub key: KeyKind,
    pub columns: Vec<Column>,
    /// Fields that are not columns (filled with `Default::default()` on load).
    pub skipped: Vec<Ident>,
    pub state: Ident,
    pub timestamps: Option<(String, String)>,
    pub soft_deletes: Option<String>,
    pub fillable: Option<Vec<String>>,
    pub guarded: Vec<String>,
    pub relations: Vec<Relation>,
    /// The struct's name in snake case (`BlogPost` → `blog_post`), for relation key conventions.
    pub snake_name: String,
    /// `morph_name = "…"`: the model's name in polymorphic type columns (default `snake_name`).
    pub morph_name: String,
    /// `global_scopes(active = "Self::active", …)`: each scope's name and the function (a
    /// path) that adds its conditions to the query builder.
    pub global_scopes: Vec<(String, syn::Expr)>,
    /// `strict_fill`: `fill` refuses a column it may not set instead of passing it over.
    pub strict_fill: bool,
    /// `keep_original`: loaded models keep their values, not only hashes of them.
    pub keep_original: bool,
    /// `observed_by(Audit, …)`: observer types (each `Default`) registered on first use.
    pub observed_by: Vec<syn::Path>,
    /// `visible("id", "name")`: only these are serialised (Eloquent's `$visible`).
    pub visible: Option<Vec<String>>,
    /// `appends("full_name")`: methods whose values are serialised under their names.
    pub appends: Vec<String>,
    /// `#[serde(rename_all = "…")]` on the struct.
    pub rename_all: Option<String>,
    /// The struct's visibility, given to its column-name struct.
    pub vis: syn::Visibility,
}

/// `BlogPost` → `blog_post`.
pub fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The relation kind a field's type names, and the related model: `HasMany<Post>`.
fn relation_of(ty: &Type) -> Option<(RelationKind, Type)> {
    let seg = last_segment(ty)?;
    let kind = match seg.ident.to_string().as_str() {
        "HasMany" => RelationKind::HasMany,
        "HasOne" => RelationKind::HasOne,
        "BelongsTo" => RelationKind::BelongsTo,
        "BelongsToMany" => RelationKind::BelongsToMany,
        "MorphTo" => RelationKind::MorphTo,
        _ => return None,
    };
    match &seg.arguments {
        PathArguments::AngleBracketed(args) => match args.args.first() {
            Some(GenericArgument::Type(inner)) => Some((kind, inner.clone())),
            _ => None,
        },
        _ => None,
    }
}

pub(crate) fn error(span: Span, message: impl std::fmt::Display) -> syn::Error {
    syn::Error::new(span, message)
}

/// The same rule as `bunary_orm::ident`: 1–64 ASCII letters, digits and `_`, no leading digit.
pub(crate) fn check_ident(name: &str, span: Span, what: &str) -> syn::Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(error(
            span,
            format!("`{name}` is not a valid {what} name (ASCII letters, digits and `_`, not starting with a digit)"),
        ))
    }
}

/// A table name, optionally schema-qualified (`billing.invoices`), each part an identifier.
pub(crate) fn check_table(name: &str, span: Span) -> syn::Result<()> {
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() > 2 {
        return Err(error(span, format!("`{name}` is not a valid table name (`table` or `schema.table`)")));
    }
    parts.iter().try_for_each(|part| check_ident(part, span, "table").map_err(|_| {
        error(span, format!("`{name}` is not a valid table name (`table` or `schema.table`, each ASCII letters, digits and `_`, not starting with a digit)"))
    }))
}

pub(crate) fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) => p.path.segments.last(),
        _ => None,
    }
}

/// `Option<T>` → `T`; anything else unchanged.
fn unwrap_option(ty: &Type) -> &Type {
    if let Some(seg) = last_segment(ty) {
        if seg.ident == "Option" {
            if let PathArguments::AngleBracketed(args) = &seg.arguments {
                if let Some(GenericArgument::Type(inner)) = args.args.first() {
                    return inner;
                }
            }
        }
    }
    ty
}

fn key_kind_of(ty: &Type) -> KeyKind {
    match last_segment(unwrap_option(ty)).map(|s| s.ident.to_string()).as_deref() {
        Some("i64" | "i32" | "i16" | "u32" | "u64" | "isize" | "usize") => KeyKind::AutoIncrement,
        Some("Uuid" | "String") => KeyKind::Uuid,
        _ => KeyKind::Manual,
    }
}

pub(crate) fn string_list(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<Vec<String>> {
    let content;
    syn::parenthesized!(content in meta.input);
    let list = content.parse_terminated(|p| p.parse::<LitStr>(), syn::Token![,])?;
    Ok(list.iter().map(LitStr::value).collect())
}

impl ModelDef {
    pub fn parse(input: &DeriveInput) -> syn::Result<Self> {
        let name = input.ident.clone();
        let fields = match &input.data {
            Data::Struct(s) => match &s.fields {
                Fields::Named(f) => &f.named,
                _ => return Err(error(name.span(), "#[derive(Model)] needs a struct with named fields")),
            },
            _ => return Err(error(name.span(), "#[derive(Model)] works on structs only")),
        };
        if !input.generics.params.is_empty() {
            return Err(error(name.span(), "#[derive(Model)] does not support generic structs"));
        }

        let mut table: Option<String> = None;
        let mut primary_key = "id".to_owned();
        let mut key: Option<KeyKind> = None;
        let mut timestamps: Option<Option<(String, String)>> = None; // None: detect
        let mut soft_deletes: Option<String> = None;
        let mut fillable: Option<Vec<String>> = None;
        let mut guarded: Option<Vec<String>> = None;
        let mut hidden_names: Vec<String> = Vec::new();
        let mut morph_name: Option<String> = None;
        let mut global_scopes: Vec<(String, syn::Expr)> = Vec::new();
        let mut strict_fill = false;
        let mut keep_original = false;
        let mut observed_by: Vec<syn::Path> = Vec::new();
        let mut visible: Option<Vec<String>> = None;
        let mut appends: Vec<String> = Vec::new();

        for attr in input.attrs.iter().filter(|a| a.path().is_ident("orm")) {
            attr.parse_nested_meta(|meta| {
                let path = meta.path.get_ident().map(Ident::to_string).unwrap_or_default();
                match path.as_str() {
                    "table" => {
                        let lit: LitStr = meta.value()?.parse()?;
                        check_table(&lit.value(), lit.span())?;
                        table = Some(lit.value());
                    }
                    "primary_key" => {
                        let lit: LitStr = meta.value()?.parse()?;
                        check_ident(&lit.value(), lit.span(), "column")?;
                        primary_key = lit.value();
                    }
                    "key" => {
                        let lit: LitStr = meta.value()?.parse()?;
                        key = Some(match lit.value().as_str() {
                            "auto" | "increments" => KeyKind::AutoIncrement,
                            "uuid" => KeyKind::Uuid,
                            "manual" => KeyKind::Manual,
                            other => {
                                return Err(error(
                                    lit.span(),
                                    format!("unknown key kind `{other}`: use \"auto\", \"uuid\" or \"manual\""),
                                ))
                            }
                        });
                    }
                    "timestamps" => {
                        if meta.input.peek(syn::Token![=]) {
                            let on: syn::LitBool = meta.value()?.parse()?;
                            timestamps = Some(on.value.then(|| ("created_at".to_owned(), "updated_at".to_owned())));
                        } else if meta.input.peek(syn::token::Paren) {
                            let (mut created, mut updated) = ("created_at".to_owned(), "updated_at".to_owned());
                            meta.parse_nested_meta(|inner| {
                                let lit: LitStr = inner.value()?.parse()?;
                                check_ident(&lit.value(), lit.span(), "column")?;
                                if inner.path.is_ident("created_at") {
                                    created = lit.value();
                                } else if inner.path.is_ident("updated_at") {
                                    updated = lit.value();
                                } else {
                                    return Err(inner.error("expected created_at = \"…\" or updated_at = \"…\""));
                                }
                                Ok(())
                            })?;
                            timestamps = Some(Some((created, updated)));
                        } else {
                            timestamps = Some(Some(("created_at".to_owned(), "updated_at".to_owned())));
                        }
                    }
                    "strict_fill" => strict_fill = true,
                    "keep_original" => keep_original = true,
                    "soft_deletes" => {
                        if meta.input.peek(syn::Token![=]) {
                            let lit: LitStr = meta.value()?.parse()?;
                            check_ident(&lit.value(), lit.span(), "column")?;
                            soft_deletes = Some(lit.value());
                        } else {
                            soft_deletes = Some("deleted_at".to_owned());
                        }
                    }
                    "fillable" => fillable = Some(string_list(&meta)?),
                    "guarded" => guarded = Some(string_list(&meta)?),
                    "hidden" => hidden_names.extend(string_list(&meta)?),
                    "morph_name" => {
                        let lit: LitStr = meta.value()?.parse()?;
                        check_ident(&lit.value(), lit.span(), "morph")?;
                        morph_name = Some(lit.value());
                    }
                    "global_scopes" => meta.parse_nested_meta(|scope| {
                        let name = scope
                            .path
                            .get_ident()
                            .map(Ident::to_string)
                            .ok_or_else(|| scope.error("a global scope is `name = \"path::to::function\"`"))?;
                        if name == "soft_deletes" || global_scopes.iter().any(|(n, _)| *n == name) {
                            return Err(scope.error(format!("the global scope name `{name}` is taken")));
                        }
                        let lit: LitStr = scope.value()?.parse()?;
                        let path: syn::Expr = lit.parse().map_err(|_| {
                            syn::Error::new(lit.span(), "a global scope is a function (`Self::active`), a closure (`|q| q.where_(\"active\", true)`) or a unit struct implementing `bunary_orm::model::Scope`")
                        })?;
                        if global_scopes.len() == 32 {
                            return Err(scope.error("a model has at most 32 global scopes"));
                        }
                        global_scopes.push((name, path));
                        Ok(())
                    })?,
                    "visible" => visible.get_or_insert_with(Vec::new).extend(string_list(&meta)?),
                    "appends" => {
                        for append in string_list(&meta)? {
                            check_ident(
                                &append,
                                meta.path.get_ident().map_or_else(Span::call_site, Ident::span),
                                "method",
                            )?;
                            appends.push(append);
                        }
                    }
                    "observed_by" => meta.parse_nested_meta(|observer| {
                        if !observer.input.is_empty() && !observer.input.peek(syn::Token![,]) {
                            return Err(
                                observer.error("`observed_by` lists observer types: `observed_by(Audit, Slugs)`")
                            );
                        }
                        observed_by.push(observer.path);
                        Ok(())
                    })?,
                    _ => return Err(meta.error(format!("unknown #[orm] attribute `{path}`"))),
                }
                Ok(())
            })?;
        }

        let table = table.ok_or_else(|| {
            error(name.span(), format!("#[derive(Model)] needs the table name: add #[orm(table = \"…\")] to `{name}`"))
        })?;

        let mut columns = Vec::new();
        let mut skipped = Vec::new();
        let mut relations = Vec::new();
        let mut state = None;
        for field in fields {
            let ident = field.ident.clone().expect("named fields");
            if last_segment(&field.ty).is_some_and(|s| s.ident == "ModelState") {
                state = Some(ident);
                continue;
            }
            if let Some((kind, related)) = relation_of(&field.ty) {
                relations.push(crate::relation_attrs::relation(field, &ident, kind, related)?);
                continue;
            }
            let mut column = ident.to_string().trim_start_matches("r#").to_owned();
            let mut hidden = false;
            let mut skip = false;
            for attr in field.attrs.iter().filter(|a| a.path().is_ident("orm")) {
                attr.parse_nested_meta(|meta| {
                    if meta.path.is_ident("hidden") {
                        hidden = true;
                    } else if meta.path.is_ident("skip") {
                        skip = true;
                    } else if meta.path.is_ident("column") {
                        let lit: LitStr = meta.value()?.parse()?;
                        check_ident(&lit.value(), lit.span(), "column")?;
                        column = lit.value();
                    } else {
                        return Err(meta.error("expected `hidden`, `skip` or `column = \"…\"`"));
                    }
                    Ok(())
                })?;
            }
            if skip {
                skipped.push(ident);
                continue;
            }
            check_ident(&column, ident.span(), "column")?;
            hidden |= hidden_names.contains(&column);
            let serde = crate::serde_attrs::field(&field.attrs)?;
            columns.push(Column { field: ident, ty: field.ty.clone(), column, hidden, serde });
        }
        let state = state.ok_or_else(|| {
            error(
                name.span(),
                format!("`{name}` needs a field of type `bunary_orm::ModelState` (for example `state: ModelState`): it records whether the model is saved and what changed"),
            )
        })?;
        let known = |n: &String| {
            columns.iter().any(|c| &c.column == n)
                || appends.contains(n)
                || relations.iter().any(|r: &Relation| &r.name == n)
        };
        if let Some(unknown) = visible.iter().flatten().find(|v| !known(v)) {
            return Err(error(
                name.span(),
                format!("visible(\"{unknown}\") names no column, appended value or relation of `{name}`"),
            ));
        }
        if let Some(unknown) = hidden_names.iter().find(|h| !columns.iter().any(|c| &c.column == *h)) {
            return Err(error(name.span(), format!("hidden(\"{unknown}\") names no column of `{name}`")));
        }
        let has = |col: &str| columns.iter().any(|c| c.column == col);
        let key_column = columns.iter().find(|c| c.column == primary_key).ok_or_else(|| {
            error(name.span(), format!("`{name}` has no field for its primary key `{primary_key}`: add one, or set #[orm(primary_key = \"…\")]"))
        })?;
        let key = key.unwrap_or_else(|| key_kind_of(&key_column.ty));

        let timestamps = match timestamps {
            None => {
                (has("created_at") && has("updated_at")).then(|| ("created_at".to_owned(), "updated_at".to_owned()))
            }
            Some(Some((created, updated))) => {
                for col in [&created, &updated] {
                    if !has(col) {
                        return Err(error(
                            name.span(),
                            format!("timestamps need a `{col}` field on `{name}` (or #[orm(timestamps = false)])"),
                        ));
                    }
                }
                Some((created, updated))
            }
            Some(None) => None,
        };
        if let Some(col) = &soft_deletes {
            if !has(col) {
                return Err(error(
                    name.span(),
                    format!("soft_deletes needs a `{col}` field on `{name}` (an Option of a date-time type)"),
                ));
            }
        }
        // `guarded("*")`: nothing is mass assignable (fill is then an error).
        let totally_guarded = matches!(guarded.as_deref(), Some([only]) if only == "*");
        for list in fillable.iter().chain(guarded.iter().filter(|_| !totally_guarded)) {
            if let Some(unknown) = list.iter().find(|c| !has(c)) {
                return Err(error(name.span(), format!("`{unknown}` in fillable/guarded names no column of `{name}`")));
            }
        }
        let guarded = guarded.unwrap_or_else(|| {
            let mut g = vec![primary_key.clone()];
            if let Some((c, u)) = &timestamps {
                g.push(c.clone());
                g.push(u.clone());
            }
            g.extend(soft_deletes.clone());
            g
        });
        let snake_name = snake_case(&name.to_string());
        let morph_name = morph_name.unwrap_or_else(|| snake_name.clone());
        Ok(ModelDef {
            morph_name,
            global_scopes,
            strict_fill,
            keep_original,
            observed_by,
            visible,
            appends,
            rename_all: crate::serde_attrs::rename_all(&input.attrs)?,
            vis: input.vis.clone(),
            relations,
            snake_name,
            name,
            table,
            primary_key,
            key,
            columns,
            skipped,
            state,
            timestamps,
            soft_deletes,
            fillable,
            guarded,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn parse(input: DeriveInput) -> syn::Result<ModelDef> {
        ModelDef::parse(&input)
    }

    #[test]
    fn reads_the_defaults() {
        let def = parse(parse_quote! {
            #[orm(table = "users")]
            struct User { id: i64, name: String, created_at: Option<DateTime<Utc>>, updated_at: Option<DateTime<Utc>>, state: ModelState }
        })
        .unwrap();
        assert_eq!(def.table, "users");
        assert_eq!(def.primary_key, "id");
        assert_eq!(def.key, KeyKind::AutoIncrement);
        assert_eq!(def.timestamps, Some(("created_at".into(), "updated_at".into())));
        assert_eq!(def.guarded, ["id", "created_at", "updated_at"]);
        assert_eq!(def.columns.len(), 4);
    }

    #[test]
    fn uuid_keys_are_inferred_and_options_read() {
        let def = parse(parse_quote! {
            #[orm(table = "posts", primary_key = "uuid", timestamps = false, soft_deletes, fillable("title"), hidden("secret"))]
            struct Post { uuid: Uuid, title: String, secret: String, #[orm(column = "body_text")] body: String,
                          #[orm(skip)] cache: u8, deleted_at: Option<NaiveDateTime>, created_at: Option<NaiveDateTime>, s: ModelState }
        })
        .unwrap();
        assert_eq!(def.key, KeyKind::Uuid);
        assert_eq!(def.timestamps, None);
        assert_eq!(def.soft_deletes.as_deref(), Some("deleted_at"));
        assert_eq!(def.fillable, Some(vec!["title".to_owned()]));
        assert!(def.columns.iter().find(|c| c.column == "secret").unwrap().hidden);
        assert!(def.columns.iter().any(|c| c.column == "body_text"));
        assert_eq!(def.skipped.len(), 1);
    }

    #[test]
    fn relation_fields_are_read_and_are_not_columns() {
        let def = parse(parse_quote! {
            #[orm(table = "blog_posts")]
            struct BlogPost {
                id: i64,
                user_id: i64,
                comments: HasMany<Comment>,
                #[orm(foreign_key = "user_id", owner_key = "uuid")]
                author: BelongsTo<User>,
                cover: bunary_orm::HasOne<Image>,
                state: ModelState,
            }
        })
        .unwrap();
        assert_eq!(def.snake_name, "blog_post");
        assert_eq!(def.columns.len(), 2, "relations are not columns");
        let kinds: Vec<_> = def.relations.iter().map(|r| (r.name.as_str(), r.kind)).collect();
        assert_eq!(
            kinds,
            [("comments", RelationKind::HasMany), ("author", RelationKind::BelongsTo), ("cover", RelationKind::HasOne)]
        );
        assert_eq!(def.relations[1].foreign_key.as_deref(), Some("user_id"));
        assert_eq!(def.relations[1].local_key.as_deref(), Some("uuid"));
        let bad = parse(parse_quote! {
            #[orm(table = "t")]
            struct T { id: i64, #[orm(foreign_key = "a b")] x: HasMany<U>, state: ModelState }
        });
        assert!(bad.err().unwrap().to_string().contains("not a valid column name"));
        assert_eq!(snake_case("User"), "user");
        assert_eq!(snake_case("HTTPLog"), "h_t_t_p_log");
    }

    #[test]
    fn clear_errors() {
        let cases: Vec<(DeriveInput, &str)> = vec![
            (parse_quote! { struct User { id: i64, state: ModelState } }, "needs the table name"),
            (parse_quote! { #[orm(table = "users")] struct User { id: i64 } }, "ModelState"),
            (parse_quote! { #[orm(table = "users")] struct User { name: String, state: ModelState } }, "primary key"),
            (
                parse_quote! { #[orm(table = "users; DROP")] struct User { id: i64, state: ModelState } },
                "not a valid table name",
            ),
            (
                parse_quote! { #[orm(table = "users", soft_deletes)] struct User { id: i64, state: ModelState } },
                "soft_deletes needs",
            ),
            (
                parse_quote! { #[orm(table = "users", timestamps)] struct User { id: i64, state: ModelState } },
                "timestamps need",
            ),
            (
                parse_quote! { #[orm(table = "users", fillable("nope"))] struct User { id: i64, state: ModelState } },
                "names no column",
            ),
            (
                parse_quote! { #[orm(table = "users", key = "random")] struct User { id: i64, state: ModelState } },
                "unknown key kind",
            ),
            (parse_quote! { #[orm(table = "users")] enum User { A } }, "structs only"),
        ];
        for (input, expected) in cases {
            let message = parse(input).err().expect("an error").to_string();
            assert!(message.contains(expected), "{message:?} should mention {expected:?}");
        }
    }
}
