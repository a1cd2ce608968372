//! Raw statements through a driver: binding, counts, keys, every value kind, errors.

use bunary_orm::{params, DatabaseErrorKind, Dialect, Error, Result, Value};
use chrono::{NaiveDate, TimeZone, Utc};

use super::Harness;

pub async fn exec_reports_real_rows_affected_and_insert_ids(h: &Harness) -> Result<()> {
    let t = h.table("users");
    h.create_table(&t, "name VARCHAR(100) NOT NULL, active BOOLEAN").await?;
    let (p1, p2) = (h.p(1), h.p(2));
    let first =
        h.db.exec(&format!("INSERT INTO {t} (name, active) VALUES ({p1}, {p2})"), &params!["Alice", true]).await?;
    assert_eq!(first.rows_affected, 1);
    let reports_keys = h.dialect().capabilities().last_insert_id;
    // Where the capability is missing, no key is made up: the field is empty.
    assert_eq!(first.last_insert_id, reports_keys.then_some(1));
    let second =
        h.db.exec(&format!("INSERT INTO {t} (name, active) VALUES ({p1}, {p2})"), &params!["Bob", false]).await?;
    assert_eq!(second.last_insert_id, reports_keys.then_some(2));
    h.db.exec(&format!("INSERT INTO {t} (name, active) VALUES ({p1}, {p2})"), &params!["Carol", true]).await?;
    let updated =
        h.db.exec(&format!("UPDATE {t} SET active = {p1} WHERE active = {p2}"), &params![false, true]).await?;
    assert_eq!(updated.rows_affected, 2);
    let none = h.db.exec(&format!("DELETE FROM {t} WHERE name = {p1}"), &params!["Nobody"]).await?;
    assert_eq!(none.rows_affected, 0);
    let deleted = h.db.exec(&format!("DELETE FROM {t}"), &[]).await?;
    assert_eq!(deleted.rows_affected, 3);
    Ok(())
}

pub async fn query_binds_parameters_and_keeps_column_order(h: &Harness) -> Result<()> {
    let t = h.table("users");
    h.create_table(&t, "name VARCHAR(100) NOT NULL, email VARCHAR(100)").await?;
    let sql = format!("INSERT INTO {t} (name, email) VALUES ({}, {})", h.p(1), h.p(2));
    h.db.exec(&sql, &params!["Alice", "alice@example.com"]).await?;
    h.db.exec(&sql, &params!["Bob", None::<String>]).await?;
    // A value that looks like SQL stays a value.
    h.db.exec(&sql, &params!["x'); DROP TABLE users; --", None::<String>]).await?;
    let rows =
        h.db.query(&format!("SELECT email, name, id FROM {t} WHERE name = {} ORDER BY id", h.p(1)), &params!["Bob"])
            .await?;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].columns(), ["email", "name", "id"]);
    assert_eq!(rows[0].get::<Option<String>>("email")?, None);
    assert_eq!(rows[0].value("email"), Some(&Value::Null));
    assert_eq!(rows[0].get::<String>(1)?, "Bob");
    assert_eq!(h.count(&t).await?, 3);
    let missing = h.db.query_opt(&format!("SELECT * FROM {t} WHERE id = {}", h.p(1)), &params![999]).await?;
    assert!(missing.is_none());
    assert!(matches!(
        h.db.query_one(&format!("SELECT * FROM {t} WHERE id = {}", h.p(1)), &params![999]).await,
        Err(Error::NotFound { .. })
    ));
    Ok(())
}

pub async fn every_value_kind_round_trips(h: &Harness) -> Result<()> {
    let t = h.table("kinds");
    let (json, blob, uuid, ts) = match h.dialect() {
        Dialect::Sqlite => ("JSON", "BLOB", "UUID", "DATETIME"),
        Dialect::Postgres => ("JSONB", "BYTEA", "UUID", "TIMESTAMPTZ"),
        Dialect::MySql => ("JSON", "BLOB", "CHAR(36)", "DATETIME(6)"),
    };
    let tm = if h.dialect() == Dialect::MySql { "TIME(6)" } else { "TIME" };
    let dt = match h.dialect() {
        Dialect::Postgres => "TIMESTAMP",
        Dialect::MySql => "DATETIME(6)",
        Dialect::Sqlite => "DATETIME",
    };
    h.create_table(
        &t,
        &format!(
            "b BOOLEAN, i BIGINT, f DOUBLE PRECISION, s TEXT, bin {blob}, j {json}, d DATE, tm {tm}, dt {dt}, ts {ts}, u {uuid}"
        ),
    )
    .await?;
    let placeholders: Vec<String> = (1..=11).map(|n| h.p(n)).collect();
    let insert = format!("INSERT INTO {t} (b, i, f, s, bin, j, d, tm, dt, ts, u) VALUES ({})", placeholders.join(", "));
    let date = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let time = chrono::NaiveTime::from_hms_micro_opt(10, 30, 15, 250_000).unwrap();
    let datetime = date.and_time(time);
    let instant = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
    let id = uuid::Uuid::now_v7();
    let doc = serde_json::json!({"tags": ["a", "b"], "n": 1});
    h.db.exec(
        &insert,
        &params![
            true,
            i64::MAX,
            1.5_f64,
            "héllo ✓",
            vec![0_u8, 1, 255],
            doc.clone(),
            date,
            time,
            datetime,
            instant,
            id
        ],
    )
    .await?;
    let nulls: Vec<Value> = vec![Value::Null; 11];
    h.db.exec(&insert, &nulls).await?;
    let rows = h.db.query(&format!("SELECT b, i, f, s, bin, j, d, tm, dt, ts, u FROM {t} ORDER BY id"), &[]).await?;
    let r = &rows[0];
    assert!(r.get::<bool>("b")?);
    assert_eq!(r.get::<i64>("i")?, i64::MAX);
    assert_eq!(r.get::<f64>("f")?, 1.5);
    assert_eq!(r.get::<String>("s")?, "héllo ✓");
    assert_eq!(r.get::<Vec<u8>>("bin")?, vec![0, 1, 255]);
    assert_eq!(r.get::<serde_json::Value>("j")?, doc);
    assert_eq!(r.get::<NaiveDate>("d")?, date);
    assert_eq!(r.get::<chrono::NaiveTime>("tm")?, time);
    assert_eq!(r.get::<chrono::NaiveDateTime>("dt")?, datetime);
    assert_eq!(r.get::<chrono::DateTime<Utc>>("ts")?, instant);
    assert_eq!(r.get::<uuid::Uuid>("u")?, id);
    let n = &rows[1];
    for column in ["b", "i", "f", "s", "bin", "j", "d", "tm", "dt", "ts", "u"] {
        assert_eq!(n.value(column), Some(&Value::Null), "{column} should be NULL");
    }
    assert_eq!(n.get::<Option<bool>>("b")?, None);
    assert!(matches!(n.get::<i64>("i"), Err(Error::Decode { .. })));
    Ok(())
}

pub async fn rows_serialise_to_json_objects(h: &Harness) -> Result<()> {
    let t = h.table("users");
    h.create_table(&t, "name VARCHAR(100), active BOOLEAN").await?;
    h.db.exec(&format!("INSERT INTO {t} (name, active) VALUES ({}, {})", h.p(1), h.p(2)), &params!["Ada", true])
        .await?;
    let row = h.db.query_one(&format!("SELECT id, name, active FROM {t}"), &[]).await?;
    let json = serde_json::to_value(&row).unwrap();
    assert_eq!(json, serde_json::json!({"id": 1, "name": "Ada", "active": true}));
    Ok(())
}

pub async fn errors_are_classified_and_carry_the_sql(h: &Harness) -> Result<()> {
    let t = h.table("users");
    h.create_table(&t, "email VARCHAR(100) NOT NULL UNIQUE").await?;
    let insert = format!("INSERT INTO {t} (email) VALUES ({})", h.p(1));
    h.db.exec(&insert, &params!["a@example.com"]).await?;
    let dup = h.db.exec(&insert, &params!["a@example.com"]).await.unwrap_err();
    assert!(dup.is_unique_violation(), "{dup}");
    match &dup {
        Error::Database { sql, message, .. } => {
            assert_eq!(sql, &insert);
            assert!(!message.is_empty());
            assert!(!dup.to_string().contains("a@example.com"), "bound values must not leak: {dup}");
        }
        other => panic!("expected a query error, got {other:?}"),
    }
    let null = h.db.exec(&insert, &[Value::Null]).await.unwrap_err();
    assert_eq!(null.database_kind(), Some(DatabaseErrorKind::NotNullViolation), "{null}");
    let syntax = h.db.query("SELEC nonsense", &[]).await.unwrap_err();
    assert!(matches!(syntax, Error::Database { .. }), "{syntax}");
    let wrong_count = h.db.exec(&insert, &params!["x@example.com", "extra"]).await;
    assert!(wrong_count.is_err(), "a surplus parameter must be refused, not ignored");
    assert_eq!(h.count(&t).await?, 1);
    Ok(())
}

pub async fn exec_batch_runs_every_statement(h: &Harness) -> Result<()> {
    let t = h.table("batch");
    h.db.exec_batch(&format!(
        "CREATE TABLE {t} (n INTEGER); INSERT INTO {t} (n) VALUES (1); INSERT INTO {t} (n) VALUES (2);"
    ))
    .await?;
    assert_eq!(h.count(&t).await?, 2);
    Ok(())
}
