//! Columns, joins, grouping, ordering and limits.

use crate::error::Error;
use crate::ident::ColumnRef;
use crate::value::Value;

use super::clause::{Direction, OrderBy, Raw, Selection};
use super::paginate::{Page, PerPage};
use super::{Builder, IntoColumns};

/// The column `latest()`/`oldest()` order by when nothing names another (Eloquent's default).
const DEFAULT_CREATED_AT: &str = "created_at";

impl<T> Builder<T> {
    /// Adds columns to the select list (calls add up; without any, `*`). Each may be
    /// `name`, `table.name`, `table.*` or `name as alias`. A typed model's query loads whole
    /// models: there only `table.*` may be selected (a join), and `.rows()` reads chosen
    /// columns ([`Error::PartialModel`] otherwise).
    ///
    /// ```
    /// use bunary_orm::{Dialect, Model};
    /// let q = Model::table("users").select(["id", "name as label"]).select("email");
    /// assert_eq!(q.to_sql(Dialect::Sqlite).unwrap().sql, r#"SELECT "id", "name" AS "label", "email" FROM "users""#);
    /// ```
    pub fn select(mut self, columns: impl IntoColumns) -> Self {
        for name in columns.into_columns() {
            match ColumnRef::parse(&name) {
                Ok(c) => self.query.columns.push(Selection::Column(c)),
                Err(e) => self.fail(e),
            }
        }
        self
    }

    /// **Raw SQL** in the select list, with `?` bindings (`select_raw("COUNT(*) AS n", [])`).
    pub fn select_raw(mut self, sql: &str, bindings: impl IntoIterator<Item = Value>) -> Self {
        self.query.columns.push(Selection::Raw(Raw { sql: sql.to_owned(), bindings: bindings.into_iter().collect() }));
        self
    }

    /// Leaves columns out of `SELECT *` results (the seed's `exclude`). Once
    /// [`select`](Builder::select) names columns, the select list wins and `exclude` is ignored.
    /// On a typed model's query, whose models are loaded whole, reading models with it is
    /// [`Error::PartialModel`] (its `.rows()` honour it).
    pub fn exclude(mut self, columns: impl IntoColumns) -> Self {
        for name in columns.into_columns() {
            match crate::ident::Ident::new(&name, "column") {
                Ok(_) => self.excludes.push(name),
                Err(e) => self.fail(e),
            }
        }
        self
    }

    /// `SELECT DISTINCT`.
    pub fn distinct(mut self) -> Self {
        self.query.distinct = true;
        self
    }

    /// `GROUP BY` columns.
    pub fn group_by(mut self, columns: impl IntoColumns) -> Self {
        for name in columns.into_columns() {
            match ColumnRef::plain(&name) {
                Ok(c) => self.query.groups.push(c),
                Err(e) => self.fail(e),
            }
        }
        self
    }

    /// Adds `column direction` to the `ORDER BY` list. Calls add up, so
    /// `order_by("a", Asc).order_by("b", Desc)` sorts by `a` then `b` (Eloquent's behaviour;
    /// the seed kept only the last call, use [`reorder`](Builder::reorder) for that).
    pub fn order_by(mut self, column: &str, direction: Direction) -> Self {
        match ColumnRef::plain(column) {
            Ok(c) => self.query.orders.push(OrderBy::Column(c, direction)),
            Err(e) => self.fail(e),
        }
        self
    }

    /// `ORDER BY column ASC`: Eloquent's `orderBy($column)` with its default direction (Rust
    /// has no default arguments).
    pub fn order_by_asc(self, column: &str) -> Self {
        self.order_by(column, Direction::Asc)
    }

    /// `ORDER BY column DESC`.
    pub fn order_by_desc(self, column: &str) -> Self {
        self.order_by(column, Direction::Desc)
    }

    /// Newest first by `created_at`: Eloquent's `latest()`. A model query orders by the model's
    /// own `created_at` column (`#[orm(timestamps(created_at = ..))]`); name another column
    /// with [`latest_by`](Builder::latest_by).
    ///
    /// ```
    /// # use bunary_orm::{Builder, Dialect};
    /// let q = Builder::new("posts").latest();
    /// assert_eq!(q.to_sql(Dialect::Sqlite)?.sql, r#"SELECT * FROM "posts" ORDER BY "created_at" DESC"#);
    /// # Ok::<(), bunary_orm::Error>(())
    /// ```
    pub fn latest(self) -> Self {
        self.latest_by(DEFAULT_CREATED_AT)
    }

    /// Oldest first by `created_at`: Eloquent's `oldest()`.
    pub fn oldest(self) -> Self {
        self.oldest_by(DEFAULT_CREATED_AT)
    }

    /// Newest first: `ORDER BY column DESC` (Eloquent's `latest($column)`).
    pub fn latest_by(self, column: &str) -> Self {
        self.order_by(column, Direction::Desc)
    }

    /// Oldest first: `ORDER BY column ASC` (Eloquent's `oldest($column)`).
    pub fn oldest_by(self, column: &str) -> Self {
        self.order_by(column, Direction::Asc)
    }

    /// Orders rows at random (`RANDOM()`, MySQL `RAND()`; Laravel's `inRandomOrder`).
    pub fn in_random_order(mut self) -> Self {
        self.query.orders.push(OrderBy::Random);
        self
    }

    /// **Raw SQL** in the `ORDER BY` list, with `?` bindings.
    pub fn order_by_raw(mut self, sql: &str, bindings: impl IntoIterator<Item = Value>) -> Self {
        self.query.orders.push(OrderBy::Raw(Raw { sql: sql.to_owned(), bindings: bindings.into_iter().collect() }));
        self
    }

    /// Drops every `ORDER BY` item added so far.
    pub fn reorder(mut self) -> Self {
        self.query.orders.clear();
        self
    }

    /// At most `n` rows (written as a literal `LIMIT n`). Above `i64::MAX` (what every
    /// database can take) it is [`Error::OutOfRange`] when the
    /// query runs.
    pub fn limit(mut self, n: u64) -> Self {
        if n > MAX_ROWS {
            self.fail(too_large("limit", n));
        }
        self.query.limit = Some(n);
        self
    }

    /// Skip the first `n` rows. Works without a limit on every dialect. Above `i64::MAX` it is
    /// [`Error::OutOfRange`] when the query runs.
    pub fn offset(mut self, n: u64) -> Self {
        if n > MAX_ROWS {
            self.fail(too_large("offset", n));
        }
        self.query.offset = Some(n);
        self
    }

    /// Laravel's alias of [`limit`](Builder::limit).
    pub fn take(self, n: u64) -> Self {
        self.limit(n)
    }

    /// Laravel's alias of [`offset`](Builder::offset).
    pub fn skip(self, n: u64) -> Self {
        self.offset(n)
    }

    /// `page` (from 1; 0 counts as 1) of `per_page` rows: sets limit and offset. An offset
    /// past `i64::MAX` is [`Error::OutOfRange`] when the query runs (never a wrapped number).
    /// The two numbers are told apart by type ([`Page`], [`PerPage`]): Laravel's `forPage` and
    /// `paginate` take them in opposite orders, and a swap here does not compile.
    ///
    /// ```
    /// use bunary_orm::{Dialect, Model, Page, PerPage};
    /// let q = Model::table("users").for_page(Page(3), PerPage(15));
    /// assert_eq!(q.to_sql(Dialect::Sqlite).unwrap().sql, r#"SELECT * FROM "users" LIMIT 15 OFFSET 30"#);
    /// assert!(Model::table("users").for_page(Page(3), PerPage(u64::MAX)).to_sql(Dialect::Sqlite).is_err());
    /// ```
    pub fn for_page(mut self, Page(page): Page, PerPage(per_page): PerPage) -> Self {
        let page = page.max(1);
        match (page - 1).checked_mul(per_page) {
            Some(offset) => self.limit(per_page).offset(offset),
            None => {
                self.fail(Error::OutOfRange { what: format!("page {page} of {per_page} rows") });
                self
            }
        }
    }
}

/// The largest `LIMIT`/`OFFSET` every database takes (`i64::MAX`; PostgreSQL's `LIMIT` is a bigint).
pub(crate) const MAX_ROWS: u64 = i64::MAX as u64;

fn too_large(what: &str, n: u64) -> Error {
    Error::OutOfRange { what: format!("{what} {n}") }
}
