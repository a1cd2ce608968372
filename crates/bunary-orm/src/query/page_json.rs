//! Paginators as JSON with Laravel's field names and order, so a front end written for a
//! Laravel API (its pager components read `links`, `next_page_url`, …) reads ours unchanged.
//! The URLs are built on a path the application gives (`with_path("/posts")`), as Laravel
//! builds them on the request's; without one they are `null`.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use bunary_orm::{DatabaseConfig, Db, Page, PerPage};
//! let db = Db::connect(&DatabaseConfig::sqlite(":memory:"))?;
//! db.exec_batch("CREATE TABLE posts (id INTEGER PRIMARY KEY); INSERT INTO posts VALUES (1), (2), (3), (4), (5);").await?;
//! let page = db.table("posts").paginate(PerPage(2), Page(2)).await?.with_path("/posts?sort=id");
//! let json = serde_json::to_value(&page).unwrap();
//! assert_eq!(json["next_page_url"], "/posts?sort=id&page=3");
//! assert_eq!(json["links"][2], serde_json::json!({"url": "/posts?sort=id&page=2", "label": "2", "active": true}));
//! # Ok::<(), bunary_orm::Error>(()) }).unwrap();
//! ```

use std::ops::RangeInclusive;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use super::cursor_page::CursorPaginated;
use super::paginate::{Paginated, SimplePaginated};

/// How many page links Laravel's pager shows on each side of the current page.
const ON_EACH_SIDE: u64 = 3;

/// One entry of a length-aware page's `links`: Laravel's `{url, label, active}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PageLink {
    /// Where the link goes, `None` for the `...` gap and a previous/next link with no page.
    pub url: Option<String>,
    /// `&laquo; Previous`, a page number, `...` or `Next &raquo;` (Laravel's default labels).
    pub label: String,
    /// Whether this is the current page.
    pub active: bool,
}

/// `path` with `name=value` added to its query string.
fn url(path: Option<&str>, name: &str, value: impl std::fmt::Display) -> Option<String> {
    let path = path?;
    let separator = if path.contains('?') { '&' } else { '?' };
    Some(format!("{path}{separator}{name}={value}"))
}

/// The page numbers a pager shows, with `None` for a gap: Laravel's `UrlWindow` (every page up
/// to 13 pages; else the first two, a window around the current page, the last two).
fn window(current: u64, last: u64) -> Vec<Option<RangeInclusive<u64>>> {
    let side = ON_EACH_SIDE;
    if last < side * 2 + 8 {
        return vec![Some(1..=last)];
    }
    let window = side + 4;
    let (start, finish) = (Some(1..=2), Some(last - 1..=last));
    if current <= window {
        vec![Some(1..=window + side), None, finish]
    } else if current > last - window {
        vec![start, None, Some(last - (window + side - 1)..=last)]
    } else {
        vec![start, None, Some(current - side..=current + side), None, finish]
    }
}

impl<T> Paginated<T> {
    /// The same page, its URLs built on `path` (a path, or a path and query string: `page=`
    /// is added to it).
    pub fn with_path(self, path: impl Into<String>) -> Self {
        Paginated { path: Some(path.into()), ..self }
    }

    fn page_url(&self, page: u64) -> Option<String> {
        url(self.path.as_deref(), "page", page)
    }

    /// Laravel's `links`: previous, the pages of the window with `...` gaps, next.
    pub fn links(&self) -> Vec<PageLink> {
        let previous = (self.current_page > 1).then(|| self.page_url(self.current_page - 1)).flatten();
        let next = self.has_more_pages().then(|| self.page_url(self.current_page + 1)).flatten();
        let mut links = vec![PageLink { url: previous, label: "&laquo; Previous".into(), active: false }];
        for part in window(self.current_page, self.last_page) {
            match part {
                Some(pages) => links.extend(pages.map(|page| PageLink {
                    url: self.page_url(page),
                    label: page.to_string(),
                    active: page == self.current_page,
                })),
                None => links.push(PageLink { url: None, label: "...".into(), active: false }),
            }
        }
        links.push(PageLink { url: next, label: "Next &raquo;".into(), active: false });
        links
    }
}

impl<T: Serialize> Serialize for Paginated<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = s.serialize_struct("Paginated", 13)?;
        out.serialize_field("current_page", &self.current_page)?;
        out.serialize_field("data", &self.data)?;
        out.serialize_field("first_page_url", &self.page_url(1))?;
        out.serialize_field("from", &self.from)?;
        out.serialize_field("last_page", &self.last_page)?;
        out.serialize_field("last_page_url", &self.page_url(self.last_page))?;
        out.serialize_field("links", &self.links())?;
        let next = self.has_more_pages().then(|| self.page_url(self.current_page + 1)).flatten();
        out.serialize_field("next_page_url", &next)?;
        out.serialize_field("path", &self.path)?;
        out.serialize_field("per_page", &self.per_page)?;
        let previous = (self.current_page > 1).then(|| self.page_url(self.current_page - 1)).flatten();
        out.serialize_field("prev_page_url", &previous)?;
        out.serialize_field("to", &self.to)?;
        out.serialize_field("total", &self.total)?;
        out.end()
    }
}

impl<T> SimplePaginated<T> {
    /// The same page, its URLs built on `path` (as [`Paginated::with_path`]).
    pub fn with_path(self, path: impl Into<String>) -> Self {
        SimplePaginated { path: Some(path.into()), ..self }
    }
}

impl<T: Serialize> Serialize for SimplePaginated<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let path = self.path.as_deref();
        let mut out = s.serialize_struct("SimplePaginated", 10)?;
        out.serialize_field("current_page", &self.current_page)?;
        out.serialize_field("data", &self.data)?;
        out.serialize_field("first_page_url", &url(path, "page", 1))?;
        out.serialize_field("from", &self.from)?;
        let next = self.has_more_pages.then(|| url(path, "page", self.current_page + 1)).flatten();
        out.serialize_field("next_page_url", &next)?;
        out.serialize_field("path", &self.path)?;
        out.serialize_field("per_page", &self.per_page)?;
        let previous = (self.current_page > 1).then(|| url(path, "page", self.current_page - 1)).flatten();
        out.serialize_field("prev_page_url", &previous)?;
        out.serialize_field("to", &self.to)?;
        out.serialize_field("has_more_pages", &self.has_more_pages)?;
        out.end()
    }
}

impl<T> CursorPaginated<T> {
    /// The same page, its URLs built on `path` (`cursor=` is added to it).
    pub fn with_path(self, path: impl Into<String>) -> Self {
        CursorPaginated { path: Some(path.into()), ..self }
    }
}

impl<T: Serialize> Serialize for CursorPaginated<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // A cursor is hex digits: nothing in it needs escaping in a URL.
        let link = |cursor: &Option<String>| cursor.as_ref().and_then(|c| url(self.path.as_deref(), "cursor", c));
        let mut out = s.serialize_struct("CursorPaginated", 7)?;
        out.serialize_field("data", &self.data)?;
        out.serialize_field("path", &self.path)?;
        out.serialize_field("per_page", &self.per_page)?;
        out.serialize_field("next_cursor", &self.next_cursor)?;
        out.serialize_field("next_page_url", &link(&self.next_cursor))?;
        out.serialize_field("prev_cursor", &self.prev_cursor)?;
        out.serialize_field("prev_page_url", &link(&self.prev_cursor))?;
        out.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(current: u64, last: u64) -> String {
        let page = Paginated::new(vec![0; 1], last * 10, 10, current);
        page.links()
            .iter()
            .map(|l| if l.active { format!("[{}]", l.label) } else { l.label.clone() })
            .collect::<Vec<_>>()[1..]
            .split_last()
            .map(|(_, pages)| pages.join(" "))
            .unwrap()
    }

    #[test]
    fn links_follow_laravels_url_window() {
        assert_eq!(labels(1, 1), "[1]");
        assert_eq!(labels(3, 13), "1 2 [3] 4 5 6 7 8 9 10 11 12 13");
        assert_eq!(labels(1, 20), "[1] 2 3 4 5 6 7 8 9 10 ... 19 20");
        assert_eq!(labels(7, 20), "1 2 3 4 5 6 [7] 8 9 10 ... 19 20");
        assert_eq!(labels(8, 20), "1 2 ... 5 6 7 [8] 9 10 11 ... 19 20");
        assert_eq!(labels(13, 20), "1 2 ... 10 11 12 [13] 14 15 16 ... 19 20");
        assert_eq!(labels(14, 20), "1 2 ... 11 12 13 [14] 15 16 17 18 19 20");
        assert_eq!(labels(20, 20), "1 2 ... 11 12 13 14 15 16 17 18 19 [20]");
    }

    #[test]
    fn urls_are_null_without_a_path_and_keep_a_query_string() {
        let page = Paginated::new(vec![1, 2], 5, 2, 2);
        let json = serde_json::to_value(&page).unwrap();
        assert!(json["next_page_url"].is_null() && json["path"].is_null());
        assert_eq!(json["links"].as_array().unwrap().len(), 5, "previous, 1, 2, 3, next");
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 13);
        let json = serde_json::to_value(page.with_path("/p")).unwrap();
        assert_eq!(json["first_page_url"], "/p?page=1");
        assert_eq!(json["prev_page_url"], "/p?page=1");
        assert_eq!(json["last_page_url"], "/p?page=3");
        let cursor = CursorPaginated {
            data: vec![1],
            per_page: 1,
            next_cursor: Some("7b7d".into()),
            prev_cursor: None,
            path: None,
        };
        let json = serde_json::to_value(cursor.with_path("/c?x=1")).unwrap();
        assert_eq!(json["next_page_url"], "/c?x=1&cursor=7b7d");
        assert!(json["prev_page_url"].is_null());
    }
}
