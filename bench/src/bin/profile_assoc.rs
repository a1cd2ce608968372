//! The "loading associations" workload in a loop, one contestant at a time, to profile with
//! callgrind or perf: `profile_assoc <contestant> <rounds>` with `sqlite_raw`, `sqlite_bunary`,
//! `sqlite_diesel` (9 × 10 × 10), `pg_raw`, `pg_bunary`, `pg_diesel` (100 × 10 × 10, on
//! `BUNARY_TEST_POSTGRES_URL`). Run it with two round counts and subtract to take out the setup.

use bunary_bench::assoc::*;
use bunary_bench::{fresh_sqlite, seed_associations};
use bunary_orm::{DatabaseConfig, Db, OrmConfig};
use diesel::Connection as _;

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "sqlite_bunary".into());
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let mut comments = 0;
    if let Some(which) = which.strip_prefix("sqlite_") {
        let path = fresh_sqlite();
        seed_associations(&path, 9, 10, 10);
        let url = path.to_string_lossy().into_owned();
        let raw = rusqlite::Connection::open(&path).unwrap();
        let bunary = Db::connect(&DatabaseConfig::sqlite(&url)).unwrap();
        let mut diesel = diesel::SqliteConnection::establish(&url).unwrap();
        for _ in 0..rounds {
            comments += match which {
                "raw" => comments_in(&raw_sqlite(&raw)),
                "diesel" => comments_in(&diesel_load(&mut diesel)),
                _ => bunary_comments(&rt.block_on(bunary_load(&bunary))),
            };
        }
    } else {
        let url = std::env::var("BUNARY_TEST_POSTGRES_URL").expect("BUNARY_TEST_POSTGRES_URL");
        // Extra server options for both raw and diesel connections (a plan log, say).
        let url = match std::env::var("PROFILE_PG_OPTIONS") {
            Ok(options) => format!("{url}?options={options}"),
            Err(_) => url,
        };
        rt.block_on(async {
            let (client, mut conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
            if std::env::var("PROFILE_POLL_MESSAGE").is_ok() {
                // diesel-async's way of driving the connection.
                tokio::spawn(async move {
                    while let Some(Ok(_)) = std::future::poll_fn(|cx| conn.poll_message(cx)).await {}
                });
            } else {
                tokio::spawn(conn);
            }
            client.batch_execute(PG_SCHEMA).await.unwrap();
            let statements = PgStatements::prepare(&client, 100, 1_000).await;
            let mut config = OrmConfig::from_url(&url).unwrap().database;
            config.postgres.as_mut().unwrap().schema = Some("bunary_bench_assoc".into());
            let bunary = Db::connect(&config).unwrap();
            let peer_url = if url.contains("options=") {
                format!("{url}%20-c%20search_path%3Dbunary_bench_assoc")
            } else {
                format!("{url}?options=-c%20search_path%3Dbunary_bench_assoc")
            };
            let mut diesel =
                <diesel_async::AsyncPgConnection as diesel_async::AsyncConnection>::establish(&peer_url).await.unwrap();
            for _ in 0..rounds {
                comments += match which.as_str() {
                    "pg_raw" => comments_in(&raw_pg(&client, &statements, false).await),
                    "pg_raw_unnamed" => raw_pg_unnamed(&client).await,
                    "pg_raw_any" => comments_in(&raw_pg(&client, &statements, true).await),
                    "pg_timing" => {
                        timing(&client, &mut diesel).await;
                        0
                    }
                    "pg_diesel" => comments_in(&diesel_pg(&mut diesel).await),
                    _ => bunary_comments(&bunary_load(&bunary).await),
                };
            }
        });
    }
    println!("{which}: {comments} comments in {rounds} rounds");
}

/// One load of each PostgreSQL contestant's three queries, each timed (`pg_timing`).
pub async fn timing(client: &tokio_postgres::Client, diesel: &mut diesel_async::AsyncPgConnection) {
    use bunary_bench::diesel_models::{users, AComment, APost, AUser};
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl as Run;
    let t = std::time::Instant::now();
    let users_rows = client.query("SELECT id, name, hair_color FROM users", &[]).await.unwrap();
    let a = t.elapsed();
    let ids: Vec<i64> = users_rows.iter().map(|r| r.get(0)).collect();
    let stmt = client.prepare("SELECT id, user_id, title, body FROM posts WHERE user_id = ANY($1)").await.unwrap();
    let t = std::time::Instant::now();
    let posts = client.query(&stmt, &[&ids]).await.unwrap();
    let b = t.elapsed();
    let pids: Vec<i64> = posts.iter().map(|r| r.get(0)).collect();
    let stmt = client.prepare("SELECT id, post_id, text FROM comments WHERE post_id = ANY($1)").await.unwrap();
    let t = std::time::Instant::now();
    let comments = client.query(&stmt, &[&pids]).await.unwrap();
    let c = t.elapsed();
    println!("raw: users {a:?} posts {b:?} comments {c:?} ({})", comments.len());
    let t = std::time::Instant::now();
    let users = Run::load(users::table.select(AUser::as_select()), diesel).await.unwrap();
    let a = t.elapsed();
    let t = std::time::Instant::now();
    let posts = Run::load(APost::belonging_to(&users).select(APost::as_select()), diesel).await.unwrap();
    let b = t.elapsed();
    let t = std::time::Instant::now();
    let comments = Run::load(AComment::belonging_to(&posts).select(AComment::as_select()), diesel).await.unwrap();
    let c = t.elapsed();
    println!("diesel: users {a:?} posts {b:?} comments {c:?} ({})", comments.len());
}
