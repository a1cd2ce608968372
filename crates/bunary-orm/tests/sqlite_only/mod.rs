//! SQLite-only tests of issue 12: what is read back from SQLite's catalogue, and column types.

use bunary_orm::schema::Schema;
use bunary_orm::{DatabaseConfig, Db, Error, Result};

async fn file_db() -> Result<Db> {
    let dir = tempfile::tempdir().expect("a temporary folder").keep();
    Db::connect(&DatabaseConfig::sqlite(dir.join("t.sqlite").to_string_lossy()))
}

#[tokio::test]
async fn a_hostile_declared_type_is_refused_by_the_rebuild_and_changes_nothing() -> Result<()> {
    let db = file_db().await?;
    db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY)", &[]).await?;
    db.exec("CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT)", &[]).await?;
    db.exec("INSERT INTO posts (title) VALUES ('kept')", &[]).await?;
    // A type written by another tool through a quoted name.
    db.exec(r#"CREATE TABLE notes (id INTEGER PRIMARY KEY, user_id INTEGER, body "TEXT); DROP TABLE posts; --")"#, &[])
        .await?;
    let before = db.query_one("SELECT sql FROM sqlite_master WHERE name = 'notes'", &[]).await?.get::<String>("sql")?;
    let altered = db
        .schema_transaction(|tx| async move {
            Schema::on(&tx)
                .table("notes", |t| {
                    t.foreign("user_id").references("users", "id");
                })
                .await
        })
        .await;
    match altered {
        Err(Error::InvalidIdentifier { kind: "column type", value, .. }) => {
            assert_eq!(value, "TEXT); DROP TABLE posts; --")
        }
        other => panic!("expected a typed refusal, got {other:?}"),
    }
    assert_eq!(db.query_one("SELECT title FROM posts", &[]).await?.get::<String>("title")?, "kept");
    let after = db.query_one("SELECT sql FROM sqlite_master WHERE name = 'notes'", &[]).await?.get::<String>("sql")?;
    assert_eq!(before, after, "the table was not changed");
    Ok(())
}
