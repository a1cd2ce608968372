//! diesel's "loading associations" workload (users → posts → comments), each contestant's
//! version: shared by `benches/associations.rs` and `bin/profile_assoc.rs`.

use std::collections::HashMap;

use bunary_orm::prelude::Entity as _;
use bunary_orm::Db;
use diesel::prelude::*;
use sea_orm::{EntityTrait, LoaderTrait};

use crate::bunary_models::AUser as BUser;
use crate::diesel_models::{AComment, APost, AUser};
use crate::{sea_comment, sea_post, sea_user, RawComment, RawPost, RawUser};

/// What every contestant returns, in its own types: each user with its posts, each post with
/// its comments.
pub type Loaded<U, P, C> = Vec<(U, Vec<(P, Vec<C>)>)>;

/// Groups `children` by `key` in the order of `parents`' keys.
pub fn group<T>(parents: &[i64], children: Vec<T>, key: impl Fn(&T) -> i64) -> Vec<Vec<T>> {
    let mut by: HashMap<i64, Vec<T>> = HashMap::with_capacity(parents.len());
    for child in children {
        by.entry(key(&child)).or_default().push(child);
    }
    parents.iter().map(|id| by.remove(id).unwrap_or_default()).collect()
}

pub fn in_list(n: usize) -> String {
    let mut s = "?,".repeat(n);
    s.pop();
    s
}

pub fn raw_sqlite(conn: &rusqlite::Connection) -> Loaded<RawUser, RawPost, RawComment> {
    let mut stmt = conn.prepare_cached("SELECT id, name, hair_color FROM users").unwrap();
    let users: Vec<RawUser> = stmt
        .query_map([], |r| Ok(RawUser { id: r.get(0)?, name: r.get(1)?, hair_color: r.get(2)? }))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let user_ids: Vec<i64> = users.iter().map(|u| u.id).collect();
    let sql = format!("SELECT id, user_id, title, body FROM posts WHERE user_id IN ({})", in_list(user_ids.len()));
    let mut stmt = conn.prepare_cached(&sql).unwrap();
    let posts: Vec<RawPost> = stmt
        .query_map(rusqlite::params_from_iter(&user_ids), |r| {
            Ok(RawPost { id: r.get(0)?, user_id: r.get(1)?, title: r.get(2)?, body: r.get(3)? })
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let post_ids: Vec<i64> = posts.iter().map(|p| p.id).collect();
    let sql = format!("SELECT id, post_id, text FROM comments WHERE post_id IN ({})", in_list(post_ids.len()));
    let mut stmt = conn.prepare_cached(&sql).unwrap();
    let comments: Vec<RawComment> = stmt
        .query_map(rusqlite::params_from_iter(&post_ids), |r| {
            Ok(RawComment { id: r.get(0)?, post_id: r.get(1)?, text: r.get(2)? })
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let comments = group(&post_ids, comments, |c| c.post_id);
    let posts = group(&user_ids, posts.into_iter().zip(comments).collect(), |(p, _)| p.user_id);
    users.into_iter().zip(posts).collect()
}

pub fn diesel_load(conn: &mut diesel::SqliteConnection) -> Loaded<AUser, APost, AComment> {
    use crate::diesel_models::users;
    let users = users::table.select(AUser::as_select()).load(conn).unwrap();
    let posts = APost::belonging_to(&users).select(APost::as_select()).load(conn).unwrap();
    let comments = AComment::belonging_to(&posts).select(AComment::as_select()).load(conn).unwrap();
    let comments = comments.grouped_by(&posts);
    let posts_and_comments = posts.into_iter().zip(comments).grouped_by(&users);
    users.into_iter().zip(posts_and_comments).collect()
}

pub async fn sea_load(
    db: &sea_orm::DatabaseConnection,
) -> Loaded<sea_user::Model, sea_post::Model, sea_comment::Model> {
    let users = sea_user::Entity::find().all(db).await.unwrap();
    let posts = users.load_many(sea_post::Entity, db).await.unwrap();
    let counts: Vec<usize> = posts.iter().map(Vec::len).collect();
    let posts: Vec<sea_post::Model> = posts.into_iter().flatten().collect();
    let comments = posts.load_many(sea_comment::Entity, db).await.unwrap();
    let mut pairs = posts.into_iter().zip(comments);
    let grouped = counts.into_iter().map(|n| pairs.by_ref().take(n).collect());
    users.into_iter().zip(grouped).collect()
}

pub async fn bunary_load(db: &Db) -> Vec<BUser> {
    BUser::on(db).with(["posts.comments"]).get().await.unwrap()
}

/// The number of comments loaded, to check that every contestant loads the same.
pub fn comments_in<U, P, C>(loaded: &Loaded<U, P, C>) -> usize {
    loaded.iter().flat_map(|(_, posts)| posts).map(|(_, comments)| comments.len()).sum()
}

pub const PG_SCHEMA: &str = "
    DROP SCHEMA IF EXISTS bunary_bench_assoc CASCADE; CREATE SCHEMA bunary_bench_assoc; SET search_path = bunary_bench_assoc;
    CREATE TABLE users (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, hair_color TEXT);
    CREATE TABLE posts (id BIGSERIAL PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users (id), title TEXT NOT NULL, body TEXT);
    CREATE INDEX ON posts (user_id);
    CREATE TABLE comments (id BIGSERIAL PRIMARY KEY, post_id BIGINT NOT NULL REFERENCES posts (id), text TEXT NOT NULL);
    CREATE INDEX ON comments (post_id);
    INSERT INTO users (name, hair_color) SELECT 'User ' || g, 'black' FROM generate_series(1, 100) g;
    INSERT INTO posts (user_id, title, body) SELECT u, 'Post ' || p || ' by ' || u, 'body' FROM generate_series(1, 100) u, generate_series(1, 10) p ORDER BY u, p;
    INSERT INTO comments (post_id, text) SELECT p, 'Comment ' || c FROM generate_series(1, 1000) p, generate_series(1, 10) c ORDER BY p, c;
    ANALYZE;
";

/// The raw PostgreSQL version: each list as placeholders (`IN ($1, …)`), or with `any` as one
/// array (`= ANY($1)`, what diesel and bunary-orm send for a long list).
pub async fn raw_pg(
    client: &tokio_postgres::Client,
    s: &PgStatements,
    any: bool,
) -> Loaded<RawUser, RawPost, RawComment> {
    let users: Vec<RawUser> = client
        .query(&s.users, &[])
        .await
        .unwrap()
        .iter()
        .map(|r| RawUser { id: r.get(0), name: r.get(1), hair_color: r.get(2) })
        .collect();
    let user_ids: Vec<i64> = users.iter().map(|u| u.id).collect();
    let rows = if any {
        client.query(&s.posts_any, &[&user_ids]).await
    } else {
        client.query(s.posts(user_ids.len()), &pg_params(&user_ids)).await
    };
    let posts: Vec<RawPost> = rows
        .unwrap()
        .iter()
        .map(|r| RawPost { id: r.get(0), user_id: r.get(1), title: r.get(2), body: r.get(3) })
        .collect();
    let post_ids: Vec<i64> = posts.iter().map(|p| p.id).collect();
    let rows = if any {
        client.query(&s.comments_any, &[&post_ids]).await
    } else {
        client.query(s.comments(post_ids.len()), &pg_params(&post_ids)).await
    };
    let comments: Vec<RawComment> =
        rows.unwrap().iter().map(|r| RawComment { id: r.get(0), post_id: r.get(1), text: r.get(2) }).collect();
    let comments = group(&post_ids, comments, |c| c.post_id);
    let posts = group(&user_ids, posts.into_iter().zip(comments).collect(), |(p, _)| p.user_id);
    users.into_iter().zip(posts).collect()
}

fn pg_params(ids: &[i64]) -> Vec<&(dyn tokio_postgres::types::ToSql + Sync)> {
    ids.iter().map(|id| id as &(dyn tokio_postgres::types::ToSql + Sync)).collect()
}

fn pg_in_list(n: usize) -> String {
    (1..=n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// [`raw_pg`] with each `IN` query sent as text (an unnamed statement, planned for its values
/// each time) rather than prepared once.
pub async fn raw_pg_unnamed(client: &tokio_postgres::Client) -> usize {
    let users: Vec<RawUser> = client
        .query("SELECT id, name, hair_color FROM users", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| RawUser { id: r.get(0), name: r.get(1), hair_color: r.get(2) })
        .collect();
    let user_ids: Vec<i64> = users.iter().map(|u| u.id).collect();
    let sql = format!("SELECT id, user_id, title, body FROM posts WHERE user_id IN ({})", pg_in_list(user_ids.len()));
    let posts: Vec<RawPost> = client
        .query(sql.as_str(), &pg_params(&user_ids))
        .await
        .unwrap()
        .iter()
        .map(|r| RawPost { id: r.get(0), user_id: r.get(1), title: r.get(2), body: r.get(3) })
        .collect();
    let post_ids: Vec<i64> = posts.iter().map(|p| p.id).collect();
    let sql = format!("SELECT id, post_id, text FROM comments WHERE post_id IN ({})", pg_in_list(post_ids.len()));
    let comments = client.query(sql.as_str(), &pg_params(&post_ids)).await.unwrap();
    comments.len()
}

/// The raw PostgreSQL version's statements, prepared once: the `IN` lists of the seeded sizes.
pub struct PgStatements {
    users: tokio_postgres::Statement,
    posts_any: tokio_postgres::Statement,
    comments_any: tokio_postgres::Statement,
    posts: (usize, tokio_postgres::Statement),
    comments: (usize, tokio_postgres::Statement),
}

impl PgStatements {
    /// Prepares the statements for `users` users with `posts` posts in all.
    pub async fn prepare(client: &tokio_postgres::Client, users: usize, posts: usize) -> Self {
        let list = |table: &str, columns: &str, key: &str, n: usize| {
            format!("SELECT {columns} FROM {table} WHERE {key} IN ({})", pg_in_list(n))
        };
        PgStatements {
            users: client.prepare("SELECT id, name, hair_color FROM users").await.unwrap(),
            posts_any: client
                .prepare("SELECT id, user_id, title, body FROM posts WHERE user_id = ANY($1)")
                .await
                .unwrap(),
            comments_any: client
                .prepare("SELECT id, post_id, text FROM comments WHERE post_id = ANY($1)")
                .await
                .unwrap(),
            posts: (users, client.prepare(&list("posts", "id, user_id, title, body", "user_id", users)).await.unwrap()),
            comments: (posts, client.prepare(&list("comments", "id, post_id, text", "post_id", posts)).await.unwrap()),
        }
    }

    fn posts(&self, n: usize) -> &tokio_postgres::Statement {
        assert_eq!(n, self.posts.0, "prepared for another number of users");
        &self.posts.1
    }

    fn comments(&self, n: usize) -> &tokio_postgres::Statement {
        assert_eq!(n, self.comments.0, "prepared for another number of posts");
        &self.comments.1
    }
}

pub async fn diesel_pg(conn: &mut diesel_async::AsyncPgConnection) -> Loaded<AUser, APost, AComment> {
    use crate::diesel_models::users;
    use diesel_async::RunQueryDsl as Run;
    let users = Run::load(users::table.select(AUser::as_select()), conn).await.unwrap();
    let posts = Run::load(APost::belonging_to(&users).select(APost::as_select()), conn).await.unwrap();
    let comments = Run::load(AComment::belonging_to(&posts).select(AComment::as_select()), conn).await.unwrap();
    let comments = comments.grouped_by(&posts);
    let posts_and_comments = posts.into_iter().zip(comments).grouped_by(&users);
    users.into_iter().zip(posts_and_comments).collect()
}

/// The number of comments bunary-orm loaded.
pub fn bunary_comments(users: &[BUser]) -> usize {
    users.iter().flat_map(|u| u.posts.loaded().unwrap()).map(|p| p.comments.loaded().unwrap().len()).sum()
}
