//! Shared fixtures for the benchmarks: the database file, its schema and data, and the
//! typed models of each contestant. The schema follows diesel's own benchmark suite.

use std::path::{Path, PathBuf};

/// The schema every contestant queries.
pub const SCHEMA: &str = "
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    DROP TABLE IF EXISTS comments;
    DROP TABLE IF EXISTS posts;
    DROP TABLE IF EXISTS users;
    CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, name TEXT NOT NULL, hair_color TEXT);
    CREATE TABLE posts (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, user_id INTEGER NOT NULL REFERENCES users(id), title TEXT NOT NULL, body TEXT);
    CREATE INDEX posts_user_id ON posts (user_id);
";

/// A fresh SQLite file with the schema, in a temporary folder kept for the process's life.
pub fn fresh_sqlite() -> PathBuf {
    let dir = tempfile::tempdir().expect("temp dir").keep();
    let path = dir.join("bench.sqlite");
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.execute_batch(SCHEMA).expect("schema");
    path
}

/// Replaces the rows: `users` users (every other one with a hair colour), and `posts_per_user`
/// posts each.
pub fn seed(path: &Path, users: usize, posts_per_user: usize) {
    let mut conn = rusqlite::Connection::open(path).expect("open");
    let tx = conn.transaction().unwrap();
    tx.execute_batch("DELETE FROM posts; DELETE FROM users; DELETE FROM sqlite_sequence;").unwrap();
    {
        let mut user = tx.prepare("INSERT INTO users (name, hair_color) VALUES (?, ?)").unwrap();
        let mut post = tx.prepare("INSERT INTO posts (user_id, title, body) VALUES (?, ?, ?)").unwrap();
        for i in 0..users {
            let hair = if i % 2 == 0 { Some("black") } else { None };
            user.execute(rusqlite::params![format!("User {i}"), hair]).unwrap();
            let id = tx.last_insert_rowid();
            for p in 0..posts_per_user {
                post.execute(rusqlite::params![id, format!("Post {p} by {i}"), Some("body")]).unwrap();
            }
        }
    }
    tx.commit().unwrap();
}

/// A user as the raw contestants map it by hand.
#[derive(Debug, Clone, PartialEq)]
pub struct RawUser {
    pub id: i64,
    pub name: String,
    pub hair_color: Option<String>,
}

/// bunary-orm's typed model.
pub mod bunary_models {
    use bunary_orm::prelude::*;

    #[derive(Model, Debug, Clone, Default)]
    #[orm(table = "users", timestamps = false)]
    pub struct User {
        pub id: i64,
        pub name: String,
        pub hair_color: Option<String>,
        pub state: ModelState,
    }

    /// One row of the join workload.
    #[derive(Model, Debug, Clone, Default)]
    #[orm(table = "posts", timestamps = false)]
    pub struct UserPost {
        pub id: i64,
        pub name: String,
        pub title: String,
        pub state: ModelState,
    }
}

/// diesel's schema and models.
pub mod diesel_models {
    use diesel::prelude::*;

    diesel::table! {
        users (id) {
            id -> BigInt,
            name -> Text,
            hair_color -> Nullable<Text>,
        }
    }

    diesel::table! {
        posts (id) {
            id -> BigInt,
            user_id -> BigInt,
            title -> Text,
            body -> Nullable<Text>,
        }
    }

    diesel::joinable!(posts -> users (user_id));
    diesel::allow_tables_to_appear_in_same_query!(users, posts);

    #[derive(Queryable, Selectable, Debug, Clone)]
    #[diesel(table_name = users)]
    pub struct User {
        pub id: i64,
        pub name: String,
        pub hair_color: Option<String>,
    }

    #[derive(Insertable)]
    #[diesel(table_name = users)]
    pub struct NewUser<'a> {
        pub name: &'a str,
        pub hair_color: Option<&'a str>,
    }
}

/// sqlx's row type.
#[derive(sqlx::FromRow, Debug, Clone)]
pub struct SqlxUser {
    pub id: i64,
    pub name: String,
    pub hair_color: Option<String>,
}

/// sea-orm's entity.
pub mod sea_user {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub hair_color: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
