//! The `#[serde(...)]` attributes the model's `Serialize` honours: on fields `rename`, `skip`,
//! `skip_serializing`, `skip_serializing_if`, `serialize_with` and `with`; on the struct
//! `rename_all`. Others (`default`, `deserialize_with`, …) belong to a `Deserialize` derive and
//! are left alone.

use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, ExprLit, Lit, Meta, Token};

/// What `#[serde(...)]` says of one field's serialisation.
#[derive(Default)]
pub struct SerdeField {
    pub rename: Option<String>,
    pub skip: bool,
    pub skip_if: Option<syn::Path>,
    pub serialize_with: Option<syn::Path>,
}

fn string_of(expr: &Expr) -> syn::Result<String> {
    match expr {
        Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => Ok(s.value()),
        other => Err(syn::Error::new_spanned(other, "expected a string literal")),
    }
}

fn metas(attrs: &[Attribute]) -> syn::Result<Vec<Meta>> {
    let mut out = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        out.extend(attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)?);
    }
    Ok(out)
}

/// The serialisation options of a field.
pub fn field(attrs: &[Attribute]) -> syn::Result<SerdeField> {
    let mut out = SerdeField::default();
    for meta in metas(attrs)? {
        match &meta {
            Meta::Path(p) if p.is_ident("skip") || p.is_ident("skip_serializing") => out.skip = true,
            Meta::NameValue(nv) if nv.path.is_ident("rename") => out.rename = Some(string_of(&nv.value)?),
            // `rename(serialize = "…", deserialize = "…")`: the serialize name.
            Meta::List(list) if list.path.is_ident("rename") => {
                let inner = list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)?;
                for m in inner {
                    if let Meta::NameValue(nv) = m {
                        if nv.path.is_ident("serialize") {
                            out.rename = Some(string_of(&nv.value)?);
                        }
                    }
                }
            }
            Meta::NameValue(nv) if nv.path.is_ident("skip_serializing_if") => {
                out.skip_if = Some(syn::parse_str(&string_of(&nv.value)?)?);
            }
            Meta::NameValue(nv) if nv.path.is_ident("serialize_with") => {
                out.serialize_with = Some(syn::parse_str(&string_of(&nv.value)?)?);
            }
            Meta::NameValue(nv) if nv.path.is_ident("with") => {
                let module: syn::Path = syn::parse_str(&string_of(&nv.value)?)?;
                out.serialize_with = Some(syn::parse_quote!(#module::serialize));
            }
            _ => {}
        }
    }
    Ok(out)
}

/// The struct's `rename_all`, checked.
pub fn rename_all(attrs: &[Attribute]) -> syn::Result<Option<String>> {
    for meta in metas(attrs)? {
        if let Meta::NameValue(nv) = &meta {
            if nv.path.is_ident("rename_all") {
                let rule = string_of(&nv.value)?;
                if apply("a_b", &rule).is_none() {
                    return Err(syn::Error::new_spanned(
                        &nv.value,
                        "rename_all is one of lowercase, UPPERCASE, PascalCase, camelCase, snake_case, SCREAMING_SNAKE_CASE, kebab-case, SCREAMING-KEBAB-CASE",
                    ));
                }
                return Ok(Some(rule));
            }
        }
    }
    Ok(None)
}

/// `name` (snake case) under a serde `rename_all` rule.
pub fn apply(name: &str, rule: &str) -> Option<String> {
    let words: Vec<&str> = name.split('_').filter(|w| !w.is_empty()).collect();
    let capital = |w: &str| {
        let mut c = w.chars();
        c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
    };
    Some(match rule {
        "lowercase" => name.to_lowercase(),
        "UPPERCASE" => name.to_uppercase(),
        "snake_case" => name.to_owned(),
        "SCREAMING_SNAKE_CASE" => name.to_uppercase(),
        "kebab-case" => name.replace('_', "-"),
        "SCREAMING-KEBAB-CASE" => name.replace('_', "-").to_uppercase(),
        "PascalCase" => words.iter().map(|w| capital(w)).collect(),
        "camelCase" => {
            let pascal: String = words.iter().map(|w| capital(w)).collect();
            let mut c = pascal.chars();
            c.next().map(|f| f.to_ascii_lowercase().to_string() + c.as_str()).unwrap_or_default()
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rename_all_rules() {
        assert_eq!(apply("created_at", "camelCase").as_deref(), Some("createdAt"));
        assert_eq!(apply("created_at", "PascalCase").as_deref(), Some("CreatedAt"));
        assert_eq!(apply("created_at", "kebab-case").as_deref(), Some("created-at"));
        assert_eq!(apply("created_at", "SCREAMING_SNAKE_CASE").as_deref(), Some("CREATED_AT"));
        assert_eq!(apply("id", "camelCase").as_deref(), Some("id"));
        assert!(apply("id", "Title Case").is_none());
    }

    #[test]
    fn field_options_are_read_and_others_ignored() {
        let f: syn::Field = syn::parse_quote! {
            #[serde(rename = "mail", default, skip_serializing_if = "Option::is_none")]
            #[serde(with = "my::dates")]
            pub email: Option<String>
        };
        let s = field(&f.attrs).unwrap();
        assert_eq!(s.rename.as_deref(), Some("mail"));
        assert!(!s.skip);
        assert!(s.skip_if.is_some());
        let with = s.serialize_with.unwrap();
        assert_eq!(quote::quote!(#with).to_string(), "my :: dates :: serialize");
    }
}
