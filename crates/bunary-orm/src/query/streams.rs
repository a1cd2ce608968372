//! Reading in pieces (Laravel's `chunkById`, `eachById`, `lazy`, `lazyById`): pages as a
//! `futures::Stream`, by key (keyset: safe while the rows change) or by offset in the
//! query's own order, each capped by the query's limit. At most one page is held at a time.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use bunary_orm::{Db, DatabaseConfig, Direction};
//! use futures_util::TryStreamExt;
//! let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
//! db.exec_batch("CREATE TABLE n (id INTEGER PRIMARY KEY, v INTEGER); INSERT INTO n (v) VALUES (3), (1), (2);").await?;
//! let by_v: Vec<i64> = db.table("n").order_by("v", Direction::Desc).lazy(2).map_ok(|r| r.get::<i64>("v").unwrap()).try_collect().await?;
//! assert_eq!(by_v, [3, 2, 1]);
//! let first_two: Vec<_> = db.table("n").limit(2).lazy_by_id(1, "id").try_collect().await?;
//! assert_eq!(first_two.len(), 2);
//! # Ok::<(), bunary_orm::Error>(()) }).unwrap();
//! ```

use std::future::Future;

use futures_util::stream::{self, Stream, StreamExt, TryStreamExt};

use crate::error::Result;
use crate::row::FromRow;

use super::clause::{Direction, OrderBy};
use super::Builder;

impl<T: FromRow> Builder<T> {
    /// Pages of `size` rows in the query's order (the key's when it has none), from its offset,
    /// capped by its limit.
    pub(crate) fn offset_pages(&self, size: u64) -> impl Stream<Item = Result<Vec<T>>> + Send + 'static {
        struct State<T> {
            base: Builder<T>,
            next: u64,
            left: Option<u64>,
            size: u64,
            done: bool,
        }
        let mut base = self.clone();
        if base.query.orders.is_empty() {
            let key = crate::ident::ColumnRef::column(base.key.clone());
            base.query.orders.push(OrderBy::Column(key, Direction::Asc));
        }
        let (next, left) = (base.query.offset.unwrap_or(0), base.query.limit);
        let state = State { base, next, left, size: size.max(1), done: false };
        stream::try_unfold(state, |mut s| async move {
            let want = s.left.map_or(s.size, |l| l.min(s.size));
            if s.done || want == 0 {
                return Ok(None);
            }
            let mut page = s.base.clone();
            page.query.limit = Some(want);
            page.query.offset = (s.next > 0).then_some(s.next);
            let rows = page.get().await?;
            let got = rows.len() as u64;
            s.next += got;
            s.left = s.left.map(|l| l - got.min(l));
            s.done = got < want;
            if rows.is_empty() {
                return Ok(None);
            }
            Ok(Some((rows, s)))
        })
    }

    /// Pages of `size` rows: by key (`cursor_batches`) for a query in no order of its own, by
    /// offset in its order otherwise; either capped by its limit (model queries' `chunk`,
    /// `cursor` and `lazy`).
    pub(crate) fn pages(&self, size: u64) -> futures_util::stream::BoxStream<'static, Result<Vec<T>>> {
        if !self.query.orders.is_empty() || self.query.offset.is_some() {
            return Box::pin(self.offset_pages(size));
        }
        let mut keyed = self.clone();
        let Some(cap) = keyed.query.limit.take() else { return Box::pin(self.cursor_batches(size)) };
        let batches = Box::pin(keyed.cursor_batches(size.min(cap.max(1))));
        // Stops once `cap` rows are out, without reading another batch.
        Box::pin(stream::try_unfold((batches, cap), |(mut batches, left)| async move {
            if left == 0 {
                return Ok(None);
            }
            match batches.try_next().await? {
                Some(mut rows) => {
                    rows.truncate(usize::try_from(left).unwrap_or(usize::MAX));
                    let left = left - rows.len() as u64;
                    Ok(Some((rows, (batches, left))))
                }
                None => Ok(None),
            }
        }))
    }

    /// The matching rows as a stream, read `size` at a time by offset in the query's order
    /// (the key's when it has none), capped by its limit (Laravel's `lazy`). Rows changed
    /// while it runs may be skipped or seen twice: [`lazy_by_id`](Builder::lazy_by_id) reads
    /// by key.
    pub fn lazy(&self, size: u64) -> impl Stream<Item = Result<T>> + Send + 'static {
        self.offset_pages(size).map_ok(|rows| stream::iter(rows.into_iter().map(Ok))).try_flatten()
    }

    /// The matching rows as a stream, read `size` at a time by `column` (`WHERE column > last
    /// ORDER BY column`; Laravel's `lazyById`), capped by the query's limit.
    pub fn lazy_by_id(&self, size: u64, column: &str) -> impl Stream<Item = Result<T>> + Send + 'static {
        let mut keyed = self.clone().key(column);
        let cap = keyed.query.limit.take();
        // A cap smaller than a batch reads no more than it keeps.
        let rows = keyed.cursor(cap.map_or(size, |c| size.min(c.max(1))));
        match cap {
            Some(cap) => futures_util::future::Either::Left(rows.take(usize::try_from(cap).unwrap_or(usize::MAX))),
            None => futures_util::future::Either::Right(rows),
        }
    }

    /// [`chunk`](Builder::chunk) by `column` (Laravel's `chunkById`): keyset chunks, every row
    /// once even when `f` changes rows.
    ///
    /// # Errors
    /// As [`chunk`](Builder::chunk); [`QueryProblem::KeysetOrdered`](crate::QueryProblem::KeysetOrdered)
    /// with an `order_by` (the order is `column`'s).
    pub async fn chunk_by_id<F, Fut>(&self, size: u64, column: &str, f: F) -> Result<()>
    where
        F: FnMut(Vec<T>) -> Fut,
        Fut: Future<Output = Result<bool>>,
    {
        if !self.query.orders.is_empty() {
            let problem = crate::error::QueryProblem::KeysetOrdered;
            return Err(crate::error::Error::InvalidQuery { problem });
        }
        self.clone().key(column).chunk(size, f).await
    }

    /// Calls `f` on each row, read `size` at a time by `column` (Laravel's `eachById`); `f`
    /// returns `Ok(false)` to stop.
    ///
    /// # Errors
    /// As [`chunk_by_id`](Builder::chunk_by_id).
    pub async fn each_by_id<F, Fut>(&self, size: u64, column: &str, mut f: F) -> Result<()>
    where
        F: FnMut(T) -> Fut,
        Fut: Future<Output = Result<bool>>,
    {
        if !self.query.orders.is_empty() {
            let problem = crate::error::QueryProblem::KeysetOrdered;
            return Err(crate::error::Error::InvalidQuery { problem });
        }
        let mut rows = std::pin::pin!(self.lazy_by_id(size, column));
        while let Some(row) = rows.try_next().await? {
            if !f(row).await? {
                break;
            }
        }
        Ok(())
    }
}
