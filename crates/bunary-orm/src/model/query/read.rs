//! A model query's reads: models (`get`, `first`, `find`, pages, chunks, cursors), rows,
//! aggregates and single columns, each with the model's scopes applied.

use std::future::Future;

use futures_util::future::{self, Either};
use futures_util::stream::{self, Stream, TryStreamExt};

use crate::error::{Error, Result};
use crate::query::clause::Selection;
use crate::query::{Page, Paginated, PerPage};
use crate::row::Row;
use crate::value::{FromValue, Value};

use super::super::events::retrieved;
use super::super::partial::Plan;
use super::super::relations::split_eager;
use super::super::{hidden, mark_loaded, Entity};
use super::ModelQuery;

impl<M: Entity> ModelQuery<M> {
    /// Tells loaded models what they held and where they came from (so `save` writes back
    /// there, and only what changed), and what a column-limited load left out.
    pub(super) fn loaded(&self, models: &mut [M], plan: Option<&Plan>) {
        match plan {
            Some(plan) => plan.mark_loaded(models, self.connection()),
            None => mark_loaded(models, self.connection()),
        }
    }

    /// Makes `models`, just read, models of this query: loaded, `retrieved` fired, eager loads
    /// made.
    pub(super) async fn settle(&self, models: &mut [M], plan: Option<&Plan>) -> Result<()> {
        self.loaded(models, plan);
        retrieved(models).await?;
        if self.loads_more() {
            self.load_eager(models).await?;
        }
        Ok(())
    }

    /// The plan of a column-limited load ([`select_partial`](ModelQuery::select_partial)), or
    /// `None` for a whole one, whose select list must then leave no column out.
    pub(crate) fn plan(&self) -> Result<Option<Plan>> {
        match self.partial_columns() {
            Some(columns) => Plan::of::<M>(columns).map(Some),
            None => self.refuse_partial().map(|()| None),
        }
    }

    /// The rows of a column-limited load.
    pub(super) fn partial_rows(&self, plan: &Plan) -> Result<crate::query::Builder<Row>> {
        plan.select(self.scoped().into_owned().cast())
    }

    /// The batches of `size` models `chunk`, `cursor` and `lazy` visit: by key, or by offset in
    /// the query's own order; capped by its limit.
    fn batches(&self, size: u64) -> Result<stream::BoxStream<'static, Result<Vec<M>>>> {
        Ok(match self.plan()? {
            None => self.scoped().pages(size),
            Some(plan) => {
                let rows = self.partial_rows(&plan)?.pages(size);
                Box::pin(rows.and_then(move |rows| future::ready(plan.decode(rows))))
            }
        })
    }

    /// A model is loaded whole: a select list that leaves out one of its columns (with no `*`
    /// nor `table.*`), or an `exclude` of one, is refused before any SQL runs rather than
    /// failing on the missing field. [`rows`](ModelQuery::rows), `pluck` and `value` read
    /// chosen columns.
    #[inline(always)]
    fn refuse_partial(&self) -> Result<()> {
        let base = self.get_query();
        if base.excludes.is_empty() && base.query().columns.is_empty() {
            return Ok(());
        }
        self.refuse_partial_selection()
    }

    #[cold]
    #[inline(never)]
    fn refuse_partial_selection(&self) -> Result<()> {
        let (columns, excludes) = (&self.get_query().query().columns, &self.get_query().excludes);
        let star = |s: &Selection| matches!(s, Selection::Column(c) if c.column.is_none());
        let selected = |column: &str| {
            columns.is_empty()
                || columns.iter().any(|s| match s {
                    Selection::Column(c) => c.column.is_none() || c.output_name() == Some(column),
                    Selection::Sub(_, alias) => alias.as_str() == column,
                    Selection::Raw(_) => false,
                })
        };
        let missing = M::COLUMNS.iter().find(|c| {
            let excluded = excludes.iter().any(|e| e == *c) && !columns.iter().any(|s| !star(s));
            excluded || !selected(c)
        });
        match missing {
            None => Ok(()),
            Some(column) => Err(Error::PartialModel { model: M::NAME, column }),
        }
    }

    /// Refuses an unknown relation among the eager loads and aggregates, before any SQL runs.
    pub(super) fn check_eager(&self) -> Result<()> {
        self.eager().iter().try_for_each(|path| M::check_relation(path))?;
        self.aggregates().iter().try_for_each(|(relation, _, _)| M::check_relation(relation))
    }

    /// Whether relations or aggregates are to be loaded with the models.
    #[inline]
    pub(super) fn loads_more(&self) -> bool {
        !self.eager().is_empty() || !self.aggregates().is_empty()
    }

    /// Loads the eager relations onto `models` (one query per relation per level), then the
    /// relation aggregates (one query each).
    pub(super) async fn load_eager(&self, models: &mut [M]) -> Result<()> {
        for (relation, nested) in split_eager(self.eager(), self.constraints(), self.eager_columns()) {
            M::eager_load(models, &relation, nested, self.connection()).await?;
        }
        for (relation, function, column) in self.aggregates() {
            M::aggregate_load(models, relation, *function, column.clone(), self.connection()).await?;
        }
        Ok(())
    }

    /// The matching models.
    ///
    /// # Errors
    /// [`Error::PartialModel`] when the select list leaves out one of the model's columns; a
    /// building error; the database's error.
    pub async fn get(&self) -> Result<Vec<M>> {
        let plan = self.plan()?;
        self.check_eager()?;
        let base = self.get_query();
        let mut models = if let Some(plan) = &plan {
            let rows = self.partial_rows(plan)?.get().await?;
            plan.decode(rows)?
        } else if base.is_plain() && M::GLOBAL_SCOPES.is_empty() {
            let exec = match base.executor_now()? {
                Some(exec) => exec,
                None => base.executor().await?,
            };
            let sql = M::plain_sql().select(self, exec.dialect(), false)?;
            base.load_compiled(&exec, sql, &[], None).await?
        } else {
            self.scoped().get().await?
        };
        self.loaded(&mut models, plan.as_ref());
        retrieved(&mut models).await?;
        if self.loads_more() {
            self.load_eager(&mut models).await?;
        }
        Ok(models)
    }

    /// Every matching model (the same as [`get`](ModelQuery::get)).
    ///
    /// # Errors
    /// As [`get`](ModelQuery::get).
    pub async fn all(&self) -> Result<Vec<M>> {
        self.get().await
    }

    /// The first matching model, or `None`.
    ///
    /// # Errors
    /// As [`get`](ModelQuery::get).
    pub async fn first(&self) -> Result<Option<M>> {
        Ok(self.clone().limit(1).get().await?.pop())
    }

    /// The first matching model.
    ///
    /// # Errors
    /// [`Error::ModelNotFound`] (naming the model) when there is none; as
    /// [`get`](ModelQuery::get).
    pub async fn first_or_fail(&self) -> Result<M> {
        self.first().await?.ok_or_else(|| Error::ModelNotFound { model: M::NAME, key: None })
    }

    /// The model whose primary key is `id`, or `None`.
    ///
    /// # Errors
    /// As [`get`](ModelQuery::get); a missing row is `Ok(None)`.
    pub async fn find(&self, id: impl Into<Value>) -> Result<Option<M>> {
        let plan = self.plan()?;
        self.check_eager()?;
        let id = id.into();
        let base = self.get_query();
        let mut found = if let Some(plan) = &plan {
            let row = self.partial_rows(plan)?.find(id).await?;
            plan.decode(row.into_iter().collect())?
        } else if base.is_plain() && M::GLOBAL_SCOPES.is_empty() {
            let exec = match base.executor_now()? {
                Some(exec) => exec,
                None => base.executor().await?,
            };
            let sql = M::plain_sql().select(self, exec.dialect(), true)?;
            base.load_compiled(&exec, sql, std::slice::from_ref(&id), Some(1)).await?
        } else {
            self.scoped().find(id).await?.into_iter().collect()
        };
        self.loaded(&mut found, plan.as_ref());
        retrieved(&mut found).await?;
        if self.loads_more() {
            self.load_eager(&mut found).await?;
        }
        Ok(found.pop())
    }

    /// The model with that key.
    ///
    /// # Errors
    /// [`Error::ModelNotFound`] naming the model and the key when there is none.
    pub async fn find_or_fail(&self, id: impl Into<Value>) -> Result<M> {
        let id = id.into();
        let key = Some(id.to_string());
        self.find(id).await?.ok_or(Error::ModelNotFound { model: M::NAME, key })
    }

    /// The first model whose `column` equals `value`, or `None`.
    ///
    /// # Errors
    /// As [`get`](ModelQuery::get).
    pub async fn find_by(&self, column: &str, value: impl Into<Value>) -> Result<Option<M>> {
        self.clone().where_(column, value).first().await
    }

    /// Page `page` (from 1) of `per_page` models, with the total count (as
    /// [`Builder::paginate`](crate::Builder::paginate)).
    ///
    /// # Errors
    /// As [`Builder::paginate`](crate::Builder::paginate) and [`get`](ModelQuery::get).
    pub async fn paginate(&self, per_page: PerPage, page: Page) -> Result<Paginated<M>> {
        let plan = self.plan()?;
        self.check_eager()?;
        let mut page = match &plan {
            None => self.scoped().paginate(per_page, page).await?,
            Some(plan) => {
                let rows = self.partial_rows(plan)?.paginate(per_page, page).await?;
                let data = plan.decode(rows.data)?;
                let Paginated { total, per_page, current_page, last_page, from, to, path, .. } = rows;
                Paginated { data, total, per_page, current_page, last_page, from, to, path }
            }
        };
        self.settle(&mut page.data, plan.as_ref()).await?;
        Ok(page)
    }

    /// Visits the matching models `size` at a time (as [`Builder::chunk`](crate::Builder::chunk):
    /// by key, or in the query's own order when it has one, capped by its limit), each chunk
    /// with its eager loads; `f` returns `Ok(false)` to stop.
    ///
    /// # Errors
    /// As [`Builder::chunk`](crate::Builder::chunk) and [`get`](ModelQuery::get).
    pub async fn chunk<F, Fut>(&self, size: u64, mut f: F) -> Result<()>
    where
        F: FnMut(Vec<M>) -> Fut,
        Fut: Future<Output = Result<bool>>,
    {
        self.check_eager()?;
        if size == 0 {
            return Err(Error::ZeroSize { what: "the chunk size" });
        }
        let plan = self.plan()?;
        let mut batches = self.batches(size)?;
        while let Some(mut models) = batches.try_next().await? {
            self.settle(&mut models, plan.as_ref()).await?;
            if !f(models).await? {
                break;
            }
        }
        Ok(())
    }

    /// A stream of the matching models, fetched `batch` at a time by key (in the query's own
    /// order, by offset, when it has one; capped by its limit), each batch with its eager loads.
    pub fn cursor(&self, batch: u64) -> impl Stream<Item = Result<M>> + Send + 'static {
        let checked = self.check_eager().and_then(|()| Ok((self.plan()?, self.batches(batch)?)));
        let (plan, batches) = match checked {
            Ok(found) => found,
            Err(e) => return Either::Left(stream::once(future::ready(Err(e)))),
        };
        let this = self.clone();
        let batches = batches.and_then(move |mut models| {
            let (this, plan) = (this.clone(), plan.clone());
            async move {
                this.settle(&mut models, plan.as_ref()).await?;
                Ok(stream::iter(models.into_iter().map(Ok)))
            }
        });
        Either::Right(batches.try_flatten())
    }

    /// The matching models as a stream, `size` at a time (Laravel's `lazy`: the same as
    /// [`cursor`](ModelQuery::cursor)).
    pub fn lazy(&self, size: u64) -> impl Stream<Item = Result<M>> + Send + 'static {
        self.cursor(size)
    }

    /// The matching models as a stream, read `size` at a time by `column` (Laravel's
    /// `lazyById`); an `order_by` is [`QueryProblem::KeysetOrdered`](crate::QueryProblem::KeysetOrdered).
    pub fn lazy_by_id(&self, size: u64, column: &str) -> impl Stream<Item = Result<M>> + Send + 'static {
        if !self.get_query().query().orders.is_empty() {
            let problem = crate::error::QueryProblem::KeysetOrdered;
            return Either::Left(stream::once(future::ready(Err(Error::InvalidQuery { problem }))));
        }
        Either::Right(self.clone().map_base(|q| q.key(column)).cursor(size))
    }

    /// [`chunk`](ModelQuery::chunk) by `column` (Laravel's `chunkById`).
    ///
    /// # Errors
    /// As [`chunk`](ModelQuery::chunk); [`QueryProblem::KeysetOrdered`](crate::QueryProblem::KeysetOrdered)
    /// with an `order_by`.
    pub async fn chunk_by_id<F, Fut>(&self, size: u64, column: &str, f: F) -> Result<()>
    where
        F: FnMut(Vec<M>) -> Fut,
        Fut: Future<Output = Result<bool>>,
    {
        if !self.get_query().query().orders.is_empty() {
            return Err(Error::InvalidQuery { problem: crate::error::QueryProblem::KeysetOrdered });
        }
        self.clone().map_base(|q| q.key(column)).chunk(size, f).await
    }

    /// Calls `f` on each model, read `size` at a time by `column` (Laravel's `eachById`); `f`
    /// returns `Ok(false)` to stop.
    ///
    /// # Errors
    /// As [`chunk_by_id`](ModelQuery::chunk_by_id).
    pub async fn each_by_id<F, Fut>(&self, size: u64, column: &str, mut f: F) -> Result<()>
    where
        F: FnMut(M) -> Fut,
        Fut: Future<Output = Result<bool>>,
    {
        let mut models = std::pin::pin!(self.lazy_by_id(size, column));
        while let Some(model) = models.try_next().await? {
            if !f(model).await? {
                break;
            }
        }
        Ok(())
    }

    /// The matching rows as [`Row`]s, whatever columns were selected, the model's hidden
    /// columns left out.
    ///
    /// # Errors
    /// As [`get`](ModelQuery::get).
    pub async fn rows(&self) -> Result<Vec<Row>> {
        let mut rows = self.scoped().rows().await?;
        hidden::strip::<M>(&mut rows);
        Ok(rows)
    }

    /// The number of matching models.
    ///
    /// # Errors
    /// As [`get`](ModelQuery::get).
    pub async fn count(&self) -> Result<i64> {
        self.scoped().count().await
    }

    /// `SUM(column)` over the matching models (see [`Builder::sum`](crate::Builder::sum)).
    ///
    /// # Errors
    /// As [`Builder::sum`](crate::Builder::sum).
    pub async fn sum<V: FromValue>(&self, column: &str) -> Result<V> {
        self.scoped().sum(column).await
    }

    /// `AVG(column)`, `None` when no model matches.
    ///
    /// # Errors
    /// As [`get`](ModelQuery::get).
    pub async fn avg(&self, column: &str) -> Result<Option<f64>> {
        self.scoped().avg(column).await
    }

    /// `MIN(column)`.
    ///
    /// # Errors
    /// As [`Builder::min`](crate::Builder::min).
    pub async fn min<V: FromValue>(&self, column: &str) -> Result<V> {
        self.scoped().min(column).await
    }

    /// `MAX(column)`.
    ///
    /// # Errors
    /// As [`Builder::max`](crate::Builder::max).
    pub async fn max<V: FromValue>(&self, column: &str) -> Result<V> {
        self.scoped().max(column).await
    }

    /// Whether any model matches.
    ///
    /// # Errors
    /// As [`get`](ModelQuery::get).
    pub async fn exists(&self) -> Result<bool> {
        self.scoped().exists().await
    }

    /// Whether no model matches.
    ///
    /// # Errors
    /// As [`get`](ModelQuery::get).
    pub async fn doesnt_exist(&self) -> Result<bool> {
        Ok(!self.exists().await?)
    }

    /// One column of every matching model.
    ///
    /// # Errors
    /// [`Error::InvalidQuery`] for a hidden column; as [`Builder::pluck`](crate::Builder::pluck).
    pub async fn pluck<V: FromValue>(&self, column: &str) -> Result<Vec<V>> {
        hidden::refuse::<M>(column)?;
        self.scoped().pluck(column).await
    }

    /// One column of the first matching model, or `None`.
    ///
    /// # Errors
    /// As [`pluck`](ModelQuery::pluck).
    pub async fn value<V: FromValue>(&self, column: &str) -> Result<Option<V>> {
        hidden::refuse::<M>(column)?;
        self.scoped().value(column).await
    }
}
