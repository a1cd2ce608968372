//! Query builder depth (issue 16) on each database: subqueries in conditions, select lists,
//! sources and joins (correlated ones too), negated groups, conditions across columns, date
//! parts.

use bunary_orm::prelude::*;
use bunary_orm::schema::Schema;
use chrono::{NaiveDate, NaiveTime};

use super::Harness;

async fn tables(h: &Harness) -> Result<()> {
    let schema = Schema::on(&h.db);
    schema
        .create_table("d_users", |t| {
            t.id();
            t.string("name", 50);
            t.string("email", 100);
            t.string("role", 20);
            t.big_integer("score");
            t.timestamp("joined_at");
        })
        .await?;
    schema
        .create_table("d_posts", |t| {
            t.id();
            t.big_integer("d_user_id");
            t.boolean("published");
        })
        .await?;
    let at = |y, m, d, hh| NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(hh, 30, 0).unwrap();
    let users = [
        ("ada", "ada@math.org", "admin", 90, at(2025, 12, 10, 9)),
        ("bob", "bob@web.dev", "user", 40, at(2026, 3, 5, 14)),
        ("cy", "cy@math.org", "user", 70, at(2026, 3, 20, 8)),
    ];
    for (name, email, role, score, joined) in users {
        h.db.table("d_users")
            .insert(
                record! { "name" => name, "email" => email, "role" => role, "score" => score, "joined_at" => joined },
            )
            .await?;
    }
    for (user, published) in [(1, true), (1, true), (2, false), (3, true)] {
        h.db.table("d_posts").insert(record! { "d_user_id" => user, "published" => published }).await?;
    }
    Ok(())
}

async fn names(q: Builder) -> Result<Vec<String>> {
    q.order_by("d_users.name", Direction::Asc).pluck::<String>("d_users.name").await
}

pub async fn subqueries_filter_compute_and_join(h: &Harness) -> Result<()> {
    tables(h).await?;
    let users = || h.db.table("d_users");
    let published = || h.db.table("d_posts").select(["d_user_id"]).where_("published", true);
    assert_eq!(names(users().where_in_sub("id", published())).await?, ["ada", "cy"]);
    assert_eq!(names(users().where_not_in_sub("id", published())).await?, ["bob"]);
    let average = h.db.table("d_users").select_raw("AVG(score)", []);
    assert_eq!(names(users().where_sub("score", ">", average)).await?, ["ada", "cy"]);

    // A correlated subquery as a column.
    let count = h.db.table("d_posts").select_raw("COUNT(*)", []).where_column("d_posts.d_user_id", "=", "d_users.id");
    let rows = users().select(["name"]).select_sub(count, "posts").order_by("name", Direction::Asc).get().await?;
    let counts: Vec<(String, i64)> =
        rows.iter().map(|r| Ok((r.get::<String>("name")?, r.get::<i64>("posts")?))).collect::<Result<_>>()?;
    assert_eq!(counts, [("ada".to_owned(), 2), ("bob".to_owned(), 1), ("cy".to_owned(), 1)]);

    // From a subquery, and joined to one.
    let math = h.db.table("d_users").where_like("email", "%@math.org");
    assert_eq!(h.db.table("x").from_sub(math.clone(), "m").count().await?, 2);
    assert_eq!(
        h.db.table("x").from_sub(math, "m").where_op("m.score", ">", 80).pluck::<String>("m.name").await?,
        ["ada"]
    );
    let per_user =
        h.db.table("d_posts")
            .select(["d_user_id"])
            .select_raw("COUNT(*) AS n", [])
            .where_("published", true)
            .group_by(["d_user_id"]);
    let joined = users().join_sub(per_user, "c", "c.d_user_id", "=", "d_users.id").where_op("c.n", ">=", 2);
    assert_eq!(names(joined).await?, ["ada"]);
    let left = h.db.table("d_posts").select(["d_user_id"]).where_("published", false);
    let with_drafts = users().left_join_sub(left, "dr", "dr.d_user_id", "=", "d_users.id").where_null("dr.d_user_id");
    assert_eq!(names(with_drafts).await?, ["ada", "cy"]);
    // A query from a subquery writes nothing.
    let e = h.db.table("x").from_sub(users(), "u").delete().await;
    assert!(matches!(e, Err(Error::InvalidQuery { .. })), "{e:?}");
    assert_eq!(users().count().await?, 3);
    Ok(())
}

pub async fn negated_groups_columns_and_dates(h: &Harness) -> Result<()> {
    tables(h).await?;
    let users = || h.db.table("d_users");
    assert_eq!(names(users().where_not(|q| q.where_("role", "admin").or_where_op("score", "<", 50))).await?, ["cy"]);
    assert_eq!(names(users().where_any(&["name", "email"], "like", "%ad%")).await?, ["ada"]);
    assert_eq!(names(users().where_any(&["name", "email"], "like", "%o%")).await?, ["ada", "bob", "cy"]);
    assert_eq!(names(users().where_all(&["name", "email"], "like", "%b%")).await?, ["bob"]);
    assert_eq!(names(users().where_none(&["name", "email"], "like", "%a%")).await?, ["bob"]);

    let day = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
    assert_eq!(names(users().where_date("joined_at", "=", day)).await?, ["bob"]);
    assert_eq!(names(users().where_date("joined_at", ">", day)).await?, ["cy"]);
    assert_eq!(names(users().where_year("joined_at", "=", 2026)).await?, ["bob", "cy"]);
    assert_eq!(names(users().where_month("joined_at", "=", 12)).await?, ["ada"]);
    assert_eq!(names(users().where_day("joined_at", ">=", 10)).await?, ["ada", "cy"]);
    let noon = NaiveTime::from_hms_opt(12, 0, 0).unwrap();
    assert_eq!(names(users().where_time("joined_at", "<", noon)).await?, ["ada", "cy"]);
    assert_eq!(names(users().where_past("joined_at")).await?, ["ada", "bob", "cy"]);
    assert!(names(users().where_future("joined_at")).await?.is_empty());
    assert!(names(users().where_today("joined_at")).await?.is_empty());
    assert_eq!(names(users().where_before_today("joined_at")).await?, ["ada", "bob", "cy"]);
    Ok(())
}

pub async fn joins_unions_and_locks(h: &Harness) -> Result<()> {
    tables(h).await?;
    h.db.table("d_posts").insert(record! { "d_user_id" => 99, "published" => true }).await?;
    // A right join keeps the post whose user is gone.
    let orphans =
        h.db.table("d_users")
            .right_join("d_posts", "d_posts.d_user_id", "=", "d_users.id")
            .where_null("d_users.id")
            .pluck::<i64>("d_posts.d_user_id")
            .await?;
    assert_eq!(orphans, [99]);
    let pairs = h.db.table("d_users").cross_join("d_posts").count().await?;
    assert_eq!(pairs, 3 * 5);
    let published_by_admins =
        h.db.table("d_posts")
            .join_with("d_users", |j| j.on("d_users.id", "=", "d_posts.d_user_id").where_("d_users.role", "admin"))
            .where_("d_posts.published", true)
            .count()
            .await?;
    assert_eq!(published_by_admins, 2);

    // Unions, ordered and limited as a whole.
    let names =
        h.db.table("d_users")
            .select(["name"])
            .where_("role", "admin")
            .union(h.db.table("d_users").select(["name"]).where_op("score", "<", 50))
            .union_all(h.db.table("d_users").select(["name"]).where_("name", "ada"))
            .order_by("name", Direction::Desc)
            .pluck::<String>("name")
            .await?;
    assert_eq!(names, ["bob", "ada", "ada"]);
    let distinct = h.db.table("d_users").select(["role"]).union(h.db.table("d_users").select(["role"]));
    assert_eq!(distinct.count().await?, 2);
    assert_eq!(distinct.clone().order_by("role", Direction::Asc).limit(1).pluck::<String>("role").await?, ["admin"]);

    // A locking read in a transaction; on PostgreSQL and MySQL another transaction waits for it.
    let db = h.db.clone();
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::<&str>::new()));
    let (locked_tx, locked_rx) = tokio::sync::oneshot::channel();
    let first = {
        let (db, log) = (db.clone(), log.clone());
        tokio::spawn(async move {
            db.transaction(|tx| async move {
                let row = tx.table("d_users").where_("name", "ada").lock_for_update().first().await?;
                assert!(row.is_some());
                let _ = locked_tx.send(());
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                tx.table("d_users").where_("name", "ada").update(record! { "score" => 91 }).await?;
                log.lock().unwrap().push("first committed");
                Ok::<_, Error>(())
            })
            .await
        })
    };
    locked_rx.await.map_err(|_| Error::other("the first transaction stopped"))?;
    let second = db
        .transaction(|tx| async move {
            let row = tx.table("d_users").where_("name", "ada").lock_for_update().first().await?.expect("ada");
            tx.table("d_users")
                .where_("name", "ada")
                .update(record! { "score" => row.get::<i64>("score")? + 1 })
                .await?;
            Ok::<_, Error>(())
        })
        .await;
    log.lock().unwrap().push("second committed");
    first.await.map_err(|e| Error::other(e.to_string()))??;
    second?;
    let score: i64 = h.db.table("d_users").where_("name", "ada").value("score").await?.unwrap();
    if h.db.dialect() != bunary_orm::Dialect::Sqlite {
        assert_eq!(*log.lock().unwrap(), ["first committed", "second committed"], "the second waited for the lock");
        assert_eq!(score, 92, "the second read the first's write");
    } else {
        // SQLite: no row locks; its single writer serialises the two writes.
        assert!(score == 92 || score == 91, "{score}");
    }
    Ok(())
}

pub async fn write_forms_and_pages(h: &Harness) -> Result<()> {
    tables(h).await?;
    Schema::on(&h.db)
        .create_table("d_tags", |t| {
            t.id();
            t.string("name", 50).unique();
            t.big_integer("uses").default(0);
            t.big_integer("likes").default(0);
        })
        .await?;
    let tags = || h.db.table("d_tags");
    let added = tags()
        .insert_or_ignore(vec![record! { "name" => "rust" }, record! { "name" => "go" }, record! { "name" => "rust" }])
        .await?;
    assert_eq!(added, 2);
    assert_eq!(tags().insert_or_ignore(vec![record! { "name" => "go" }]).await?, 0);
    assert_eq!(tags().insert_or_ignore(Vec::new()).await?, 0);
    // insert_using: a row per user name.
    let copied =
        tags().insert_using(&["name"], h.db.table("d_users").select(["name"]).where_op("score", ">", 50)).await?;
    assert_eq!(copied, 2);
    assert_eq!(tags().count().await?, 4);
    // update_or_insert: false when it updated, true when it inserted.
    assert!(!tags().update_or_insert(record! { "name" => "rust" }, record! { "uses" => 3 }).await?);
    assert!(tags().update_or_insert(record! { "name" => "zig" }, record! { "uses" => 1 }).await?);
    assert_eq!(tags().where_("name", "zig").value::<i64>("uses").await?, Some(1));
    // increment_each / decrement_each: several columns in one statement.
    let matched =
        tags().where_("name", "rust").increment_each(record! { "uses" => 2, "likes" => 5 }, record! {}).await?;
    assert_eq!(matched, 1);
    tags().where_("name", "rust").decrement_each(record! { "likes" => 1 }, record! { "name" => "rust!" }).await?;
    let row = tags().where_("name", "rust!").first().await?.expect("renamed");
    assert_eq!((row.get::<i64>("uses")?, row.get::<i64>("likes")?), (5, 4));
    assert!(tags().increment_each(record! { "uses" => "x" }, record! {}).await.is_err());

    // Pages: simple pages read one row more; paginate skips the data query past the end.
    let page = tags().order_by("id", Direction::Asc).simple_paginate(PerPage(2), Page(1)).await?;
    assert_eq!((page.data.len(), page.has_more_pages, page.from, page.to), (2, true, Some(1), Some(2)));
    let last = tags().order_by("id", Direction::Asc).simple_paginate(PerPage(2), Page(3)).await?;
    assert_eq!((last.data.len(), last.has_more_pages), (1, false));
    let json = serde_json::to_value(&last).unwrap();
    assert_eq!((json["current_page"].as_u64(), json["per_page"].as_u64()), (Some(3), Some(2)));
    let beyond = tags().paginate(PerPage(2), Page(9)).await?;
    assert_eq!((beyond.total, beyond.data.len(), beyond.last_page), (5, 0, 3));
    let none = tags().where_("name", "nope").paginate(PerPage(2), Page(1)).await?;
    assert_eq!((none.total, none.data.len()), (0, 0));
    // pluck_keyed: key to value, into the collection asked for.
    let uses: std::collections::HashMap<String, i64> = tags().pluck_keyed("uses", "name").await?;
    assert_eq!((uses["rust!"], uses["zig"]), (5, 1));
    let ordered: Vec<(i64, String)> = tags().order_by("id", Direction::Asc).limit(2).pluck_keyed("name", "id").await?;
    assert_eq!(ordered.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>(), ["rust!", "go"]);
    // when_some / unless.
    let role: Option<&str> = Some("admin");
    assert_eq!(h.db.table("d_users").when_some(role, |q, r| q.where_("role", r)).count().await?, 1);
    assert_eq!(h.db.table("d_users").unless(true, |q| q.where_("role", "none")).count().await?, 3);
    assert_eq!(h.db.table("d_users").in_random_order().count().await?, 3);
    Ok(())
}

pub async fn sql_of_every_statement_raw_sql_and_explain(h: &Harness) -> Result<()> {
    tables(h).await?;
    let dialect = h.db.dialect();
    // What sql_for says is what runs: the statement run by hand does the same.
    let q = h.db.table("d_users").where_("name", "bob");
    let update = q.sql_for(dialect).update(record! { "score" => 41 })?;
    assert_eq!(h.db.exec(&update.sql, &update.bindings).await?.rows_affected, 1);
    assert_eq!(q.value::<i64>("score").await?, Some(41));
    let count = q.sql_for(dialect).count()?;
    assert_eq!(h.db.query(&count.sql, &count.bindings).await?[0].get::<i64>("aggregate")?, 1);
    // Raw SQL is for reading; read back here, it finds what the bound query finds, whatever
    // the text holds (quotes, backslashes).
    let tricky = "o'neil \\ \"x\" -- ;";
    h.db.table("d_users")
        .insert(record! { "name" => tricky, "email" => "o@x", "role" => "user", "score" => 1, "joined_at" => chrono::Utc::now().naive_utc() })
        .await?;
    let raw = h.db.table("d_users").select(["email"]).where_("name", tricky).to_raw_sql(dialect)?;
    let rows = h.db.query(&raw, &[]).await?;
    assert_eq!(rows.len(), 1, "{raw}");
    assert_eq!(rows[0].get::<String>("email")?, "o@x");
    // The database's plan.
    let plan = h.db.table("d_users").where_("id", 1).explain().await?;
    assert!(!plan.is_empty());
    Ok(())
}

pub async fn null_safe_and_bitwise_operators(h: &Harness) -> Result<()> {
    tables(h).await?;
    let users = || h.db.table("d_users");
    // 90 = 0b1011010, 40 = 0b0101000, 70 = 0b1000110.
    assert_eq!(names(users().where_op("score", "&", 8)).await?, ["ada", "bob"]);
    assert_eq!(names(users().where_op("score", "&", 4)).await?, ["cy"]);
    assert_eq!(names(users().where_op("score", ">>", 6)).await?, ["ada", "cy"]);
    assert_eq!(names(users().where_op("email", "<=>", "ada@math.org")).await?, ["ada"]);
    assert!(names(users().where_op("email", "<=>", Value::Null)).await?.is_empty());
    assert_eq!(names(users().where_column("name", "<=>", "name")).await?, ["ada", "bob", "cy"]);
    Ok(())
}

#[derive(Model, Debug, Clone, Default)]
#[orm(table = "d_users", timestamps = false)]
pub struct DUser {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub score: i64,
    pub joined_at: Option<chrono::NaiveDateTime>,
    pub state: ModelState,
}

pub async fn model_queries_take_the_same_conditions(h: &Harness) -> Result<()> {
    tables(h).await?;
    let found = DUser::on(&h.db)
        .where_any(&["name", "email"], "like", "%a%")
        .where_year("joined_at", "=", 2025)
        .where_in_sub("id", h.db.table("d_posts").select(["d_user_id"]).where_("published", true))
        .where_not(|q| q.where_("role", "user"))
        .get()
        .await?;
    assert_eq!(found.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(), ["ada"]);
    let locked =
        h.db.transaction(|tx| async move { DUser::on(&tx).where_op("score", "&", 4).lock_for_update().first().await })
            .await?;
    assert_eq!(locked.map(|u| u.name), Some("cy".to_owned()));
    let role: Option<&str> = None;
    assert_eq!(DUser::on(&h.db).when_some(role, |q, r| q.where_("role", r)).count().await?, 3);
    Ok(())
}

pub async fn streams_by_key_and_by_offset(h: &Harness) -> Result<()> {
    use futures_util::TryStreamExt;
    tables(h).await?;
    for n in 0..7 {
        h.db.table("d_posts").insert(record! { "d_user_id" => 10 + n, "published" => n % 2 == 0 }).await?;
    }
    let posts = || h.db.table("d_posts");
    // lazy: in the query's order, capped by its limit.
    let ordered: Vec<i64> = posts()
        .order_by("d_user_id", Direction::Desc)
        .limit(5)
        .lazy(2)
        .map_ok(|r| r.get::<i64>("d_user_id").unwrap())
        .try_collect()
        .await?;
    assert_eq!(ordered, [16, 15, 14, 13, 12]);
    // lazy_by_id: by key, every row once even while rows are deleted behind it.
    let mut seen = 0;
    let mut stream = std::pin::pin!(posts().lazy_by_id(3, "id"));
    while let Some(row) = stream.try_next().await? {
        seen += 1;
        posts().where_("id", row.get::<i64>("id")?).delete().await?;
    }
    assert_eq!((seen, posts().count().await?), (11, 0));
    for n in 0..5 {
        h.db.table("d_posts").insert(record! { "d_user_id" => n, "published" => true }).await?;
    }
    // chunk_by_id and each_by_id, updating as they go.
    let mut chunks = Vec::new();
    posts()
        .chunk_by_id(2, "id", |rows| {
            chunks.push(rows.len());
            async { Ok(true) }
        })
        .await?;
    assert_eq!(chunks, [2, 2, 1]);
    let mut visited = 0;
    posts()
        .where_("published", true)
        .each_by_id(2, "id", |row| {
            visited += 1;
            let db = h.db.clone();
            async move {
                db.table("d_posts")
                    .where_("id", row.get::<i64>("id")?)
                    .update(record! { "published" => false })
                    .await?;
                Ok(true)
            }
        })
        .await?;
    assert_eq!((visited, posts().where_("published", true).count().await?), (5, 0));
    assert!(posts().latest_by("id").chunk_by_id(2, "id", |_| async { Ok(true) }).await.is_err());
    // Model queries stream too.
    let users: Vec<DUser> = DUser::on(&h.db).cursor(1).try_collect().await?;
    assert_eq!(users.len(), 3);
    Ok(())
}

pub async fn cursor_pages_with_mixed_directions(h: &Harness) -> Result<()> {
    tables(h).await?;
    for (name, score) in [("dee", 70), ("eve", 40), ("fay", 90), ("gus", 55)] {
        h.db.table("d_users")
            .insert(record! { "name" => name, "email" => "x@y", "role" => "user", "score" => score, "joined_at" => chrono::Utc::now().naive_utc() })
            .await?;
    }
    // Score descending, then name ascending: ties broken by name, then by key.
    let q = || h.db.table("d_users").order_by("score", Direction::Desc).order_by("name", Direction::Asc);
    let expected: Vec<String> = q().pluck("name").await?;
    assert_eq!(expected, ["ada", "fay", "cy", "dee", "gus", "bob", "eve"]);
    let mut walked = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = Vec::new();
    loop {
        let page = q().cursor_paginate(PerPage(3), cursor.as_deref()).await?;
        walked.extend(page.data.iter().map(|r| r.get::<String>("name").unwrap()));
        pages.push(page.clone());
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(walked, expected);
    assert_eq!(pages.len(), 3);
    assert!(pages[0].prev_cursor.is_none());
    // Back from the last page.
    let back = q().cursor_paginate(PerPage(3), pages[2].prev_cursor.as_deref()).await?;
    let names: Vec<String> = back.data.iter().map(|r| r.get::<String>("name").unwrap()).collect();
    assert_eq!(names, ["dee", "gus", "bob"]);
    let json = serde_json::to_value(&back).unwrap();
    assert!(json["next_cursor"].is_string() && json.get("per_page").is_some());
    // A cursor that this query did not make: refused before any SQL.
    let forged: String = r#"{"score":"1 OR 1=1","_next":true}"#.bytes().map(|b| format!("{b:02x}")).collect();
    for bad in ["zz", "7b7d", forged.as_str(), "not a cursor at all"] {
        let e = q().cursor_paginate(PerPage(3), Some(bad)).await;
        assert!(
            matches!(e, Err(Error::InvalidQuery { problem: bunary_orm::QueryProblem::InvalidCursor { .. } })),
            "{bad}: {e:?}"
        );
    }
    assert!(h.db.table("d_users").in_random_order().cursor_paginate(PerPage(2), None).await.is_err());
    Ok(())
}

pub async fn model_streams_take_an_order_and_a_limit(h: &Harness) -> Result<()> {
    use futures_util::TryStreamExt;
    tables(h).await?;
    let by_score: Vec<String> =
        DUser::on(&h.db).order_by("score", Direction::Desc).lazy(2).map_ok(|u| u.name).try_collect().await?;
    assert_eq!(by_score, ["ada", "cy", "bob"]);
    let capped: Vec<String> = DUser::on(&h.db).limit(2).cursor(1).map_ok(|u| u.name).try_collect().await?;
    assert_eq!(capped, ["ada", "bob"], "by key, capped");
    let mut sizes = Vec::new();
    DUser::on(&h.db)
        .order_by("name", Direction::Desc)
        .limit(3)
        .chunk(2, |users| {
            sizes.push(users.iter().map(|u| u.name.clone()).collect::<Vec<_>>());
            async { Ok(true) }
        })
        .await?;
    assert_eq!(sizes, [vec!["cy".to_owned(), "bob".to_owned()], vec!["ada".to_owned()]]);
    // By key, every model once while they change; models come loaded and save back.
    let mut seen = 0;
    DUser::on(&h.db)
        .each_by_id(1, "id", |mut user| async move {
            user.score += 1;
            user.save().await?;
            Ok(true)
        })
        .await?;
    DUser::on(&h.db)
        .chunk_by_id(2, "id", |users| {
            seen += users.len();
            async { Ok(true) }
        })
        .await?;
    assert_eq!(seen, 3);
    assert_eq!(DUser::on(&h.db).sum::<i64>("score").await?, 90 + 40 + 70 + 3);
    let refused: Result<Vec<DUser>> = DUser::on(&h.db).latest_by("id").lazy_by_id(2, "id").try_collect().await;
    assert!(refused.is_err());
    Ok(())
}

pub async fn model_pages_without_a_count(h: &Harness) -> Result<()> {
    tables(h).await?;
    let page = DUser::on(&h.db).order_by("name", Direction::Asc).simple_paginate(PerPage(2), Page(1)).await?;
    assert_eq!(page.data.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(), ["ada", "bob"]);
    assert!(page.has_more_pages && page.data[0].exists(), "loaded models");
    let first = DUser::on(&h.db).order_by("score", Direction::Desc).cursor_paginate(PerPage(2), None).await?;
    assert_eq!(first.data.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(), ["ada", "cy"]);
    let next = DUser::on(&h.db)
        .order_by("score", Direction::Desc)
        .cursor_paginate(PerPage(2), first.next_cursor.as_deref())
        .await?;
    assert_eq!(next.data.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(), ["bob"]);
    assert!(next.next_cursor.is_none() && next.prev_cursor.is_some());
    let mut bob = next.data.into_iter().next().unwrap();
    bob.score += 1;
    bob.save().await?;
    assert_eq!(DUser::on(&h.db).where_("name", "bob").value::<i64>("score").await?, Some(41));
    Ok(())
}
