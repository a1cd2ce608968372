//! Reading a relation field's `#[orm(...)]` (`foreign_key`, `local_key`, `through`, `pivot`,
//! `morph`, …) into a [`Relation`].

use syn::{Ident, LitStr, Type};

use crate::attrs::{check_ident, check_table, last_segment, snake_case, string_list, Relation, RelationKind};

/// The relation a field declares: `posts: HasMany<Post>` with its attributes.
pub fn relation(field: &syn::Field, ident: &Ident, kind: RelationKind, related: Type) -> syn::Result<Relation> {
    let (mut foreign_key, mut local_key) = (None, None);
    let (mut pivot_table, mut related_pivot_key, mut related_key) = (None, None, None);
    let mut with_default = false;
    let mut through: Option<Type> = None;
    let (mut pivot_columns, mut pivot_timestamps) = (Vec::new(), false);
    let mut touches = false;
    let mut morph = None;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("orm")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("morph") {
                if !matches!(kind, RelationKind::HasMany | RelationKind::HasOne | RelationKind::MorphTo) {
                    return Err(meta.error("morph is for a HasMany, HasOne or MorphTo relation"));
                }
                let lit: LitStr = meta.value()?.parse()?;
                check_ident(&lit.value(), lit.span(), "column")?;
                morph = Some(lit.value());
                return Ok(());
            }
            if meta.path.is_ident("touches") {
                if kind != RelationKind::BelongsTo {
                    return Err(meta.error("touches is for a BelongsTo relation"));
                }
                touches = true;
                return Ok(());
            }
            let many = kind == RelationKind::BelongsToMany;
            if many && meta.path.is_ident("pivot_timestamps") {
                pivot_timestamps = true;
                return Ok(());
            }
            if many && meta.path.is_ident("pivot") {
                for column in string_list(&meta)? {
                    check_ident(&column, syn::spanned::Spanned::span(&meta.path), "column")?;
                    pivot_columns.push(column);
                }
                return Ok(());
            }
            if meta.path.is_ident("through") {
                if !matches!(kind, RelationKind::HasMany | RelationKind::HasOne) {
                    return Err(meta.error("through is for a HasMany or HasOne relation"));
                }
                let lit: LitStr = meta.value()?.parse()?;
                through = Some(lit.parse::<Type>()?);
                return Ok(());
            }
            let through_key = through.is_some()
                && (meta.path.is_ident("first_key")
                    || meta.path.is_ident("second_key")
                    || meta.path.is_ident("second_local_key"));
            if through_key {
                let lit: LitStr = meta.value()?.parse()?;
                check_ident(&lit.value(), lit.span(), "column")?;
                if meta.path.is_ident("first_key") {
                    foreign_key = Some(lit.value());
                } else if meta.path.is_ident("second_key") {
                    related_pivot_key = Some(lit.value());
                } else {
                    related_key = Some(lit.value());
                }
                return Ok(());
            }
            if meta.path.is_ident("with_default") {
                if matches!(kind, RelationKind::HasMany | RelationKind::BelongsToMany) {
                    return Err(meta.error("with_default is for a BelongsTo or HasOne relation"));
                }
                with_default = true;
                return Ok(());
            }
            let lit: LitStr = meta.value()?.parse()?;
            let many = kind == RelationKind::BelongsToMany;
            if meta.path.is_ident("table") {
                check_table(&lit.value(), lit.span())?;
            } else {
                check_ident(&lit.value(), lit.span(), "column")?;
            }
            if meta.path.is_ident("foreign_key") || (many && meta.path.is_ident("foreign_pivot_key")) {
                foreign_key = Some(lit.value());
            } else if meta.path.is_ident("local_key")
                || meta.path.is_ident("owner_key")
                || (many && meta.path.is_ident("parent_key"))
            {
                local_key = Some(lit.value());
            } else if many && meta.path.is_ident("table") {
                pivot_table = Some(lit.value());
            } else if many && meta.path.is_ident("related_pivot_key") {
                related_pivot_key = Some(lit.value());
            } else if many && meta.path.is_ident("related_key") {
                related_key = Some(lit.value());
            } else {
                return Err(meta.error(
                    "a relation field takes `foreign_key = \"…\"` and `local_key = \"…\"` (`owner_key` on a BelongsTo; `table`, `foreign_pivot_key`, `related_pivot_key`, `parent_key`, `related_key` on a BelongsToMany)",
                ));
            }
            Ok(())
        })?;
    }
    let kind = match (kind, &through) {
        (RelationKind::HasMany, Some(_)) => RelationKind::HasManyThrough,
        (RelationKind::HasOne, Some(_)) => RelationKind::HasOneThrough,
        (kind, _) => kind,
    };
    let through_snake =
        through.as_ref().and_then(last_segment).map(|s| snake_case(&s.ident.to_string())).unwrap_or_default();
    let name = ident.to_string().trim_start_matches("r#").to_owned();
    let related_snake = last_segment(&related).map(|s| snake_case(&s.ident.to_string())).unwrap_or_default();
    Ok(Relation {
        field: ident.clone(),
        name,
        kind,
        related,
        foreign_key,
        local_key,
        related_snake,
        pivot_table,
        related_pivot_key,
        related_key,
        with_default,
        through,
        through_snake,
        pivot_columns,
        pivot_timestamps,
        touches,
        morph,
    })
}
