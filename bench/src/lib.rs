//! Shared fixtures for the benchmarks: the database file, its schema and data, and the
//! typed models of each contestant. The schema follows diesel's own benchmark suite.

use std::path::{Path, PathBuf};

pub mod assoc;

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
    CREATE TABLE comments (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, post_id INTEGER NOT NULL REFERENCES posts(id), text TEXT NOT NULL);
    CREATE INDEX comments_post_id ON comments (post_id);
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

/// Replaces the rows for diesel's "loading associations" workload: `users` users, each with
/// `posts` posts of `comments` comments.
pub fn seed_associations(path: &Path, users: usize, posts: usize, comments: usize) {
    let mut conn = rusqlite::Connection::open(path).expect("open");
    let tx = conn.transaction().unwrap();
    tx.execute_batch("DELETE FROM comments; DELETE FROM posts; DELETE FROM users; DELETE FROM sqlite_sequence;")
        .unwrap();
    {
        let mut user = tx.prepare("INSERT INTO users (name, hair_color) VALUES (?, ?)").unwrap();
        let mut post = tx.prepare("INSERT INTO posts (user_id, title, body) VALUES (?, ?, ?)").unwrap();
        let mut comment = tx.prepare("INSERT INTO comments (post_id, text) VALUES (?, ?)").unwrap();
        for i in 0..users {
            user.execute(rusqlite::params![format!("User {i}"), Some("black")]).unwrap();
            let user_id = tx.last_insert_rowid();
            for p in 0..posts {
                post.execute(rusqlite::params![user_id, format!("Post {p} by {i}"), Some("body")]).unwrap();
                let post_id = tx.last_insert_rowid();
                for c in 0..comments {
                    comment.execute(rusqlite::params![post_id, format!("Comment {c} on {p}")]).unwrap();
                }
            }
        }
    }
    tx.commit().unwrap();
}

/// A post and a comment as the raw contestants map them by hand.
#[derive(Debug, Clone, PartialEq)]
pub struct RawPost {
    pub id: i64,
    pub user_id: i64,
    pub title: String,
    pub body: Option<String>,
}

/// See [`RawPost`].
#[derive(Debug, Clone, PartialEq)]
pub struct RawComment {
    pub id: i64,
    pub post_id: i64,
    pub text: String,
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

    /// [`User`] keeping its original values (`keep_original`): what that costs a load.
    #[derive(Model, Debug, Clone, Default)]
    #[orm(table = "users", timestamps = false, keep_original)]
    pub struct KeptUser {
        pub id: i64,
        pub name: String,
        pub hair_color: Option<String>,
        pub state: ModelState,
    }

    /// The "loading associations" workload: users → posts → comments.
    #[derive(Model, Debug, Clone, Default)]
    #[orm(table = "users", timestamps = false)]
    pub struct AUser {
        pub id: i64,
        pub name: String,
        pub hair_color: Option<String>,
        #[orm(foreign_key = "user_id")]
        pub posts: HasMany<APost>,
        pub state: ModelState,
    }

    /// See [`AUser`].
    #[derive(Model, Debug, Clone, Default)]
    #[orm(table = "posts", timestamps = false)]
    pub struct APost {
        pub id: i64,
        pub user_id: i64,
        pub title: String,
        pub body: Option<String>,
        #[orm(foreign_key = "post_id")]
        pub comments: HasMany<AComment>,
        pub state: ModelState,
    }

    /// See [`AUser`].
    #[derive(Model, Debug, Clone, Default)]
    #[orm(table = "comments", timestamps = false)]
    pub struct AComment {
        pub id: i64,
        pub post_id: i64,
        pub text: String,
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

    diesel::table! {
        comments (id) {
            id -> BigInt,
            post_id -> BigInt,
            text -> Text,
        }
    }

    diesel::joinable!(posts -> users (user_id));
    diesel::joinable!(comments -> posts (post_id));
    diesel::allow_tables_to_appear_in_same_query!(users, posts, comments);

    /// The "loading associations" workload's models.
    #[derive(Queryable, Selectable, Identifiable, Debug, Clone)]
    #[diesel(table_name = users)]
    pub struct AUser {
        pub id: i64,
        pub name: String,
        pub hair_color: Option<String>,
    }

    /// See [`AUser`].
    #[derive(Queryable, Selectable, Identifiable, Associations, Debug, Clone)]
    #[diesel(belongs_to(AUser, foreign_key = user_id))]
    #[diesel(table_name = posts)]
    pub struct APost {
        pub id: i64,
        pub user_id: i64,
        pub title: String,
        pub body: Option<String>,
    }

    /// See [`AUser`].
    #[derive(Queryable, Selectable, Identifiable, Associations, Debug, Clone)]
    #[diesel(belongs_to(APost, foreign_key = post_id))]
    #[diesel(table_name = comments)]
    pub struct AComment {
        pub id: i64,
        pub post_id: i64,
        pub text: String,
    }

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
    pub enum Relation {
        #[sea_orm(has_many = "super::sea_post::Entity")]
        Post,
    }

    impl Related<super::sea_post::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Post.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// sea-orm's post, for the "loading associations" workload.
pub mod sea_post {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "posts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: i64,
        pub title: String,
        pub body: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(belongs_to = "super::sea_user::Entity", from = "Column::UserId", to = "super::sea_user::Column::Id")]
        User,
        #[sea_orm(has_many = "super::sea_comment::Entity")]
        Comment,
    }

    impl Related<super::sea_user::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::User.def()
        }
    }

    impl Related<super::sea_comment::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Comment.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// sea-orm's comment, for the "loading associations" workload.
pub mod sea_comment {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "comments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub post_id: i64,
        pub text: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(belongs_to = "super::sea_post::Entity", from = "Column::PostId", to = "super::sea_post::Column::Id")]
        Post,
    }

    impl Related<super::sea_post::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Post.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}
