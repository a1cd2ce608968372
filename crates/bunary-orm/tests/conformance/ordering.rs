//! Ordering on each database: `latest()`/`oldest()` by a model's own `created_at` column, order
//! directions read from strings, and cursor pages over timestamp columns with ties.

use bunary_orm::prelude::*;
use bunary_orm::schema::Schema;
use chrono::{NaiveDate, NaiveDateTime};

use super::Harness;

#[derive(Model, Debug, Clone, Default)]
#[orm(table = "o_events", timestamps(created_at = "made_at", updated_at = "changed_at"))]
pub struct OEvent {
    pub id: i64,
    pub title: String,
    pub made_at: Option<NaiveDateTime>,
    pub changed_at: Option<NaiveDateTime>,
    pub created_at: Option<NaiveDateTime>,
    pub state: ModelState,
}

fn at(d: u32, h: u32, micros: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 5, d).unwrap().and_hms_micro_opt(h, 0, 0, micros).unwrap()
}

async fn events(h: &Harness) -> Result<()> {
    Schema::on(&h.db)
        .create_table("o_events", |t| {
            t.id();
            t.string("title", 40);
            t.timestamp("made_at").nullable();
            t.timestamp("changed_at").nullable();
            t.timestamp("created_at").nullable();
        })
        .await?;
    // `made_at` and the unrelated `created_at` column disagree, so an order by the wrong one shows.
    for (title, made, created) in
        [("b", at(2, 9, 0), at(9, 9, 0)), ("c", at(3, 9, 0), at(1, 9, 0)), ("a", at(1, 9, 0), at(5, 9, 0))]
    {
        h.db.table("o_events")
            .insert(record! { "title" => title, "made_at" => made, "changed_at" => made, "created_at" => created })
            .await?;
    }
    Ok(())
}

pub async fn latest_and_oldest_follow_the_models_created_at(h: &Harness) -> Result<()> {
    events(h).await?;
    let titles = |v: Vec<OEvent>| v.into_iter().map(|e| e.title).collect::<Vec<_>>();
    assert_eq!(titles(OEvent::on(&h.db).latest().get().await?), ["c", "b", "a"], "by made_at");
    assert_eq!(titles(OEvent::on(&h.db).oldest().get().await?), ["a", "b", "c"]);
    assert_eq!(titles(OEvent::on(&h.db).latest_by("title").get().await?), ["c", "b", "a"]);
    // The query builder knows no model: its latest() is Eloquent's default column.
    let rows: Vec<String> = h.db.table("o_events").latest().pluck("title").await?;
    assert_eq!(rows, ["b", "a", "c"], "by created_at");
    let rows: Vec<String> = h.db.table("o_events").oldest().order_by_asc("title").pluck("title").await?;
    assert_eq!(rows, ["c", "a", "b"]);
    // A direction from a request: parsed, never pasted.
    let dir: Direction = "DESC".parse()?;
    let rows: Vec<String> = h.db.table("o_events").order_by("title", dir).pluck("title").await?;
    assert_eq!(rows, ["c", "b", "a"]);
    let bad = "desc, (SELECT 1)".parse::<Direction>();
    assert!(
        matches!(bad, Err(Error::InvalidQuery { problem: bunary_orm::QueryProblem::InvalidDirection { .. } })),
        "{bad:?}"
    );
    Ok(())
}

pub async fn cursor_pages_over_timestamps_with_ties(h: &Harness) -> Result<()> {
    Schema::on(&h.db)
        .create_table("o_logs", |t| {
            t.id();
            t.timestamp("seen_at");
        })
        .await?;
    // Ties on the timestamp (broken by the key), and seconds apart only.
    let stamps = [at(1, 8, 0), at(1, 9, 0), at(1, 9, 0), at(1, 9, 0), at(2, 0, 0), at(1, 8, 0), at(3, 23, 0)];
    for seen in stamps {
        h.db.table("o_logs").insert(record! { "seen_at" => seen }).await?;
    }
    let q = || h.db.table("o_logs").order_by("seen_at", Direction::Desc);
    let expected: Vec<i64> = q().order_by_asc("id").pluck("id").await?;
    assert_eq!(expected, [7, 5, 2, 3, 4, 1, 6]);
    for per_page in 1..=4 {
        let mut walked = Vec::new();
        let mut cursor: Option<String> = None;
        let last = loop {
            // A cursor that does not move on would walk forever: fail instead.
            assert!(walked.len() <= expected.len(), "{per_page} a page: no progress, {walked:?}");
            let page = q().cursor_paginate(PerPage(per_page), cursor.as_deref()).await?;
            walked.extend(page.data.iter().map(|r| r.get::<i64>("id").unwrap()));
            cursor = page.next_cursor.clone();
            if cursor.is_none() {
                break page;
            }
        };
        assert_eq!(walked, expected, "{per_page} a page");
        // And back from the last page to the first: every row before the last page, in order.
        let mut back = Vec::new();
        let mut prev = last.prev_cursor.clone();
        while let Some(c) = prev {
            assert!(back.len() <= expected.len(), "{per_page} a page backwards: no progress, {back:?}");
            let page = q().cursor_paginate(PerPage(per_page), Some(&c)).await?;
            back.splice(0..0, page.data.iter().map(|r| r.get::<i64>("id").unwrap()));
            prev = page.prev_cursor;
        }
        assert_eq!(back, expected[..expected.len() - last.data.len()], "{per_page} a page, backwards");
    }
    Ok(())
}

pub async fn pages_serialise_with_laravels_fields(h: &Harness) -> Result<()> {
    events(h).await?;
    let page = OEvent::on(&h.db).oldest().paginate(PerPage(1), Page(2)).await?.with_path("/events");
    let json = serde_json::to_value(&page).unwrap();
    assert_eq!(json["data"][0]["title"], "b");
    assert_eq!(
        (json["prev_page_url"].as_str(), json["next_page_url"].as_str()),
        (Some("/events?page=1"), Some("/events?page=3"))
    );
    assert_eq!(json["last_page_url"], "/events?page=3");
    let labels: Vec<&str> = json["links"].as_array().unwrap().iter().map(|l| l["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["&laquo; Previous", "1", "2", "3", "Next &raquo;"]);
    assert_eq!(json["links"][2]["active"], true);
    let simple = OEvent::on(&h.db).oldest().simple_paginate(PerPage(2), Page(2)).await?.with_path("/events");
    let json = serde_json::to_value(&simple).unwrap();
    assert_eq!((json["prev_page_url"].as_str(), json["next_page_url"].as_str()), (Some("/events?page=1"), None));
    let first = OEvent::on(&h.db).oldest().cursor_paginate(PerPage(2), None).await?.with_path("/events");
    let json = serde_json::to_value(&first).unwrap();
    let next = json["next_page_url"].as_str().unwrap().strip_prefix("/events?cursor=").unwrap();
    let second = OEvent::on(&h.db).oldest().cursor_paginate(PerPage(2), Some(next)).await?;
    assert_eq!(second.data.iter().map(|e| e.title.as_str()).collect::<Vec<_>>(), ["c"]);
    Ok(())
}
