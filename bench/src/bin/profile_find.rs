//! Loops of one workload, to profile with perf or callgrind, one contestant at a time:
//! `cargo build --release --bin profile_find && valgrind --tool=callgrind target/release/profile_find typed 20000`.
//! Contestants: `raw` (rusqlite), `typed` (`User::find`), `rows` (`db.table("users").find`),
//! `typed_rw` / `select_typed_rw` (the typed find and load through a read-replica configuration),
//! `select_raw` / `select_typed` / `select_kept` (`keep_original`) / `select_rows` / `select_diesel` (load 1 000 users), `insert_raw` / `insert_rows` / `insert_typed`
//! (100 users in one statement), `save_typed` (one user inserted then updated by `save`). A third argument seeds that many users instead of 1 000
//! (`select_typed 20000 1`: the fixed cost of a query). `pg_typed` / `pg_rows`: the typed and row find by key on
//! PostgreSQL (`BUNARY_BENCH_POSTGRES_URL`, default the local `test` database; client instructions only).

use bunary_bench::bunary_models::User;
use bunary_bench::{fresh_sqlite, seed, RawUser};
use bunary_orm::prelude::*;
use bunary_orm::{DatabaseConfig, Db};

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "typed".into());
    let rounds: i64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let users: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let path = fresh_sqlite();
    seed(&path, users, 0);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let db = Db::connect(&DatabaseConfig::sqlite(path.to_string_lossy())).unwrap();
    let raw = rusqlite::Connection::open(&path).unwrap();
    let mut diesel_conn = {
        use diesel::Connection as _;
        diesel::SqliteConnection::establish(&path.to_string_lossy()).unwrap()
    };
    // The same file as primary and as its own read replica: a typed read through the read/write
    // router (`typed_rw`, `select_typed_rw`), which must cost what it costs on a plain handle.
    let rw = {
        let mut config = DatabaseConfig::sqlite(path.to_string_lossy());
        config.read_replicas = vec![DatabaseConfig::sqlite(path.to_string_lossy())];
        Db::connect(&config).unwrap()
    };
    // PostgreSQL (`pg_typed`, `pg_rows`: find by key; callgrind counts the client's
    // instructions only): users in a schema of their own on BUNARY_BENCH_POSTGRES_URL.
    let pg = which.starts_with("pg_").then(|| {
        let url = std::env::var("BUNARY_BENCH_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let mut config = bunary_orm::OrmConfig::from_url(&url).unwrap().database;
        if let Some(pg) = config.postgres.as_mut() {
            pg.schema = Some("bunary_profile".into());
        }
        let pg = Db::connect(&config).unwrap();
        rt.block_on(async {
            pg.exec_batch(
                "CREATE SCHEMA IF NOT EXISTS bunary_profile; DROP TABLE IF EXISTS bunary_profile.users; \
                 CREATE TABLE bunary_profile.users (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, hair_color TEXT)",
            )
            .await
            .unwrap();
            for i in 0..users {
                pg.table("users").insert(record! { "name" => format!("User {i}"), "hair_color" => "black" }).await.unwrap();
            }
        });
        pg
    });
    let names: Vec<String> = (0..100).map(|i| format!("User {i}")).collect();
    let mut found = 0usize;
    rt.block_on(async {
        for i in 0..rounds {
            let id = i % users.max(1) as i64 + 1;
            found += match which.as_str() {
                "raw" => {
                    let mut stmt =
                        raw.prepare_cached("SELECT id, name, hair_color FROM users WHERE id = ? LIMIT 1").unwrap();
                    let user =
                        stmt.query_row([id], |r| Ok(RawUser { id: r.get(0)?, name: r.get(1)?, hair_color: r.get(2)? }));
                    usize::from(user.is_ok())
                }
                "typed" => usize::from(User::on(&db).find(id).await.unwrap().is_some()),
                "rows" => usize::from(db.table("users").find(id).await.unwrap().is_some()),
                "select_raw" => {
                    let mut stmt = raw.prepare_cached("SELECT id, name, hair_color FROM users").unwrap();
                    let users: Vec<RawUser> = stmt
                        .query_map([], |r| Ok(RawUser { id: r.get(0)?, name: r.get(1)?, hair_color: r.get(2)? }))
                        .unwrap()
                        .collect::<Result<_, _>>()
                        .unwrap();
                    users.len()
                }
                "select_typed" => User::on(&db).get().await.unwrap().len(),
                "select_kept" => bunary_bench::bunary_models::KeptUser::on(&db).get().await.unwrap().len(),
                "select_diesel" => {
                    use bunary_bench::diesel_models;
                    use diesel::prelude::*;
                    diesel_models::users::table
                        .select(diesel_models::User::as_select())
                        .load(&mut diesel_conn)
                        .unwrap()
                        .len()
                }
                "select_rows" => db.table("users").get().await.unwrap().len(),
                "typed_rw" => usize::from(User::on(&rw).find(id).await.unwrap().is_some()),
                "select_typed_rw" => User::on(&rw).get().await.unwrap().len(),
                "insert_raw" => {
                    let mut sql = String::from("INSERT INTO users (name, hair_color) VALUES ");
                    sql.push_str(&vec!["(?, ?)"; names.len()].join(", "));
                    let mut stmt = raw.prepare_cached(&sql).unwrap();
                    let rows: Vec<(String, Option<String>)> =
                        names.iter().map(|name| (name.clone(), Some(String::from("hair_color")))).collect();
                    let params: Vec<&dyn rusqlite::ToSql> =
                        rows.iter().flat_map(|(name, hair)| [name as &dyn rusqlite::ToSql, hair]).collect();
                    let n = stmt.execute(params.as_slice()).unwrap();
                    raw.execute("DELETE FROM users WHERE id > 1000", []).unwrap();
                    n
                }
                "insert_rows" => {
                    let records: Vec<Record> = names
                        .iter()
                        .map(
                            |name| record! { "name" => name.clone(), "hair_color" => Some(String::from("hair_color")) },
                        )
                        .collect();
                    let n = db.table("users").insert_many(records).await.unwrap() as usize;
                    raw.execute("DELETE FROM users WHERE id > 1000", []).unwrap();
                    n
                }
                "insert_typed" => {
                    let users: Vec<User> = names
                        .iter()
                        .map(|name| User {
                            name: name.clone(),
                            hair_color: Some(String::from("hair_color")),
                            ..Default::default()
                        })
                        .collect();
                    let n = User::on(&db).insert_models(users).await.unwrap() as usize;
                    raw.execute("DELETE FROM users WHERE id > 1000", []).unwrap();
                    n
                }
                "save_typed" => {
                    // One model saved (INSERT), then changed and saved (UPDATE): the lifecycle
                    // of a model with no observer.
                    let mut user = User { name: names[0].clone(), ..Default::default() };
                    user.state.set_connection(&db);
                    user.save().await.unwrap();
                    user.name = names[1].clone();
                    user.save().await.unwrap();
                    if i % 1000 == 999 {
                        raw.execute("DELETE FROM users WHERE id > 1000", []).unwrap();
                    }
                    usize::from(user.exists())
                }
                "join" => bunary_bench::bunary_models::UserPost::on(&db)
                    .join("users", "posts.user_id", "=", "users.id")
                    .select(["posts.id", "users.name", "posts.title"])
                    .where_("users.hair_color", "black")
                    .order_by_desc("posts.id")
                    .limit(1)
                    .get()
                    .await
                    .unwrap()
                    .len(),
                // One pass over every user, 1 000 at a time (seed 100 000 with the third argument):
                // raw keyset pages with rusqlite, and the model's chunk and cursor (issue 19's bar).
                "keyset_raw" => {
                    let mut stmt = raw
                        .prepare_cached("SELECT id, name, hair_color FROM users WHERE id > ? ORDER BY id LIMIT 1000")
                        .unwrap();
                    let (mut last, mut seen) = (0i64, 0usize);
                    loop {
                        let page: Vec<RawUser> = stmt
                            .query_map([last], |r| Ok(RawUser { id: r.get(0)?, name: r.get(1)?, hair_color: r.get(2)? }))
                            .unwrap()
                            .collect::<Result<_, _>>()
                            .unwrap();
                        match page.last() {
                            Some(u) => last = u.id,
                            None => break seen,
                        }
                        seen += page.len();
                    }
                }
                "chunk_typed" => {
                    let mut seen = 0usize;
                    User::on(&db)
                        .chunk(1000, |users| {
                            seen += users.len();
                            async { Ok(true) }
                        })
                        .await
                        .unwrap();
                    seen
                }
                "cursor_typed" => {
                    use futures_util::TryStreamExt;
                    User::on(&db).cursor(1000).try_fold(0usize, |n, _| async move { Ok(n + 1) }).await.unwrap()
                }
                "pg_typed" => usize::from(User::on(pg.as_ref().unwrap()).find(id).await.unwrap().is_some()),
                "pg_rows" => usize::from(pg.as_ref().unwrap().table("users").find(id).await.unwrap().is_some()),
                other => panic!("unknown workload {other}"),
            };
        }
    });
    println!("{found}");
}
