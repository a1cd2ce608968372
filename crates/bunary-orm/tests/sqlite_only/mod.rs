//! SQLite-only tests of issue 12: what is read back from SQLite's catalogue, and column types.

use bunary_orm::schema::Schema;
mod rebuild;

use bunary_orm::{record, DatabaseConfig, Db, Error, Result};

pub(crate) async fn file_db() -> Result<Db> {
    let dir = tempfile::tempdir().expect("a temporary folder").keep();
    Db::connect(&DatabaseConfig::sqlite(dir.join("t.sqlite").to_string_lossy()))
}

/// A rebuild keeps each column definition as its `CREATE TABLE` wrote it, token for token: a
/// type another tool declared through a quoted name stays one quoted name, never SQL.
#[tokio::test]
async fn a_hostile_declared_type_is_kept_as_written_and_runs_nothing() -> Result<()> {
    let db = file_db().await?;
    db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY)", &[]).await?;
    db.exec("CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT)", &[]).await?;
    db.exec("INSERT INTO posts (title) VALUES ('kept')", &[]).await?;
    db.exec("INSERT INTO users (id) VALUES (1)", &[]).await?;
    // A type written by another tool through a quoted name.
    db.exec(r#"CREATE TABLE notes (id INTEGER PRIMARY KEY, user_id INTEGER, body "TEXT); DROP TABLE posts; --")"#, &[])
        .await?;
    db.exec("INSERT INTO notes (user_id, body) VALUES (1, 'hi')", &[]).await?;
    db.schema_transaction(|tx| async move {
        Schema::on(&tx)
            .table("notes", |t| {
                t.foreign("user_id").references("users", "id");
            })
            .await
    })
    .await?;
    assert_eq!(db.query_one("SELECT title FROM posts", &[]).await?.get::<String>("title")?, "kept");
    let after = db.query_one("SELECT sql FROM sqlite_master WHERE name = 'notes'", &[]).await?.get::<String>("sql")?;
    assert!(after.contains(r#"body "TEXT); DROP TABLE posts; --""#), "{after}");
    assert!(after.contains(r#"CONSTRAINT "notes_user_id_foreign" FOREIGN KEY ("user_id") REFERENCES "users" ("id")"#));
    let declared = db.query_one("SELECT type FROM pragma_table_info('notes') WHERE name = 'body'", &[]).await?;
    assert_eq!(declared.get::<String>("type")?, "TEXT); DROP TABLE posts; --");
    assert_eq!(db.query_one("SELECT body FROM notes", &[]).await?.get::<String>("body")?, "hi");
    Ok(())
}

/// SQLite would store a NaN as NULL: it is refused with a typed error before it is sent.
#[tokio::test]
async fn a_nan_is_refused_not_stored_as_null() -> Result<()> {
    let db = file_db().await?;
    db.exec("CREATE TABLE floats (x DOUBLE PRECISION)", &[]).await?;
    let inserted = db.table("floats").insert(record! { "x" => f64::NAN }).await;
    assert!(matches!(inserted, Err(Error::Unsupported { .. })), "{inserted:?}");
    assert_eq!(db.table("floats").count().await?, 0);
    Ok(())
}

/// SQLite keeps what the schema builder declares as the types it stores: a UUID as text, a
/// date and a time defaulted to now as a date and a time, not date-times.
#[tokio::test]
async fn uuids_dates_and_times_are_stored_as_declared() -> Result<()> {
    let db = file_db().await?;
    Schema::on(&db)
        .create_table("stamped", |t| {
            t.id();
            t.uuid("token").nullable();
            t.integer("n");
            t.date("day").use_current();
            t.time("at").use_current();
        })
        .await?;
    db.table("stamped").insert(record! { "token" => "00000000000000000000000000000000", "n" => 1 }).await?;
    let raw = db.query_one("SELECT length(day) AS d, length(at) AS t, typeof(token) AS kind FROM stamped", &[]).await?;
    assert_eq!(raw.get::<String>("kind")?, "text");
    assert_eq!((raw.get::<i64>("d")?, raw.get::<i64>("t")?), (10, 8), "a date and a time, not date-times");
    Ok(())
}
