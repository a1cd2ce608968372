//! Large results: `paginate`, `chunk` and the streaming `cursor`.

use std::future::Future;

use futures_util::stream::{self, Stream, TryStreamExt};

use crate::error::{BuildError, Error, QueryProblem, Result};
use crate::row::{FromRow, Row};
use crate::value::Value;

use super::clause::{Direction, OrderBy};
use super::{load, Builder};

/// A page number, from 1 (0 counts as 1): [`Builder::paginate`], [`Builder::for_page`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Page(pub u64);

/// How many rows a page holds: [`Builder::paginate`], [`Builder::for_page`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PerPage(pub u64);

/// One page of results with the totals a pager needs. Serialises as
/// Laravel's length-aware paginator: `current_page`, `data`, `first_page_url`, `from`,
/// `last_page`, `last_page_url`, `links`, `next_page_url`, `path`, `per_page`, `prev_page_url`,
/// `to`, `total`. The URLs are built on the path given to
/// [`with_path`](Paginated::with_path), and are `null` without one.
#[derive(Debug, Clone, PartialEq)]
pub struct Paginated<T> {
    /// The rows of this page.
    pub data: Vec<T>,
    /// Matching rows on all pages.
    pub total: u64,
    /// Page size.
    pub per_page: u64,
    /// This page (from 1).
    pub current_page: u64,
    /// The last page (at least 1).
    pub last_page: u64,
    /// The position (from 1) of this page's first row, `None` on an empty page.
    pub from: Option<u64>,
    /// The position of this page's last row, `None` on an empty page.
    pub to: Option<u64>,
    /// The path the page URLs are built on ([`with_path`](Paginated::with_path)).
    pub path: Option<String>,
}

/// A page without a total (`simple_paginate`). Serialises with Laravel's simple paginator
/// fields, `current_page`, `data`, `first_page_url`, `from`, `next_page_url`, `path`,
/// `per_page`, `prev_page_url`, `to`, and `has_more_pages` besides (the URLs as
/// [`Paginated`]'s).
#[derive(Debug, Clone, PartialEq)]
pub struct SimplePaginated<T> {
    /// The rows of this page.
    pub data: Vec<T>,
    /// Page size.
    pub per_page: u64,
    /// This page (from 1).
    pub current_page: u64,
    /// Whether a next page has rows.
    pub has_more_pages: bool,
    /// The position (from 1) of this page's first row, `None` on an empty page.
    pub from: Option<u64>,
    /// The position of this page's last row, `None` on an empty page.
    pub to: Option<u64>,
    /// The path the page URLs are built on ([`with_path`](SimplePaginated::with_path)).
    pub path: Option<String>,
}

impl<T> Paginated<T> {
    pub(crate) fn new(data: Vec<T>, total: u64, per_page: u64, current_page: u64) -> Self {
        let last_page = total.div_ceil(per_page).max(1);
        // `paginate` refused (through `for_page`) a page whose offset does not fit.
        let first = (current_page - 1).saturating_mul(per_page);
        let (from, to) =
            if data.is_empty() { (None, None) } else { (Some(first + 1), Some(first + data.len() as u64)) };
        Paginated { data, total, per_page, current_page, last_page, from, to, path: None }
    }

    /// Whether a page follows this one.
    pub fn has_more_pages(&self) -> bool {
        self.current_page < self.last_page
    }

    /// The same page with each item mapped.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Paginated<U> {
        Paginated {
            data: self.data.into_iter().map(f).collect(),
            total: self.total,
            per_page: self.per_page,
            current_page: self.current_page,
            last_page: self.last_page,
            from: self.from,
            to: self.to,
            path: self.path,
        }
    }
}

pub(super) fn check_size(n: u64, what: &'static str) -> Result<()> {
    if n == 0 {
        Err(Error::ZeroSize { what })
    } else {
        Ok(())
    }
}

impl<T: FromRow> Builder<T> {
    /// Page `page` (from 1; 0 counts as 1) of `per_page` rows, with the total count.
    ///
    /// # Errors
    /// [`Error::ZeroSize`] when `per_page` is 0, [`Error::OutOfRange`] when the page starts past the largest offset
    /// (checked before any SQL runs); as [`get`](Builder::get).
    pub async fn paginate(&self, PerPage(per_page): PerPage, Page(page): Page) -> Result<Paginated<T>> {
        check_size(per_page, "per_page")?;
        let page = page.max(1);
        let paged = self.clone().for_page(Page(page), PerPage(per_page));
        paged.check()?;
        let total = u64::try_from(self.count().await?).unwrap_or(0);
        // Nothing matches, or the page lies past the last row: no data query.
        let past_end = total <= (page - 1).saturating_mul(per_page);
        let data = if past_end { Vec::new() } else { paged.get().await? };
        Ok(Paginated::new(data, total, per_page, page))
    }

    /// Page `page` of `per_page` rows without counting them all (Laravel's `simplePaginate`):
    /// `per_page + 1` rows are read to tell whether another page follows.
    ///
    /// # Errors
    /// As [`paginate`](Builder::paginate).
    pub async fn simple_paginate(&self, PerPage(per_page): PerPage, Page(page): Page) -> Result<SimplePaginated<T>> {
        check_size(per_page, "per_page")?;
        let page = page.max(1);
        let mut paged = self.clone().for_page(Page(page), PerPage(per_page));
        paged.query.limit = Some(per_page.saturating_add(1));
        paged.check()?;
        let mut data = paged.get().await?;
        let has_more_pages = data.len() as u64 > per_page;
        data.truncate(usize::try_from(per_page).unwrap_or(usize::MAX));
        let from = (!data.is_empty()).then(|| (page - 1) * per_page + 1);
        let to = from.map(|f| f + data.len() as u64 - 1);
        Ok(SimplePaginated { data, per_page, current_page: page, has_more_pages, from, to, path: None })
    }

    /// A copy ordered by the key only (keyset iteration needs exactly that order).
    fn keyset(&self, size: u64) -> Result<Builder<T>> {
        if !self.query.orders.is_empty() {
            return Err(Error::InvalidQuery { problem: QueryProblem::KeysetOrdered });
        }
        if self.query.limit.is_some() || self.query.offset.is_some() {
            return Err(Error::InvalidQuery { problem: QueryProblem::KeysetLimited });
        }
        let mut q = self.clone().limit(size);
        let key = crate::ident::ColumnRef::column(self.key.clone());
        q.query.orders = vec![OrderBy::Column(key, Direction::Asc)];
        Ok(q)
    }

    /// The key of `row`, where the next chunk starts after.
    fn key_of(&self, row: &Row) -> Result<Value> {
        row.value(self.key.as_str())
            .cloned()
            .ok_or_else(|| Error::InvalidQuery { problem: QueryProblem::KeyNotSelected { key: self.key.to_string() } })
    }

    /// Visits the matching rows `size` at a time, handing each chunk to `f`. `f` returns
    /// `Ok(true)` to go on or `Ok(false)` to stop (Laravel's `return false`).
    ///
    /// Without an `order_by`, chunks are fetched by key (`WHERE key > last ORDER BY key LIMIT
    /// size`), not by offset, so every row is visited once even when `f` updates or deletes
    /// rows as it goes. With an `order_by` (or an offset) they are pages in that order, as
    /// Eloquent's `chunk` reads them: then `f` should not change what the order or the
    /// conditions depend on (use [`chunk_by_id`](Builder::chunk_by_id)). A `limit` caps the
    /// rows visited in either case.
    ///
    /// # Examples
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use bunary_orm::{Db, DatabaseConfig};
    /// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
    /// db.exec_batch("CREATE TABLE n (id INTEGER PRIMARY KEY); INSERT INTO n DEFAULT VALUES; INSERT INTO n DEFAULT VALUES; INSERT INTO n DEFAULT VALUES;").await?;
    /// let mut sizes = Vec::new();
    /// db.table("n").chunk(2, |rows| { sizes.push(rows.len()); async { Ok(true) } }).await?;
    /// assert_eq!(sizes, [2, 1]);
    /// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::ZeroSize`] for a size of 0; [`Error::InvalidQuery`] when the key is not
    /// selected (keyset chunks); `f`'s error; as [`get`](Builder::get).
    pub async fn chunk<F, Fut>(&self, size: u64, mut f: F) -> Result<()>
    where
        F: FnMut(Vec<T>) -> Fut,
        Fut: Future<Output = Result<bool>>,
    {
        check_size(size, "the chunk size")?;
        if !self.query.orders.is_empty() || self.query.offset.is_some() {
            let mut pages = std::pin::pin!(self.offset_pages(size));
            while let Some(rows) = pages.try_next().await? {
                if !f(rows).await? {
                    break;
                }
            }
            return Ok(());
        }
        let mut left = self.query.limit;
        let mut unlimited = self.clone();
        unlimited.query.limit = None;
        let base = unlimited.keyset(size)?;
        let mut after: Option<Value> = None;
        loop {
            let want = left.map_or(size, |l| l.min(size));
            if want == 0 {
                return Ok(());
            }
            let mut q = base.after_key(after.take())?;
            q.query.limit = Some(want);
            let rows = q.rows().await?;
            let full = rows.len() as u64 == want;
            let Some(last) = rows.last() else { return Ok(()) };
            let last = self.key_of(last)?;
            if let Some(l) = &mut left {
                *l -= rows.len() as u64;
            }
            if !f(load(rows)?).await? || !full {
                return Ok(());
            }
            after = Some(last);
        }
    }

    /// A stream of the matching rows, fetched `batch` at a time by key, for tables too large
    /// to hold in memory.
    ///
    /// # Examples
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use bunary_orm::{Db, DatabaseConfig};
    /// use futures_util::TryStreamExt;
    /// let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
    /// db.exec_batch("CREATE TABLE n (id INTEGER PRIMARY KEY); INSERT INTO n DEFAULT VALUES; INSERT INTO n DEFAULT VALUES;").await?;
    /// let rows: Vec<_> = db.table("n").cursor(1).try_collect().await?;
    /// assert_eq!(rows.len(), 2);
    /// # Ok::<(), bunary_orm::Error>(()) }).unwrap();
    /// ```
    pub fn cursor(&self, batch: u64) -> impl Stream<Item = Result<T>> + Send + 'static {
        self.cursor_batches(batch).map_ok(|items| stream::iter(items.into_iter().map(Ok))).try_flatten()
    }

    /// The batches [`cursor`](Builder::cursor) reads, as they come (a model's query marks each
    /// batch loaded before handing out its models).
    pub(crate) fn cursor_batches(&self, batch: u64) -> impl Stream<Item = Result<Vec<T>>> + Send + 'static {
        struct State<T> {
            base: Result<Builder<T>, BuildError>,
            this: Builder<T>,
            after: Option<Value>,
            done: bool,
        }
        let base = check_size(batch, "the cursor batch").and_then(|()| self.keyset(batch)).map_err(BuildError::from);
        let state = State { base, this: self.clone(), after: None, done: false };
        stream::try_unfold(state, move |mut s| async move {
            if s.done {
                return Ok(None);
            }
            let base = match &s.base {
                Ok(b) => b,
                Err(e) => return Err(e.clone().into()),
            };
            let rows = base.after_key(s.after.take())?.rows().await?;
            s.done = (rows.len() as u64) < batch;
            let Some(last) = rows.last() else { return Ok(None) };
            s.after = Some(s.this.key_of(last)?);
            Ok(Some((load(rows)?, s)))
        })
    }
}
