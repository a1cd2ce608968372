//! [`Model`]: the seed's entry point to the query builder, `Model::table("users")`.

use crate::query::Builder;

/// The dynamic model: queries on a table by name, returning [`Row`](crate::Row)s. It runs on
/// the global driver ([`set_orm_config`](crate::set_orm_config)); use
/// [`Db::table`](crate::Db::table) for an explicit handle.
///
/// # Examples
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use bunary_orm::{get_driver, record, set_orm_config, Model, OrmConfig};
///
/// set_orm_config(OrmConfig::sqlite(":memory:"));
/// get_driver().await?.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)", &[]).await?;
/// Model::table("users").insert(record! { "name" => "Ada" }).await?;
///
/// let user = Model::table("users").find(1).await?.expect("user 1");
/// assert_eq!(user.get::<String>("name")?, "Ada");
/// assert!(Model::table("users").find(999).await?.is_none());
/// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Model;

impl Model {
    /// A query on `table` (`"users"`, `"public.users"`, `"users as u"`). A bad name is
    /// [`Error::InvalidIdentifier`](crate::Error::InvalidIdentifier) when the query runs.
    pub fn table(table: &str) -> Builder {
        Builder::new(table)
    }
}
