//! PostgreSQL (when `BUNARY_TEST_POSTGRES_URL` is set): bunary-orm against raw tokio-postgres
//! with prepared statements. `cargo bench --bench postgres` (from bench/).

use std::hint::black_box;

use bunary_bench::bunary_models::User as BUser;
use bunary_bench::{diesel_models, sea_user, RawUser, SqlxUser};
use bunary_orm::prelude::*;
use bunary_orm::Db;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use sea_orm::EntityTrait;

fn pg(c: &mut Criterion) {
    let Ok(url) = std::env::var("BUNARY_TEST_POSTGRES_URL") else {
        eprintln!("SKIPPED: the PostgreSQL benchmarks (BUNARY_TEST_POSTGRES_URL is not set)");
        return;
    };
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (raw, bunary) = rt.block_on(async {
        let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(conn);
        client
            .batch_execute(
                "DROP SCHEMA IF EXISTS bunary_bench CASCADE; CREATE SCHEMA bunary_bench; SET search_path = bunary_bench;
                 CREATE TABLE users (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, hair_color TEXT);",
            )
            .await
            .unwrap();
        let mut config = OrmConfig::from_url(&url).unwrap().database;
        config.postgres.as_mut().unwrap().schema = Some("bunary_bench".into());
        (client, Db::connect(&config).unwrap())
    });
    let search_path = if url.contains('?') {
        "&options=-c%20search_path%3Dbunary_bench"
    } else {
        "?options=-c%20search_path%3Dbunary_bench"
    };
    let peer_url = format!("{url}{search_path}");
    let (mut diesel_conn, sqlx_pool, sea) = rt.block_on(async {
        let diesel_conn = AsyncPgConnection::establish(&peer_url).await.unwrap();
        let sqlx_pool = sqlx::postgres::PgPoolOptions::new().max_connections(4).connect(&peer_url).await.unwrap();
        let sea = sea_orm::Database::connect(peer_url.clone()).await.unwrap();
        (diesel_conn, sqlx_pool, sea)
    });
    let mut group = c.benchmark_group("pg_select_all");
    for n in [1usize, 10, 100, 1_000] {
        rt.block_on(async {
            raw.batch_execute("TRUNCATE users RESTART IDENTITY").await.unwrap();
            raw.execute("INSERT INTO users (name, hair_color) SELECT 'User ' || g, CASE WHEN g % 2 = 0 THEN 'black' END FROM generate_series(1, $1::int) g", &[&(n as i32)]).await.unwrap();
        });
        group.throughput(Throughput::Elements(n as u64));
        let all = rt.block_on(raw.prepare("SELECT id, name, hair_color FROM users")).unwrap();
        group.bench_with_input(BenchmarkId::new("tokio_postgres", n), &n, |b, _| {
            b.to_async(&rt).iter(|| async {
                let rows = raw.query(&all, &[]).await.unwrap();
                black_box(
                    rows.iter()
                        .map(|r| RawUser { id: r.get(0), name: r.get(1), hair_color: r.get(2) })
                        .collect::<Vec<_>>(),
                )
            })
        });
        group.bench_with_input(BenchmarkId::new("bunary_typed", n), &n, |b, _| {
            b.to_async(&rt).iter(|| async { black_box(BUser::on(&bunary).get().await.unwrap()) })
        });
        group.bench_with_input(BenchmarkId::new("bunary_rows", n), &n, |b, _| {
            b.to_async(&rt).iter(|| async { black_box(bunary.table("users").get().await.unwrap()) })
        });
        group.bench_with_input(BenchmarkId::new("diesel", n), &n, |b, _| {
            b.iter(|| {
                use diesel::prelude::*;
                use diesel_async::RunQueryDsl;
                rt.block_on(async {
                    black_box(
                        diesel_models::users::table
                            .select(diesel_models::User::as_select())
                            .load(&mut diesel_conn)
                            .await
                            .unwrap(),
                    )
                })
            })
        });
        group.bench_with_input(BenchmarkId::new("sqlx", n), &n, |b, _| {
            b.to_async(&rt).iter(|| async {
                black_box(
                    sqlx::query_as::<_, SqlxUser>("SELECT id, name, hair_color FROM users")
                        .fetch_all(&sqlx_pool)
                        .await
                        .unwrap(),
                )
            })
        });
        group.bench_with_input(BenchmarkId::new("sea_orm", n), &n, |b, _| {
            b.to_async(&rt).iter(|| async { black_box(sea_user::Entity::find().all(&sea).await.unwrap()) })
        });
    }
    group.finish();
    let mut group = c.benchmark_group("pg_find_by_key");
    let mut next = (1..=1000i64).cycle();
    let by_key = rt.block_on(raw.prepare("SELECT id, name, hair_color FROM users WHERE id = $1 LIMIT 1")).unwrap();
    group.bench_function("tokio_postgres", |b| {
        b.to_async(&rt).iter(|| {
            let id = next.next().unwrap();
            let (raw, stmt) = (&raw, &by_key);
            async move {
                let rows = raw.query(stmt, &[&id]).await.unwrap();
                black_box(rows.first().map(|r| RawUser { id: r.get(0), name: r.get(1), hair_color: r.get(2) }))
            }
        })
    });
    group.bench_function("bunary_typed", |b| {
        b.to_async(&rt).iter(|| {
            let id = next.next().unwrap();
            let db = &bunary;
            async move { black_box(BUser::on(db).find(id).await.unwrap()) }
        })
    });
    group.bench_function("diesel", |b| {
        b.iter(|| {
            use diesel::prelude::*;
            use diesel_async::RunQueryDsl;
            let id = next.next().unwrap();
            rt.block_on(async {
                black_box(
                    diesel_models::users::table
                        .find(id)
                        .select(diesel_models::User::as_select())
                        .first(&mut diesel_conn)
                        .await
                        .unwrap(),
                )
            })
        })
    });
    group.bench_function("sqlx", |b| {
        b.to_async(&rt).iter(|| {
            let id = next.next().unwrap();
            let pool = &sqlx_pool;
            async move {
                black_box(
                    sqlx::query_as::<_, SqlxUser>("SELECT id, name, hair_color FROM users WHERE id = $1 LIMIT 1")
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
            let db = &sea;
            async move { black_box(sea_user::Entity::find_by_id(id).one(db).await.unwrap()) }
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(2));
    targets = pg
}
criterion_main!(benches);
