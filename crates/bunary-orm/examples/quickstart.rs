//! The quickstart: configure the embedded SQLite default, create a table, write in a
//! transaction, read it back. Run it with `cargo run --example quickstart`.
//!
//! Set `DATABASE_URL` (for example `sqlite://./demo.sqlite`) to use a file instead of memory.

use bunary_orm::{get_driver, params, set_orm_config, Error, OrmConfig};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let config = match OrmConfig::from_env() {
        Ok(config) => config,
        Err(Error::ConfigMissing) => OrmConfig::sqlite(":memory:"),
        Err(other) => return Err(other),
    };
    println!("database: {}", config.database.driver);
    set_orm_config(config);
    let db = get_driver().await?;

    db.exec(
        "CREATE TABLE IF NOT EXISTS users (
             id INTEGER PRIMARY KEY AUTOINCREMENT,
             name TEXT NOT NULL,
             email TEXT NOT NULL UNIQUE,
             active BOOLEAN NOT NULL DEFAULT 1,
             created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
         )",
        &[],
    )
    .await?;

    // Both inserts commit together, or neither does.
    db.transaction(|tx| async move {
        for (name, email, active) in [
            ("Alice", "alice@example.com", true),
            ("Bob", "bob@example.com", true),
            ("Carol", "carol@example.com", false),
        ] {
            tx.exec(
                "INSERT OR IGNORE INTO users (name, email, active) VALUES (?, ?, ?)",
                &params![name, email, active],
            )
            .await?;
        }
        Ok::<_, Error>(())
    })
    .await?;

    // A failing transaction leaves nothing behind.
    let failed = db
        .transaction(|tx| async move {
            tx.exec("INSERT INTO users (name, email) VALUES (?, ?)", &params!["Mallory", "mallory@example.com"])
                .await?;
            tx.exec("INSERT INTO users (name, email) VALUES (?, ?)", &params!["Dup", "alice@example.com"]).await?;
            Ok::<_, Error>(())
        })
        .await;
    if let Err(err) = failed {
        println!("rolled back: {err}");
    }

    let active =
        db.query("SELECT id, name, email, active FROM users WHERE active = ? ORDER BY id", &params![true]).await?;
    println!("active users:");
    for user in &active {
        println!("  #{} {} <{}>", user.get::<i64>("id")?, user.get::<String>("name")?, user.get::<String>("email")?);
    }
    let total = db.query_one("SELECT COUNT(*) AS n FROM users", &[]).await?;
    println!("{} users in all; as JSON: {}", total.get::<i64>("n")?, serde_json::to_string(&active[0]).unwrap());
    bunary_orm::close_driver().await
}
