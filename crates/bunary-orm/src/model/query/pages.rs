//! A model query's pages without a count: `simple_paginate` and `cursor_paginate` (as the
//! query builder's), each page's models marked loaded, their `retrieved` events fired and
//! their eager loads made.

use crate::error::Result;
use crate::query::{CursorPaginated, Page, PerPage, SimplePaginated};

use super::super::Entity;
use super::ModelQuery;

impl<M: Entity> ModelQuery<M> {
    /// Page `page` of `per_page` models without a count (as
    /// [`Builder::simple_paginate`](crate::Builder::simple_paginate)).
    ///
    /// # Errors
    /// As [`Builder::simple_paginate`](crate::Builder::simple_paginate) and
    /// [`get`](ModelQuery::get).
    pub async fn simple_paginate(&self, per_page: PerPage, page: Page) -> Result<SimplePaginated<M>> {
        let plan = self.plan()?;
        self.check_eager()?;
        let mut result = match &plan {
            None => self.scoped().simple_paginate(per_page, page).await?,
            Some(plan) => {
                let rows = self.partial_rows(plan)?.simple_paginate(per_page, page).await?;
                let SimplePaginated { data, per_page, current_page, has_more_pages, from, to, path } = rows;
                SimplePaginated { data: plan.decode(data)?, per_page, current_page, has_more_pages, from, to, path }
            }
        };
        self.settle(&mut result.data, plan.as_ref()).await?;
        Ok(result)
    }

    /// A page of `per_page` models after (or before) `cursor`, by the values of the query's
    /// order columns (as [`Builder::cursor_paginate`](crate::Builder::cursor_paginate)).
    ///
    /// # Errors
    /// As [`Builder::cursor_paginate`](crate::Builder::cursor_paginate) and
    /// [`get`](ModelQuery::get).
    pub async fn cursor_paginate(&self, per_page: PerPage, cursor: Option<&str>) -> Result<CursorPaginated<M>> {
        let plan = self.plan()?;
        self.check_eager()?;
        let mut result = match &plan {
            None => self.scoped().cursor_paginate(per_page, cursor).await?,
            Some(plan) => {
                let rows = self.partial_rows(plan)?.cursor_paginate(per_page, cursor).await?;
                let CursorPaginated { data, per_page, next_cursor, prev_cursor, path } = rows;
                CursorPaginated { data: plan.decode(data)?, per_page, next_cursor, prev_cursor, path }
            }
        };
        self.settle(&mut result.data, plan.as_ref()).await?;
        Ok(result)
    }
}
