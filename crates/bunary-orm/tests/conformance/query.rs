//! The query builder against a real database: the seed's semantics and Eloquent's.

use bunary_orm::{params, record, Direction, Error, OnConflict, Page, PerPage, QueryProblem, Record, Result, Value};
use futures_util::TryStreamExt;

use super::Harness;

/// The seed's fixture: three users (and a few posts for joins). Returns the two table names.
async fn fixture(h: &Harness) -> Result<(String, String)> {
    let users = h.table("users");
    let posts = h.table("posts");
    h.create_table(&users, "name VARCHAR(100) NOT NULL, email VARCHAR(100) NOT NULL UNIQUE, age INTEGER, active BOOLEAN NOT NULL, role VARCHAR(20)").await?;
    h.create_table(&posts, "user_id BIGINT NOT NULL, title VARCHAR(200) NOT NULL, views INTEGER NOT NULL").await?;
    h.db.table(&users)
        .insert_many(vec![
            record! { "name" => "Alice", "email" => "alice@example.com", "age" => 30, "active" => true, "role" => "admin" },
            record! { "name" => "Bob", "email" => "bob@example.com", "age" => 25, "active" => false, "role" => "user" },
            record! { "name" => "Carol", "email" => "carol@example.com", "age" => None::<i64>, "active" => true, "role" => "user" },
        ])
        .await?;
    h.db.table(&posts)
        .insert_many(vec![
            record! { "user_id" => 1, "title" => "Hello", "views" => 10 },
            record! { "user_id" => 1, "title" => "Again", "views" => 5 },
            record! { "user_id" => 3, "title" => "Mine", "views" => 7 },
        ])
        .await?;
    Ok((users, posts))
}

fn names(rows: &[bunary_orm::Row]) -> Vec<String> {
    rows.iter().map(|r| r.get::<String>("name").unwrap()).collect()
}

pub async fn find_returns_the_row_or_none(h: &Harness) -> Result<()> {
    let (users, _) = fixture(h).await?;
    let bob = h.db.table(&users).find(2).await?.expect("user 2");
    assert_eq!(bob.get::<String>("name")?, "Bob");
    assert!(h.db.table(&users).find(999).await?.is_none());
    let by_email = h.db.table(&users).find_by("email", "carol@example.com").await?.unwrap();
    assert_eq!(by_email.get::<i64>("id")?, 3);
    // The key condition binds to the whole of an OR: `(name = 'Alice' OR name = 'Bob') AND id = 3`.
    let either = || h.db.table(&users).where_("name", "Alice").or_where("name", "Bob");
    assert!(either().find(3).await?.is_none(), "Carol matches neither name");
    assert_eq!(either().find(2).await?.expect("Bob").get::<String>("name")?, "Bob");
    // The same query twice (the second from the cached plain statement) and with other keys.
    assert_eq!(h.db.table(&users).find(1).await?.unwrap().get::<String>("name")?, "Alice");
    assert_eq!(h.db.table(&users).key("email").find("bob@example.com").await?.unwrap().get::<i64>("id")?, 2);
    Ok(())
}

pub async fn where_with_every_operator(h: &Harness) -> Result<()> {
    let (users, _) = fixture(h).await?;
    let q = || h.db.table(&users).oldest_by("id");
    assert_eq!(names(&q().where_("name", "Bob").get().await?), ["Bob"]);
    assert_eq!(names(&q().where_op("age", "=", 30).get().await?), ["Alice"]);
    assert_eq!(names(&q().where_op("age", "!=", 30).get().await?), ["Bob"]);
    assert_eq!(names(&q().where_op("age", "<>", 25).get().await?), ["Alice"]);
    assert_eq!(names(&q().where_op("age", "<", 30).get().await?), ["Bob"]);
    assert_eq!(names(&q().where_op("age", "<=", 30).get().await?), ["Alice", "Bob"]);
    assert_eq!(names(&q().where_op("age", ">", 25).get().await?), ["Alice"]);
    assert_eq!(names(&q().where_op("age", ">=", 25).get().await?), ["Alice", "Bob"]);
    assert_eq!(names(&q().where_op("name", "like", "%o%").get().await?), ["Bob", "Carol"]);
    assert_eq!(names(&q().where_op("name", "not like", "%o%").get().await?), ["Alice"]);
    assert_eq!(names(&q().where_op("name", "ilike", "ALI%").get().await?), ["Alice"]);
    assert_eq!(names(&q().where_op("name", "not ilike", "ALI%").get().await?), ["Bob", "Carol"]);
    assert_eq!(names(&q().where_("active", true).get().await?), ["Alice", "Carol"]);
    assert_eq!(names(&q().where_null("age").get().await?), ["Carol"]);
    assert_eq!(names(&q().where_not_null("age").get().await?), ["Alice", "Bob"]);
    assert_eq!(names(&q().where_between("age", 26, 40).get().await?), ["Alice"]);
    assert_eq!(names(&q().where_not_between("age", 26, 40).get().await?), ["Bob"]);
    assert_eq!(names(&q().where_like("email", "c%").get().await?), ["Carol"]);
    assert_eq!(names(&q().where_column("name", "=", "name").get().await?), ["Alice", "Bob", "Carol"]);
    Ok(())
}

pub async fn or_groups_and_raw_conditions(h: &Harness) -> Result<()> {
    let (users, _) = fixture(h).await?;
    let rows =
        h.db.table(&users)
            .where_("active", true)
            .where_group(|q| q.where_("role", "admin").or_where_null("age"))
            .oldest_by("id")
            .get()
            .await?;
    assert_eq!(names(&rows), ["Alice", "Carol"]);
    let without_group =
        h.db.table(&users).where_("active", false).or_where("role", "admin").oldest_by("id").get().await?;
    assert_eq!(names(&without_group), ["Alice", "Bob"]);
    // Raw fragments always use `?`; the grammar renumbers them for Postgres.
    let raw = h.db.table(&users).where_raw("age > ?", params![26]).get().await?;
    assert_eq!(names(&raw), ["Alice"]);
    Ok(())
}

pub async fn where_in_with_an_empty_list_matches_nothing(h: &Harness) -> Result<()> {
    let (users, _) = fixture(h).await?;
    let none: Vec<i64> = Vec::new();
    assert!(h.db.table(&users).where_in("id", none.clone()).get().await?.is_empty());
    assert_eq!(h.db.table(&users).where_not_in("id", none).count().await?, 3);
    assert_eq!(names(&h.db.table(&users).where_in("id", [1, 3]).oldest_by("id").get().await?), ["Alice", "Carol"]);
    assert_eq!(names(&h.db.table(&users).where_not_in("name", ["Alice", "Carol"]).get().await?), ["Bob"]);
    Ok(())
}

pub async fn limit_offset_and_order_combinations(h: &Harness) -> Result<()> {
    let (users, _) = fixture(h).await?;
    let q = || h.db.table(&users);
    assert_eq!(names(&q().order_by("name", Direction::Desc).get().await?), ["Carol", "Bob", "Alice"]);
    assert_eq!(names(&q().order_by("name", Direction::Asc).limit(2).get().await?), ["Alice", "Bob"]);
    assert_eq!(names(&q().order_by("name", Direction::Asc).limit(1).offset(1).get().await?), ["Bob"]);
    assert_eq!(names(&q().order_by("name", Direction::Asc).offset(2).get().await?), ["Carol"], "offset without limit");
    assert_eq!(
        names(&q().order_by("role", Direction::Asc).order_by("name", Direction::Desc).get().await?),
        ["Alice", "Carol", "Bob"],
        "orders accumulate"
    );
    assert!(q().order_by("name", Direction::Asc).offset(10).get().await?.is_empty());
    let first = q().latest_by("id").first().await?.unwrap();
    assert_eq!(first.get::<String>("name")?, "Carol");
    Ok(())
}

pub async fn select_and_exclude(h: &Harness) -> Result<()> {
    let (users, _) = fixture(h).await?;
    let picked = h.db.table(&users).select(["id", "name as label"]).find(1).await?.unwrap();
    assert_eq!(picked.columns(), ["id", "label"]);
    let excluded = h.db.table(&users).exclude(["email", "age"]).find(1).await?.unwrap();
    assert!(excluded.value("email").is_none() && excluded.value("age").is_none());
    assert!(excluded.value("name").is_some());
    let select_wins = h.db.table(&users).exclude(["email"]).select(["email"]).find(1).await?.unwrap();
    assert_eq!(select_wins.columns(), ["email"]);
    Ok(())
}

pub async fn count_ignores_select_limit_offset_and_order(h: &Harness) -> Result<()> {
    let (users, _) = fixture(h).await?;
    let q =
        h.db.table(&users).select(["name"]).where_("active", true).order_by("name", Direction::Asc).limit(1).offset(1);
    assert_eq!(q.count().await?, 2);
    assert_eq!(h.db.table(&users).select(["role"]).distinct().count().await?, 2);
    assert_eq!(h.db.table(&users).group_by("role").count().await?, 2);
    Ok(())
}

pub async fn aggregates_exists_pluck_and_value(h: &Harness) -> Result<()> {
    let (users, _) = fixture(h).await?;
    let q = || h.db.table(&users);
    assert_eq!(q().sum::<Option<i64>>("age").await?, Some(55));
    assert_eq!(q().where_("id", 999).sum::<Option<i64>>("age").await?, None);
    assert_eq!(q().avg("age").await?, Some(27.5));
    assert_eq!(q().min::<i64>("age").await?, 25);
    assert_eq!(q().max::<String>("name").await?, "Carol");
    assert!(q().where_("role", "admin").exists().await?);
    assert!(q().where_("role", "nobody").doesnt_exist().await?);
    assert_eq!(q().oldest_by("id").pluck::<String>("name").await?, ["Alice", "Bob", "Carol"]);
    assert_eq!(q().where_("id", 2).value::<String>("email").await?, Some("bob@example.com".to_owned()));
    assert_eq!(q().where_("id", 9).value::<String>("email").await?, None);
    Ok(())
}

pub async fn joins_and_grouping(h: &Harness) -> Result<()> {
    let (users, posts) = fixture(h).await?;
    let rows =
        h.db.table(&format!("{users} as u"))
            .join(&format!("{posts} as p"), "p.user_id", "=", "u.id")
            .select(["u.name", "p.title"])
            .where_op("p.views", ">", 6)
            .order_by("p.views", Direction::Desc)
            .get()
            .await?;
    let pairs: Vec<(String, String)> = rows.iter().map(|r| (r.get("name").unwrap(), r.get("title").unwrap())).collect();
    assert_eq!(pairs, [("Alice".to_owned(), "Hello".to_owned()), ("Carol".to_owned(), "Mine".to_owned())]);
    let left =
        h.db.table(&format!("{users} as u"))
            .left_join(&format!("{posts} as p"), "p.user_id", "=", "u.id")
            .where_null("p.id")
            .pluck::<String>("u.name")
            .await?;
    assert_eq!(left, ["Bob"]);
    let per_user =
        h.db.table(&posts)
            .select(["user_id"])
            .select_raw("SUM(views) AS total", [])
            .group_by("user_id")
            .having_raw("SUM(views) > ?", params![8])
            .oldest_by("user_id")
            .get()
            .await?;
    assert_eq!(per_user.len(), 1);
    assert_eq!(per_user[0].get::<i64>("user_id")?, 1);
    Ok(())
}

pub async fn paginate_reports_totals(h: &Harness) -> Result<()> {
    let (users, _) = fixture(h).await?;
    let page = h.db.table(&users).oldest_by("id").paginate(PerPage(2), Page(2)).await?;
    assert_eq!(names(&page.data), ["Carol"]);
    assert_eq!((page.total, page.per_page, page.current_page, page.last_page), (3, 2, 2, 2));
    assert_eq!((page.from, page.to), (Some(3), Some(3)));
    assert!(!page.has_more_pages());
    let json = serde_json::to_value(&page).unwrap();
    assert_eq!(json["total"], 3);
    assert_eq!(json["data"][0]["name"], "Carol");
    let beyond = h.db.table(&users).paginate(PerPage(2), Page(9)).await?;
    assert!(beyond.data.is_empty() && beyond.from.is_none());
    assert!(matches!(
        h.db.table(&users).paginate(PerPage(0), Page(1)).await,
        Err(Error::ZeroSize { what: "per_page" })
    ));
    Ok(())
}

pub async fn chunk_visits_every_row_once_even_while_deleting(h: &Harness) -> Result<()> {
    let t = h.table("many");
    h.create_table(&t, "n INTEGER NOT NULL").await?;
    let records: Vec<Record> = (0..25).map(|n| record! { "n" => n }).collect();
    assert_eq!(h.db.table(&t).insert_many(records).await?, 25);
    let mut seen = Vec::new();
    let db = h.db.clone();
    let table = t.clone();
    h.db.table(&t)
        .chunk(4, |rows| {
            let ids: Vec<i64> = rows.iter().map(|r| r.get("id").unwrap()).collect();
            seen.extend(rows.iter().map(|r| r.get::<i64>("n").unwrap()));
            let db = db.clone();
            let table = table.clone();
            async move {
                // Deleting what was just visited must not make the next chunk skip rows.
                db.table(&table).where_in("id", ids).delete().await?;
                Ok(true)
            }
        })
        .await?;
    assert_eq!(seen, (0..25).collect::<Vec<i64>>());
    assert_eq!(h.count(&t).await?, 0);
    Ok(())
}

pub async fn chunk_stops_when_asked_and_cursor_streams_everything(h: &Harness) -> Result<()> {
    let t = h.table("many");
    h.create_table(&t, "n INTEGER NOT NULL").await?;
    h.db.table(&t).insert_many((0..10).map(|n| record! { "n" => n }).collect()).await?;
    let mut calls = 0;
    h.db.table(&t)
        .chunk(3, |_| {
            calls += 1;
            async move { Ok(calls < 2) }
        })
        .await?;
    assert_eq!(calls, 2);
    let streamed: Vec<i64> =
        h.db.table(&t).where_op("n", ">=", 2).cursor(3).map_ok(|r| r.get::<i64>("n").unwrap()).try_collect().await?;
    assert_eq!(streamed, (2..10).collect::<Vec<i64>>());
    // An order: pages in that order (Eloquent's chunk); a limit caps the rows visited.
    let mut seen = Vec::new();
    h.db.table(&t)
        .latest_by("n")
        .limit(5)
        .chunk(2, |rows| {
            seen.extend(rows.iter().map(|r| r.get::<i64>("n").unwrap()));
            async { Ok(true) }
        })
        .await?;
    assert_eq!(seen, [9, 8, 7, 6, 5]);
    let mut capped = Vec::new();
    h.db.table(&t)
        .limit(4)
        .chunk(3, |rows| {
            capped.push(rows.len());
            async { Ok(true) }
        })
        .await?;
    assert_eq!(capped, [3, 1], "keyset chunks capped by the limit");
    // A keyset stream keeps refusing another order: `lazy` reads in it.
    let refused: Result<Vec<_>> = h.db.table(&t).oldest_by("n").cursor(2).try_collect().await;
    assert!(matches!(refused, Err(Error::InvalidQuery { problem: QueryProblem::KeysetOrdered })));
    Ok(())
}

pub async fn inserts_updates_increments_and_deletes(h: &Harness) -> Result<()> {
    let (users, _) = fixture(h).await?;
    let q = || h.db.table(&users);
    let id = q().insert_get_id(record! { "name" => "Dave", "email" => "dave@example.com", "active" => true }).await?;
    assert_eq!(id, 4);
    assert_eq!(q().where_("id", 2).update(record! { "role" => "admin", "age" => 26 }).await?, 1);
    assert_eq!(q().find(2).await?.unwrap().get::<String>("role")?, "admin");
    assert_eq!(q().where_("active", true).increment("age", 5).await?, 3);
    assert_eq!(q().find(1).await?.unwrap().get::<i64>("age")?, 35);
    assert_eq!(q().find(3).await?.unwrap().get::<Option<i64>>("age")?, None, "NULL + 5 stays NULL");
    q().where_("id", 1).decrement("age", 10).await?;
    assert_eq!(q().find(1).await?.unwrap().get::<i64>("age")?, 25);
    assert!(matches!(
        q().increment("age", "ten").await,
        Err(Error::InvalidQuery { problem: QueryProblem::NotNumeric { action: "increment", kind: "text" } })
    ));
    assert_eq!(q().where_("active", false).delete().await?, 1);
    assert_eq!(q().count().await?, 3);
    Ok(())
}

pub async fn upsert_inserts_and_updates_in_one_statement(h: &Harness) -> Result<()> {
    let (users, _) = fixture(h).await?;
    let q = || h.db.table(&users);
    q().upsert(
        vec![
            record! { "name" => "Alice Updated", "email" => "alice@example.com", "active" => true },
            record! { "name" => "Eve", "email" => "eve@example.com", "active" => false },
        ],
        "email",
        ["name"],
    )
    .await?;
    assert_eq!(q().count().await?, 4);
    assert_eq!(q().find(1).await?.unwrap().get::<String>("name")?, "Alice Updated");
    let eve = || vec![record! { "name" => "Eve Again", "email" => "eve@example.com", "active" => true }];
    q().upsert(eve(), "email", OnConflict::DoNothing).await?;
    let eve_now = || async { q().where_("email", "eve@example.com").first().await.map(Option::unwrap) };
    assert_eq!(eve_now().await?.get::<String>("name")?, "Eve");
    q().upsert(eve(), "email", OnConflict::update("active")).await?;
    assert_eq!(eve_now().await?.get::<String>("name")?, "Eve", "only `active` is updated");
    assert!(eve_now().await?.get::<bool>("active")?);
    // Laravel's default: every column.
    q().upsert(eve(), "email", OnConflict::UpdateAll).await?;
    assert_eq!(eve_now().await?.get::<String>("name")?, "Eve Again");
    assert_eq!(q().count().await?, 4);
    assert!(matches!(
        q().upsert(vec![record! { "name" => "x" }], Vec::<String>::new(), ["name"]).await,
        Err(Error::InvalidQuery { problem: QueryProblem::NoColumns { .. } })
    ));
    assert!(matches!(
        q().upsert(eve(), "email", OnConflict::Update(Vec::new())).await,
        Err(Error::InvalidQuery { problem: QueryProblem::NoColumns { .. } })
    ));
    Ok(())
}

pub async fn insert_many_refuses_records_with_different_columns(h: &Harness) -> Result<()> {
    let (users, _) = fixture(h).await?;
    let mixed = vec![
        record! { "name" => "A", "email" => "a@x.io", "active" => true },
        record! { "name" => "B", "active" => true },
    ];
    assert!(matches!(h.db.table(&users).insert_many(mixed).await, Err(Error::MismatchedRecords { record: 2 })));
    assert_eq!(h.db.table(&users).count().await?, 3, "nothing was inserted");
    // The same columns in another order are fine.
    let reordered = vec![
        record! { "name" => "A", "email" => "a@x.io", "active" => true },
        record! { "active" => false, "email" => "b@x.io", "name" => "B" },
    ];
    assert_eq!(h.db.table(&users).insert_many(reordered).await?, 2);
    assert_eq!(h.db.table(&users).where_("email", "b@x.io").value::<String>("name").await?, Some("B".into()));
    Ok(())
}

pub async fn truncate_empties_the_table_and_resets_keys(h: &Harness) -> Result<()> {
    let (_, posts) = fixture(h).await?;
    h.db.table(&posts).truncate().await?;
    assert_eq!(h.db.table(&posts).count().await?, 0);
    let id = h.db.table(&posts).insert_get_id(record! { "user_id" => 1, "title" => "Fresh", "views" => 0 }).await?;
    assert_eq!(id, 1);
    Ok(())
}

pub async fn hostile_identifiers_are_rejected_before_any_sql_runs(h: &Harness) -> Result<()> {
    let (users, _) = fixture(h).await?;
    for bad in ["users; DROP TABLE users", "name) OR 1=1 --", "\"quoted\"", "", "nаme"] {
        let q = || h.db.table(&users);
        assert!(matches!(q().where_(bad, 1).get().await, Err(Error::InvalidIdentifier { .. })), "{bad:?}");
        assert!(matches!(q().select([bad]).first().await, Err(Error::InvalidIdentifier { .. })));
        assert!(matches!(q().order_by(bad, Direction::Asc).count().await, Err(Error::InvalidIdentifier { .. })));
        assert!(matches!(q().insert(Record::new().set(bad, 1)).await, Err(Error::InvalidIdentifier { .. })));
        assert!(matches!(q().update(Record::new().set(bad, 1)).await, Err(Error::InvalidIdentifier { .. })));
        assert!(matches!(h.db.table(bad).delete().await, Err(Error::InvalidIdentifier { .. })));
    }
    assert!(matches!(
        h.db.table(&users).where_op("id", "= 1 OR 1 =", 1).delete().await,
        Err(Error::InvalidOperator { .. })
    ));
    assert_eq!(h.db.table(&users).count().await?, 3, "nothing was deleted");
    // Hostile *values* are just values.
    let evil = "x' OR '1'='1";
    assert!(h.db.table(&users).where_("name", evil).get().await?.is_empty());
    assert_eq!(h.db.table(&users).where_in("name", [evil, "Bob"]).count().await?, 1);
    Ok(())
}

pub async fn builders_run_inside_transactions(h: &Harness) -> Result<()> {
    let (users, _) = fixture(h).await?;
    let table = users.clone();
    let result: Result<()> =
        h.db.transaction(|tx| async move {
            tx.table(&table).where_("id", 1).delete().await?;
            assert_eq!(tx.table(&table).count().await?, 2);
            Err(Error::other("undo"))
        })
        .await;
    assert!(result.is_err());
    assert_eq!(h.db.table(&users).count().await?, 3);
    let values: Vec<Value> = h.db.table(&users).oldest_by("id").pluck("id").await?;
    assert_eq!(values, [Value::Int(1), Value::Int(2), Value::Int(3)]);
    Ok(())
}

pub async fn a_column_that_does_not_exist_is_an_error_not_a_string(h: &Harness) -> Result<()> {
    let (users, _) = fixture(h).await?;
    // On SQLite a double-quoted unknown name would silently be the string 'nmae'; the driver
    // turns that off, so every dialect reports the typo.
    let err = h.db.table(&users).where_("nmae", "Alice").get().await.unwrap_err();
    assert!(matches!(err, Error::Database { .. }), "{err}");
    assert!(h.db.table(&users).select(["nmae"]).get().await.is_err());
    Ok(())
}
