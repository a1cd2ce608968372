//! Issue 12: the defects found by trying the library from outside, each pinned on every
//! database (limits on writes, names, nulls, raw fragments, long lists, overflow, NaN).

use bunary_orm::schema::Schema;
use bunary_orm::{params, record, Dialect, Error, Page, PerPage, Result, Value};

use super::Harness;

async fn numbered(h: &Harness, rows: i64) -> Result<String> {
    let t = h.table("items");
    h.create_table(&t, "k INTEGER NOT NULL, n INTEGER NOT NULL").await?;
    let records = (1..=rows).map(|n| record! { "k" => 1, "n" => n }).collect();
    h.db.table(&t).insert_many(records).await?;
    Ok(t)
}

async fn ns(h: &Harness, t: &str) -> Result<Vec<i64>> {
    h.db.table(t).oldest_by("id").pluck("n").await
}

pub async fn limit_offset_and_order_pick_the_rows_a_write_touches(h: &Harness) -> Result<()> {
    let t = numbered(h, 6).await?;
    // One row, not every matching one.
    assert_eq!(h.db.table(&t).where_("k", 1).limit(1).delete().await?, 1);
    assert_eq!(ns(h, &t).await?, [2, 3, 4, 5, 6]);
    // The newest two, by order.
    assert_eq!(h.db.table(&t).order_by_desc("n").limit(2).update(record! { "k" => 2 }).await?, 2);
    assert_eq!(h.db.table(&t).where_("k", 2).oldest_by("n").pluck::<i64>("n").await?, [5, 6]);
    assert_eq!(h.db.table(&t).oldest_by("n").limit(1).increment("n", 100).await?, 1);
    assert_eq!(ns(h, &t).await?, [102, 3, 4, 5, 6]);
    assert_eq!(h.db.table(&t).oldest_by("n").limit(2).decrement("n", 1).await?, 2);
    assert_eq!(ns(h, &t).await?, [102, 2, 3, 5, 6]);
    // An offset: honoured where the dialect can, a typed error (and nothing written) where not.
    let skipped = h.db.table(&t).oldest_by("n").limit(1).offset(1).delete().await;
    if !h.dialect().capabilities().offset_in_writes {
        assert!(matches!(skipped, Err(Error::Unsupported { .. })), "{skipped:?}");
        assert_eq!(ns(h, &t).await?, [102, 2, 3, 5, 6]);
    } else {
        assert_eq!(skipped?, 1);
        assert_eq!(ns(h, &t).await?, [102, 2, 5, 6]);
    }
    // Grouping cannot filter a write.
    let grouped = h.db.table(&t).group_by("k").delete().await;
    assert!(matches!(grouped, Err(Error::Unsupported { .. })), "{grouped:?}");
    assert!(h.count(&t).await? >= 4);
    Ok(())
}

pub async fn names_with_whitespace_around_them_are_refused_not_trimmed(h: &Harness) -> Result<()> {
    let schema = Schema::on(&h.db);
    schema
        .create_table("name", |t| {
            t.id();
        })
        .await?;
    for bad in [" name", "name ", "\tname"] {
        let dropped = schema.drop_table(bad).await;
        assert!(matches!(dropped, Err(Error::InvalidIdentifier { .. })), "{bad:?}: {dropped:?}");
        let read = h.db.table(bad).get().await;
        assert!(matches!(read, Err(Error::InvalidIdentifier { .. })), "{bad:?}: {read:?}");
        let cond = h.db.table("name").where_(bad, 1).get().await;
        assert!(matches!(cond, Err(Error::InvalidIdentifier { .. })), "{bad:?}: {cond:?}");
    }
    assert!(schema.has_table("name").await?, "the table `name` is still there");
    // A table really named `name ` (made by raw SQL) is dropped by drop_all_tables, and so is `name`.
    // (MySQL refuses names that end in a space: there the stray space leads.)
    let quoted = if h.dialect() == Dialect::MySql { "` name`" } else { "\"name \"" };
    h.db.exec(&format!("CREATE TABLE {quoted} (id INTEGER)"), &[]).await?;
    schema.drop_all_tables().await?;
    assert!(schema.tables().await?.is_empty(), "left: {:?}", schema.tables().await?);
    Ok(())
}

pub async fn conditions_take_plain_column_references_only(h: &Harness) -> Result<()> {
    let t = numbered(h, 2).await?;
    let q = || h.db.table(&t);
    let refused = [
        q().where_("*", 1).get().await,
        q().where_null(&format!("{t}.*")).get().await,
        q().where_("n as x", 1).get().await,
        q().where_in("*", [1]).get().await,
        q().where_between("n as x", 1, 2).get().await,
        q().where_column("n", "=", "k as x").get().await,
        q().group_by("k").having("* ", ">", 1).get().await,
    ];
    for (i, r) in refused.into_iter().enumerate() {
        assert!(matches!(r, Err(Error::InvalidIdentifier { .. })), "case {i}: {r:?}");
    }
    let pluck = q().pluck::<i64>("n as x").await;
    assert!(matches!(pluck, Err(Error::InvalidIdentifier { .. })), "{pluck:?}");
    // Qualified plain references still work.
    assert_eq!(q().where_(&format!("{t}.n"), 2).count().await?, 1);
    Ok(())
}

pub async fn null_in_a_condition_is_is_null(h: &Harness) -> Result<()> {
    let t = h.table("people");
    h.create_table(&t, "name VARCHAR(20) NOT NULL, age INTEGER").await?;
    h.db.table(&t)
        .insert_many(vec![record! { "name" => "Ada", "age" => 36 }, record! { "name" => "Bob", "age" => None::<i64> }])
        .await?;
    let q = || h.db.table(&t);
    assert_eq!(q().where_("age", None::<i64>).pluck::<String>("name").await?, ["Bob"]);
    assert_eq!(q().where_op("age", "=", Value::Null).pluck::<String>("name").await?, ["Bob"]);
    assert_eq!(q().where_op("age", "!=", None::<i64>).pluck::<String>("name").await?, ["Ada"]);
    assert_eq!(q().where_op("age", "<>", Value::Null).pluck::<String>("name").await?, ["Ada"]);
    assert_eq!(q().where_("name", "Ada").or_where("age", None::<i64>).count().await?, 2);
    let refused = q().where_op("age", ">", None::<i64>).get().await;
    assert!(matches!(&refused, Err(Error::NullComparison { operator }) if operator == ">"), "{refused:?}");
    Ok(())
}

pub async fn raw_fragments_count_placeholders_as_the_database_does(h: &Harness) -> Result<()> {
    let t = h.table("people");
    h.create_table(&t, "name VARCHAR(20) NOT NULL").await?;
    h.db.table(&t).insert_many(vec![record! { "name" => "Ada" }, record! { "name" => "Bob" }]).await?;
    let q = || h.db.table(&t);
    // A `?` in a comment takes no binding; a quote in a `--` comment is no open string.
    assert_eq!(q().where_raw("name = ? /* not ? this */", params!["Bob"]).pluck::<String>("name").await?, ["Bob"]);
    assert_eq!(q().where_raw("name = ? -- isn't ?\n", params!["Ada"]).pluck::<String>("name").await?, ["Ada"]);
    assert_eq!(q().where_raw("name = '?' OR name = ?", params!["Ada"]).count().await?, 1);
    // A placeholder syntax of the database's own would bind another clause's value: refused.
    let own = match h.dialect() {
        Dialect::Postgres => "name = $1",
        Dialect::Sqlite => "name = ?1",
        Dialect::MySql => "name = ? /*! OR 1 = 1 */",
    };
    let refused = q().where_("name", "Ada").where_raw(own, Vec::new()).get().await;
    assert!(matches!(&refused, Err(Error::RawSql { dialect, .. }) if *dialect == h.dialect()), "{refused:?}");
    let refused = q().where_raw("name = 'open", Vec::new()).get().await;
    assert!(matches!(refused, Err(Error::RawSql { .. })), "{refused:?}");
    let miscounted = q().where_raw("name = ? /* ? */", params!["Ada", "Bob"]).get().await;
    assert!(matches!(miscounted, Err(Error::RawPlaceholders { placeholders: 1, bindings: 2, .. })), "{miscounted:?}");
    match h.dialect() {
        Dialect::Postgres => {
            assert_eq!(q().where_raw("name = $$?$$ OR name = ?", params!["Bob"]).count().await?, 1);
        }
        Dialect::MySql => {
            assert_eq!(q().where_raw(r"name = 'it\'s ?' OR name = ?", params!["Bob"]).count().await?, 1);
            assert_eq!(q().where_raw("name = ? # ?\n", params!["Bob"]).count().await?, 1);
        }
        Dialect::Sqlite => {}
    }
    Ok(())
}

pub async fn very_long_in_lists_run_or_fail_typed_before_sending(h: &Harness) -> Result<()> {
    let t = numbered(h, 50).await?;
    let ids: Vec<i64> = (1..=70_000).collect();
    let found = h.db.table(&t).where_in("n", ids.clone()).count().await;
    let not_found = h.db.table(&t).where_not_in("n", ids).count().await;
    if !h.dialect().capabilities().bound_arrays {
        for r in [found, not_found] {
            match r {
                Err(e @ Error::TooManyBindings { count: 70_000, max: 65_535, .. }) => {
                    let message = e.to_string();
                    assert!(message.len() < 1_000, "long SQL is cut in messages: {} bytes", message.len());
                }
                Err(other) => panic!("expected TooManyBindings, got {other}"),
                Ok(n) => panic!("expected a typed error, got Ok({n})"),
            }
        }
        // Lists within the limit still run, as placeholders.
        assert_eq!(h.db.table(&t).where_in("n", (1..=20_000).collect::<Vec<i64>>()).count().await?, 50);
    } else {
        assert_eq!(found?, 50);
        assert_eq!(not_found?, 0);
        let words = h.table("words");
        h.create_table(&words, "w VARCHAR(20) NOT NULL").await?;
        h.db.table(&words).insert_many(vec![record! { "w" => "x7" }, record! { "w" => "y" }]).await?;
        let texts: Vec<String> = (0..40_000).map(|i| format!("x{i}")).collect();
        assert_eq!(h.db.table(&words).where_in("w", texts.clone()).pluck::<String>("w").await?, ["x7"]);
        assert_eq!(h.db.table(&words).where_not_in("w", texts).pluck::<String>("w").await?, ["y"]);
    }
    // A short list is unchanged.
    assert_eq!(h.db.table(&t).where_in("n", [1, 2, 3]).count().await?, 3);
    Ok(())
}

pub async fn page_and_limit_overflow_are_typed_errors(h: &Harness) -> Result<()> {
    let t = numbered(h, 3).await?;
    let q = || h.db.table(&t);
    for r in [
        q().for_page(Page(3), PerPage(u64::MAX)).get().await.map(|_| ()),
        q().paginate(PerPage(u64::MAX), Page(2)).await.map(|_| ()),
        q().limit(u64::MAX).get().await.map(|_| ()),
        q().offset(i64::MAX as u64 + 1).get().await.map(|_| ()),
    ] {
        assert!(matches!(r, Err(Error::OutOfRange { .. })), "{r:?}");
    }
    assert_eq!(q().limit(i64::MAX as u64).count().await?, 3);
    assert_eq!(q().for_page(Page(1), PerPage(i64::MAX as u64)).get().await?.len(), 3);
    Ok(())
}

pub async fn nan_is_refused_or_kept_never_stored_as_null(h: &Harness) -> Result<()> {
    let t = h.table("floats");
    h.create_table(&t, "x DOUBLE PRECISION").await?;
    let inserted = h.db.table(&t).insert(record! { "x" => f64::NAN }).await;
    match inserted {
        Ok(_) => {
            let x: Option<f64> = h.db.table(&t).value("x").await?.flatten();
            assert!(x.is_some_and(f64::is_nan), "a NaN that was accepted reads back as NaN, not {x:?}");
        }
        Err(Error::Unsupported { .. }) | Err(Error::Database { .. }) => {
            assert_eq!(h.count(&t).await?, 0, "nothing stored");
        }
        Err(other) => panic!("unexpected error {other:?}"),
    }
    Ok(())
}

pub async fn reads_survive_a_table_recreated_with_other_types(h: &Harness) -> Result<()> {
    let schema = Schema::on(&h.db);
    schema
        .create_table("shifting", |t| {
            t.id();
            t.integer("v");
        })
        .await?;
    h.db.table("shifting").insert(record! { "v" => 1 }).await?;
    for _ in 0..3 {
        assert_eq!(h.db.table("shifting").where_("id", 1).pluck::<i64>("v").await?, [1]);
        assert_eq!(h.db.table("shifting").get().await?.len(), 1);
    }
    // Re-created through the schema builder with another column type.
    schema.drop_table("shifting").await?;
    schema
        .create_table("shifting", |t| {
            t.id();
            t.string("v", 20);
        })
        .await?;
    h.db.table("shifting").insert(record! { "v" => "one" }).await?;
    assert_eq!(h.db.table("shifting").get().await?[0].get::<String>("v")?, "one");
    assert_eq!(h.db.table("shifting").where_("id", 1).pluck::<String>("v").await?, ["one"]);
    // And again through plain statements, which the schema builder does not see.
    h.db.exec("DROP TABLE shifting", &[]).await?;
    h.db.exec("CREATE TABLE shifting (id INTEGER PRIMARY KEY, v REAL)", &[]).await?;
    h.db.exec(&format!("INSERT INTO shifting (id, v) VALUES (1, {})", h.p(1)), &params![1.5]).await?;
    assert_eq!(h.db.table("shifting").get().await?[0].get::<f64>("v")?, 1.5);
    assert_eq!(h.db.table("shifting").where_("id", 1).pluck::<f64>("v").await?, [1.5]);
    Ok(())
}

pub async fn uuid_columns_keep_text_and_current_defaults_fit_their_column(h: &Harness) -> Result<()> {
    use chrono::{NaiveDate, NaiveTime, Utc};
    let schema = Schema::on(&h.db);
    schema
        .create_table("stamped", |t| {
            t.id();
            t.uuid("token").nullable();
            t.integer("n");
            t.date("day").use_current();
            t.time("at").use_current();
            t.timestamp("stamp").use_current();
        })
        .await?;
    // A UUID written as 32 hex digits (as another client may) stays a UUID, not the number 0.
    h.db.table("stamped").insert(record! { "token" => "00000000000000000000000000000000", "n" => 1 }).await?;
    let row = h.db.table("stamped").first().await?.expect("a row");
    assert_eq!(row.get::<uuid::Uuid>("token")?, uuid::Uuid::nil());
    let day: NaiveDate = row.get("day")?;
    let today = Utc::now().date_naive();
    assert!((day - today).num_days().abs() <= 1, "day {day} is today ({today})");
    let _at: NaiveTime = row.get("at")?;
    assert!(row.get::<chrono::NaiveDateTime>("stamp").is_ok() || row.get::<chrono::DateTime<Utc>>("stamp").is_ok());
    Ok(())
}
