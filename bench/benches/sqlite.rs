//! SQLite: bunary-orm against raw rusqlite, diesel, sqlx and sea-orm on the same file.
//! `cargo bench --bench sqlite` (from bench/). Workloads after diesel's benchmark suite.

use std::hint::black_box;

use bunary_bench::bunary_models::User as BUser;
use bunary_bench::{diesel_models, fresh_sqlite, sea_user, seed, RawUser, SqlxUser};
use bunary_orm::prelude::*;
use bunary_orm::{DatabaseConfig, Db};
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use diesel::prelude::*;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

struct Contestants {
    raw: rusqlite::Connection,
    bunary: Db,
    diesel: diesel::SqliteConnection,
    sqlx: sqlx::SqlitePool,
    sea: sea_orm::DatabaseConnection,
}

fn contestants(rt: &tokio::runtime::Runtime, path: &std::path::Path) -> Contestants {
    let url = path.to_string_lossy().into_owned();
    let raw = rusqlite::Connection::open(path).unwrap();
    raw.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;").unwrap();
    let bunary = Db::connect(&DatabaseConfig::sqlite(&url)).unwrap();
    let mut diesel = diesel::SqliteConnection::establish(&url).unwrap();
    diesel::sql_query("PRAGMA synchronous = NORMAL").execute(&mut diesel).unwrap();
    let (sqlx, sea) = rt.block_on(async {
        let opts: sqlx::sqlite::SqliteConnectOptions = format!("sqlite://{url}").parse().unwrap();
        let opts = opts.synchronous(sqlx::sqlite::SqliteSynchronous::Normal);
        let sqlx = sqlx::sqlite::SqlitePoolOptions::new().max_connections(4).connect_with(opts).await.unwrap();
        let sea = sea_orm::Database::connect(format!("sqlite://{url}?mode=rwc")).await.unwrap();
        (sqlx, sea)
    });
    Contestants { raw, bunary, diesel, sqlx, sea }
}

fn raw_all(conn: &rusqlite::Connection) -> Vec<RawUser> {
    let mut stmt = conn.prepare_cached("SELECT id, name, hair_color FROM users").unwrap();
    stmt.query_map([], |r| Ok(RawUser { id: r.get(0)?, name: r.get(1)?, hair_color: r.get(2)? }))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn trivial_select(c: &mut Criterion) {
    let rt = runtime();
    let path = fresh_sqlite();
    let mut k = contestants(&rt, &path);
    let mut group = c.benchmark_group("select_all");
    for n in [1usize, 10, 100, 1_000, 10_000] {
        seed(&path, n, 0);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("rusqlite", n), &n, |b, _| b.iter(|| black_box(raw_all(&k.raw))));
        group.bench_with_input(BenchmarkId::new("bunary_typed", n), &n, |b, _| {
            b.to_async(&rt).iter(|| async { black_box(BUser::on(&k.bunary).get().await.unwrap()) })
        });
        group.bench_with_input(BenchmarkId::new("bunary_rows", n), &n, |b, _| {
            b.to_async(&rt).iter(|| async { black_box(k.bunary.table("users").get().await.unwrap()) })
        });
        group.bench_with_input(BenchmarkId::new("diesel", n), &n, |b, _| {
            b.iter(|| {
                black_box(
                    diesel_models::users::table.select(diesel_models::User::as_select()).load(&mut k.diesel).unwrap(),
                )
            })
        });
        group.bench_with_input(BenchmarkId::new("sqlx", n), &n, |b, _| {
            b.to_async(&rt).iter(|| async {
                black_box(
                    sqlx::query_as::<_, SqlxUser>("SELECT id, name, hair_color FROM users")
                        .fetch_all(&k.sqlx)
                        .await
                        .unwrap(),
                )
            })
        });
        group.bench_with_input(BenchmarkId::new("sea_orm", n), &n, |b, _| {
            b.to_async(&rt).iter(|| async { black_box(sea_user::Entity::find().all(&k.sea).await.unwrap()) })
        });
    }
    group.finish();
}

fn find_by_key(c: &mut Criterion) {
    let rt = runtime();
    let path = fresh_sqlite();
    seed(&path, 1_000, 0);
    let mut k = contestants(&rt, &path);
    let mut group = c.benchmark_group("find_by_key");
    let mut next = (1..=1000i64).cycle();
    group.bench_function("rusqlite", |b| {
        b.iter(|| {
            let id = next.next().unwrap();
            let mut stmt = k.raw.prepare_cached("SELECT id, name, hair_color FROM users WHERE id = ? LIMIT 1").unwrap();
            black_box(
                stmt.query_row([id], |r| Ok(RawUser { id: r.get(0)?, name: r.get(1)?, hair_color: r.get(2)? }))
                    .unwrap(),
            )
        })
    });
    group.bench_function("bunary_typed", |b| {
        b.to_async(&rt).iter(|| {
            let id = next.next().unwrap();
            let db = &k.bunary;
            async move { black_box(BUser::on(db).find(id).await.unwrap().unwrap()) }
        })
    });
    group.bench_function("bunary_rows", |b| {
        b.to_async(&rt).iter(|| {
            let id = next.next().unwrap();
            let db = &k.bunary;
            async move { black_box(db.table("users").find(id).await.unwrap().unwrap()) }
        })
    });
    group.bench_function("diesel", |b| {
        b.iter(|| {
            let id = next.next().unwrap();
            black_box(
                diesel_models::users::table
                    .find(id)
                    .select(diesel_models::User::as_select())
                    .first(&mut k.diesel)
                    .unwrap(),
            )
        })
    });
    group.bench_function("sqlx", |b| {
        b.to_async(&rt).iter(|| {
            let id = next.next().unwrap();
            let pool = &k.sqlx;
            async move {
                black_box(
                    sqlx::query_as::<_, SqlxUser>("SELECT id, name, hair_color FROM users WHERE id = ? LIMIT 1")
                        .bind(id)
                        .fetch_one(pool)
                        .await
                        .unwrap(),
                )
            }
        })
    });
    group.bench_function("sea_orm", |b| {
        b.to_async(&rt).iter(|| {
            let id = next.next().unwrap();
            let db = &k.sea;
            async move { black_box(sea_user::Entity::find_by_id(id).one(db).await.unwrap().unwrap()) }
        })
    });
    group.finish();
}

/// The rows of the insert workload, made afresh inside each timed iteration by every
/// contestant, as in diesel's benchmark suite: a formatted name and an owned hair colour.
fn user_rows(n: usize) -> Vec<(String, Option<String>)> {
    (0..n).map(|i| (format!("User {i}"), Some(String::from("hair_color")))).collect()
}

fn insert_batch(c: &mut Criterion) {
    let rt = runtime();
    let path = fresh_sqlite();
    let mut k = contestants(&rt, &path);
    let mut group = c.benchmark_group("insert_batch");
    // The table is emptied through a connection of its own, so that every contestant (the raw
    // one included) finds the file changed by another connection, as it would in a service.
    let resetter = rusqlite::Connection::open(&path).unwrap();
    let reset = |_: &rusqlite::Connection| resetter.execute_batch("DELETE FROM posts; DELETE FROM users;").unwrap();
    for n in [1usize, 10, 100, 1_000] {
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("rusqlite", n), &n, |b, _| {
            b.iter_batched(
                || reset(&k.raw),
                |_| {
                    let rows = user_rows(n);
                    let mut sql = String::from("INSERT INTO users (name, hair_color) VALUES ");
                    sql.push_str(&vec!["(?, ?)"; n].join(", "));
                    let mut stmt = k.raw.prepare_cached(&sql).unwrap();
                    let params: Vec<&dyn rusqlite::ToSql> =
                        rows.iter().flat_map(|(name, hair)| [name as &dyn rusqlite::ToSql, hair]).collect();
                    black_box(stmt.execute(params.as_slice()).unwrap())
                },
                BatchSize::PerIteration,
            )
        });
        group.bench_with_input(BenchmarkId::new("bunary_typed", n), &n, |b, _| {
            b.to_async(&rt).iter_batched(
                || reset(&k.raw),
                |_| {
                    let users: Vec<BUser> = user_rows(n)
                        .into_iter()
                        .map(|(name, hair_color)| BUser { name, hair_color, ..Default::default() })
                        .collect();
                    let db = &k.bunary;
                    async move { black_box(BUser::on(db).insert_models(users).await.unwrap()) }
                },
                BatchSize::PerIteration,
            )
        });
        group.bench_with_input(BenchmarkId::new("bunary_rows", n), &n, |b, _| {
            b.to_async(&rt).iter_batched(
                || reset(&k.raw),
                |_| {
                    let records: Vec<Record> = user_rows(n)
                        .into_iter()
                        .map(|(name, hair)| record! { "name" => name, "hair_color" => hair })
                        .collect();
                    let db = &k.bunary;
                    async move { black_box(db.table("users").insert_many(records).await.unwrap()) }
                },
                BatchSize::PerIteration,
            )
        });
        group.bench_with_input(BenchmarkId::new("diesel", n), &n, |b, _| {
            b.iter_batched(
                || reset(&k.raw),
                |_| {
                    let data = user_rows(n);
                    let rows: Vec<diesel_models::NewUser<'_>> = data
                        .iter()
                        .map(|(name, hair)| diesel_models::NewUser { name, hair_color: hair.as_deref() })
                        .collect();
                    black_box(
                        diesel::insert_into(diesel_models::users::table).values(&rows).execute(&mut k.diesel).unwrap(),
                    )
                },
                BatchSize::PerIteration,
            )
        });
        group.bench_with_input(BenchmarkId::new("sqlx", n), &n, |b, _| {
            b.to_async(&rt).iter_batched(
                || reset(&k.raw),
                |_| {
                    let pool = &k.sqlx;
                    async move {
                        let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new("INSERT INTO users (name, hair_color) ");
                        qb.push_values(user_rows(n), |mut row, (name, hair)| {
                            row.push_bind(name).push_bind(hair);
                        });
                        black_box(qb.build().execute(pool).await.unwrap())
                    }
                },
                BatchSize::PerIteration,
            )
        });
        group.bench_with_input(BenchmarkId::new("sea_orm", n), &n, |b, _| {
            b.to_async(&rt).iter_batched(
                || reset(&k.raw),
                |_| {
                    let db = &k.sea;
                    let models: Vec<sea_user::ActiveModel> = user_rows(n)
                        .into_iter()
                        .map(|(name, hair)| sea_user::ActiveModel {
                            name: sea_orm::Set(name),
                            hair_color: sea_orm::Set(hair),
                            ..Default::default()
                        })
                        .collect();
                    async move { black_box(sea_user::Entity::insert_many(models).exec(db).await.unwrap()) }
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

fn count_where(c: &mut Criterion) {
    let rt = runtime();
    let path = fresh_sqlite();
    seed(&path, 1_000, 0);
    let mut k = contestants(&rt, &path);
    let mut group = c.benchmark_group("count_where");
    group.bench_function("rusqlite", |b| {
        b.iter(|| {
            let mut stmt = k.raw.prepare_cached("SELECT COUNT(*) FROM users WHERE hair_color = ?").unwrap();
            black_box(stmt.query_row(["black"], |r| r.get::<_, i64>(0)).unwrap())
        })
    });
    group.bench_function("bunary", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(BUser::on(&k.bunary).where_("hair_color", "black").count().await.unwrap()) })
    });
    group.bench_function("diesel", |b| {
        b.iter(|| {
            use diesel_models::users::dsl::*;
            black_box(users.filter(hair_color.eq("black")).count().get_result::<i64>(&mut k.diesel).unwrap())
        })
    });
    group.bench_function("sqlx", |b| {
        b.to_async(&rt).iter(|| async {
            black_box(
                sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users WHERE hair_color = ?")
                    .bind("black")
                    .fetch_one(&k.sqlx)
                    .await
                    .unwrap(),
            )
        })
    });
    group.bench_function("sea_orm", |b| {
        b.to_async(&rt).iter(|| async {
            black_box(
                sea_user::Entity::find().filter(sea_user::Column::HairColor.eq("black")).count(&k.sea).await.unwrap(),
            )
        })
    });
    group.finish();
}

fn update_by_key(c: &mut Criterion) {
    let rt = runtime();
    let path = fresh_sqlite();
    seed(&path, 100, 0);
    let mut k = contestants(&rt, &path);
    let mut group = c.benchmark_group("update_by_key");
    group.bench_function("rusqlite", |b| {
        b.iter(|| {
            let mut stmt = k.raw.prepare_cached("UPDATE users SET hair_color = ? WHERE id = ?").unwrap();
            black_box(stmt.execute(rusqlite::params!["red", 7]).unwrap())
        })
    });
    group.bench_function("bunary", |b| {
        b.to_async(&rt).iter(|| async {
            black_box(k.bunary.table("users").where_("id", 7).update(record! { "hair_color" => "red" }).await.unwrap())
        })
    });
    group.bench_function("diesel", |b| {
        b.iter(|| {
            use diesel_models::users::dsl::*;
            black_box(diesel::update(users.find(7)).set(hair_color.eq("red")).execute(&mut k.diesel).unwrap())
        })
    });
    group.bench_function("sqlx", |b| {
        b.to_async(&rt).iter(|| async {
            black_box(
                sqlx::query("UPDATE users SET hair_color = ? WHERE id = ?")
                    .bind("red")
                    .bind(7)
                    .execute(&k.sqlx)
                    .await
                    .unwrap(),
            )
        })
    });
    group.finish();
}

fn transaction_ten_inserts(c: &mut Criterion) {
    let rt = runtime();
    let path = fresh_sqlite();
    let mut k = contestants(&rt, &path);
    let mut group = c.benchmark_group("transaction_10_inserts");
    group.bench_function("rusqlite", |b| {
        b.iter(|| {
            let tx = k.raw.transaction().unwrap();
            for i in 0..10 {
                tx.prepare_cached("INSERT INTO users (name) VALUES (?)").unwrap().execute([format!("t{i}")]).unwrap();
            }
            tx.commit().unwrap();
        })
    });
    group.bench_function("bunary", |b| {
        b.to_async(&rt).iter(|| async {
            k.bunary
                .transaction(|tx| async move {
                    for i in 0..10 {
                        tx.exec("INSERT INTO users (name) VALUES (?)", &[Value::from(format!("t{i}"))]).await?;
                    }
                    Ok::<_, Error>(())
                })
                .await
                .unwrap()
        })
    });
    group.bench_function("diesel", |b| {
        b.iter(|| {
            k.diesel
                .transaction::<_, diesel::result::Error, _>(|conn| {
                    for i in 0..10 {
                        let name = format!("t{i}");
                        diesel::insert_into(diesel_models::users::table)
                            .values(diesel_models::NewUser { name: &name, hair_color: None })
                            .execute(conn)?;
                    }
                    Ok(())
                })
                .unwrap()
        })
    });
    group.bench_function("sqlx", |b| {
        b.to_async(&rt).iter(|| async {
            let mut tx = k.sqlx.begin().await.unwrap();
            for i in 0..10 {
                sqlx::query("INSERT INTO users (name) VALUES (?)")
                    .bind(format!("t{i}"))
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
            tx.commit().await.unwrap();
        })
    });
    group.finish();
}

fn join_select(c: &mut Criterion) {
    use bunary_bench::bunary_models::UserPost;
    let rt = runtime();
    let path = fresh_sqlite();
    seed(&path, 200, 5);
    let mut k = contestants(&rt, &path);
    let mut group = c.benchmark_group("join");
    for n in [1u64, 10, 100, 1_000] {
        group.throughput(Throughput::Elements(n));
        let sql = format!(
            "SELECT posts.id, users.name, posts.title FROM users INNER JOIN posts ON posts.user_id = users.id \
             WHERE users.hair_color = ? ORDER BY posts.id DESC LIMIT {n}"
        );
        group.bench_with_input(BenchmarkId::new("rusqlite", n), &n, |b, _| {
            b.iter(|| {
                let mut stmt = k.raw.prepare_cached(&sql).unwrap();
                let rows: Vec<(i64, String, String)> = stmt
                    .query_map(["black"], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap();
                black_box(rows)
            })
        });
        group.bench_with_input(BenchmarkId::new("bunary_typed", n), &n, |b, _| {
            b.to_async(&rt).iter(|| async {
                black_box(
                    UserPost::on(&k.bunary)
                        .join("users", "posts.user_id", "=", "users.id")
                        .select(["posts.id", "users.name", "posts.title"])
                        .where_("users.hair_color", "black")
                        .order_by_desc("posts.id")
                        .limit(n)
                        .get()
                        .await
                        .unwrap(),
                )
            })
        });
        group.bench_with_input(BenchmarkId::new("diesel", n), &n, |b, _| {
            b.iter(|| {
                use diesel_models::{posts, users};
                black_box(
                    users::table
                        .inner_join(posts::table)
                        .filter(users::hair_color.eq("black"))
                        .order(posts::id.desc())
                        .limit(n as i64)
                        .select((posts::id, users::name, posts::title))
                        .load::<(i64, String, String)>(&mut k.diesel)
                        .unwrap(),
                )
            })
        });
        group.bench_with_input(BenchmarkId::new("sqlx", n), &n, |b, _| {
            b.to_async(&rt).iter(|| async {
                black_box(
                    sqlx::query_as::<_, (i64, String, String)>(sqlx::AssertSqlSafe(sql.clone()))
                        .bind("black")
                        .fetch_all(&k.sqlx)
                        .await
                        .unwrap(),
                )
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(2));
    targets = trivial_select, find_by_key, insert_batch, count_where, update_by_key, transaction_ten_inserts, join_select
}
criterion_main!(benches);
