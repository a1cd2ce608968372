//! A relation as a query: `user.posts()` is a model query on `posts` constrained to the user's
//! rows, with the related model's scopes, and its creates and saves set the foreign key.

use crate::value::Value;

use super::super::partial::key_value;
use super::super::query::ModelQuery;
use super::super::Entity;
use super::eager::{belongs_keys, has_keys, morph_type};
use super::RelationDef;

/// The query of a has-many or has-one relation of `parent` (`user.posts()`): the related rows
/// whose foreign key is the parent's key (none for a parent without one), on the parent's
/// connection; models it creates or saves get the foreign key.
#[doc(hidden)]
pub fn has_many_query<P: Entity, C: Entity>(parent: &P, def: RelationDef) -> ModelQuery<C> {
    let query = C::query().on(parent.state().connection());
    let keys = has_keys::<P, C>(&def)
        .and_then(|(foreign, local)| Ok((foreign, key_value(parent, &local)?, morph_type::<P, C>(&def)?)));
    match keys {
        Ok((foreign, key, morph)) => {
            let query = query.where_(&foreign, key.clone()).where_not_null(&foreign).with_attribute(foreign, key);
            match morph {
                Some((column, name)) => query.where_(&column, name.clone()).with_attribute(column, name),
                None => query,
            }
        }
        Err(e) => query.failed(e),
    }
}

/// The query of a belongs-to relation of `child` (`post.author()`): the related row whose key
/// is the child's foreign key (none when it is null).
#[doc(hidden)]
pub fn belongs_to_query<P: Entity, C: Entity>(child: &P, def: RelationDef) -> ModelQuery<C> {
    let query = C::query().on(child.state().connection());
    let keys = belongs_keys::<P, C>(&def).and_then(|(foreign, owner)| Ok((owner, key_value(child, &foreign)?)));
    match keys {
        Ok((owner, Value::Null)) => query.where_null(&owner).where_not_null(&owner),
        Ok((owner, key)) => query.where_(&owner, key),
        Err(e) => query.failed(e),
    }
}

/// Sets `child`'s foreign key of a belongs-to relation to `parent`'s key (Eloquent's
/// `associate`; the derive's `associate_<relation>` also sets the loaded relation).
///
/// # Errors
/// [`Error::InvalidRelation`](crate::Error::InvalidRelation); [`Error::Decode`](crate::Error::Decode)
/// when the key does not fit the foreign key's field.
#[doc(hidden)]
pub fn associate<P: Entity, C: Entity>(child: &mut P, def: RelationDef, parent: &C) -> crate::Result<()> {
    let (foreign, owner) = belongs_keys::<P, C>(&def)?;
    child.set_value(&foreign, key_value(parent, &owner)?)
}

/// Updates the `updated_at` of `child`'s parent through a belongs-to relation (Eloquent's
/// `touches`), when the parent keeps timestamps and the foreign key is set.
///
/// # Errors
/// [`Error::InvalidRelation`](crate::Error::InvalidRelation); the database's error.
#[doc(hidden)]
pub async fn touch_owner<P: Entity, C: Entity>(child: &P, def: RelationDef) -> crate::Result<()> {
    if C::TIMESTAMPS.is_none() {
        return Ok(());
    }
    let (foreign, owner) = belongs_keys::<P, C>(&def)?;
    let key = key_value(child, &foreign)?;
    if key.is_null() {
        return Ok(());
    }
    C::query().on(child.state().connection()).where_(&owner, key).update(crate::query::Record::new()).await.map(|_| ())
}

/// Clears `child`'s foreign key of a belongs-to relation (Eloquent's `dissociate`).
///
/// # Errors
/// [`Error::InvalidRelation`](crate::Error::InvalidRelation); [`Error::Decode`](crate::Error::Decode)
/// when the foreign key's field cannot be empty (not an `Option`).
#[doc(hidden)]
pub fn dissociate<P: Entity, C: Entity>(child: &mut P, def: RelationDef) -> crate::Result<()> {
    let (foreign, _) = belongs_keys::<P, C>(&def)?;
    child.set_value(&foreign, Value::Null)
}
