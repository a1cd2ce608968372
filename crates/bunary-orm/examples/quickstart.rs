//! The quickstart: configure the embedded SQLite default, create a table, write in a
//! transaction, read it back; then typed models with a relation, loaded without N+1 queries.
//! Run it with `cargo run --example quickstart`.
//!
//! Set `DATABASE_URL` (for example `sqlite://./demo.sqlite`) to use a file instead of memory.

use bunary_orm::prelude::*;
use bunary_orm::{params, OrmConfig};

/// A typed model of the `users` table, with its posts.
#[derive(Model, Debug, Clone, Default)]
#[orm(table = "users", timestamps = false)]
struct User {
    id: i64,
    name: String,
    email: String,
    active: bool,
    created_at: Option<chrono::NaiveDateTime>,
    posts: HasMany<Post>,
    state: ModelState,
}

/// A post belongs to its user (`posts.user_id`, Laravel's convention).
#[derive(Model, Debug, Clone, Default)]
#[orm(table = "posts", timestamps = false)]
struct Post {
    id: i64,
    user_id: i64,
    title: String,
    user: BelongsTo<User>,
    state: ModelState,
}

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

    // Typed models and a relation: posts written through it get their user_id.
    db.exec("CREATE TABLE IF NOT EXISTS posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, title TEXT)", &[])
        .await?;
    let alice = User::query().where_("email", "alice@example.com").first_or_fail().await?;
    if alice.posts().count().await? == 0 {
        alice.posts().create_many([record! { "title" => "Hello" }, record! { "title" => "Relations" }]).await?;
    }
    // Two queries, whatever the number of users: the users, then all their posts.
    let users = User::query().where_("active", true).with(["posts"]).oldest_by("id").get().await?;
    for user in &users {
        let titles: Vec<&str> = user.posts.loaded().unwrap_or_default().iter().map(|p| p.title.as_str()).collect();
        println!("  {} wrote {:?}", user.name, titles);
    }
    let post = Post::query().with(["user"]).first_or_fail().await?;
    println!("a post with its author, as JSON: {}", serde_json::to_string(&post).unwrap());
    bunary_orm::close_driver().await
}
