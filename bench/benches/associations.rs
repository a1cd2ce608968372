//! diesel's "loading associations" workload: users → posts → comments, each level loaded with
//! one `IN` query and matched to its parents in memory. SQLite: 9 users × 10 posts × 10
//! comments; PostgreSQL (when `BUNARY_TEST_POSTGRES_URL` is set): 100 × 10 × 10.
//! `cargo bench --bench associations` (from bench/). Contestants: a hand-written raw version
//! (the floor: one `IN` query per level, statements prepared once, grouped in `HashMap`s; on
//! PostgreSQL also with each list as one array, `= ANY($1)`, which is faster there),
//! bunary-orm (`with(["posts.comments"])`), diesel (`belonging_to` + `grouped_by`) and sea-orm
//! (its loader, `load_many`). The contestants are in `src/assoc.rs`.

use std::hint::black_box;

use bunary_bench::assoc::*;
use bunary_bench::{fresh_sqlite, seed_associations};
use bunary_orm::prelude::*;
use bunary_orm::{DatabaseConfig, Db};
use criterion::{criterion_group, criterion_main, Criterion};
use diesel::prelude::*;

fn sqlite(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let path = fresh_sqlite();
    seed_associations(&path, 9, 10, 10);
    let url = path.to_string_lossy().into_owned();
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch("PRAGMA synchronous = NORMAL;").unwrap();
    let bunary = Db::connect(&DatabaseConfig::sqlite(&url)).unwrap();
    let mut diesel = diesel::SqliteConnection::establish(&url).unwrap();
    let sea = rt.block_on(sea_orm::Database::connect(format!("sqlite://{url}?mode=rwc"))).unwrap();

    // Every contestant loads the same 900 comments.
    assert_eq!(comments_in(&raw_sqlite(&raw)), 900);
    assert_eq!(comments_in(&diesel_load(&mut diesel)), 900);
    assert_eq!(comments_in(&rt.block_on(sea_load(&sea))), 900);
    assert_eq!(bunary_comments(&rt.block_on(bunary_load(&bunary))), 900);

    let mut group = c.benchmark_group("loading_associations_sqlite_9x10x10");
    group.bench_function("rusqlite", |b| b.iter(|| black_box(raw_sqlite(&raw))));
    group.bench_function("bunary_typed", |b| b.to_async(&rt).iter(|| async { black_box(bunary_load(&bunary).await) }));
    group.bench_function("diesel", |b| b.iter(|| black_box(diesel_load(&mut diesel))));
    group.bench_function("sea_orm", |b| b.to_async(&rt).iter(|| async { black_box(sea_load(&sea).await) }));
    group.finish();
}

fn postgres(c: &mut Criterion) {
    let Ok(url) = std::env::var("BUNARY_TEST_POSTGRES_URL") else {
        eprintln!("SKIPPED: the PostgreSQL associations benchmark (BUNARY_TEST_POSTGRES_URL is not set)");
        return;
    };
    use diesel_async::AsyncConnection;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (raw, statements, bunary) = rt.block_on(async {
        let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(conn);
        client.batch_execute(PG_SCHEMA).await.unwrap();
        let statements = PgStatements::prepare(&client, 100, 1_000).await;
        let mut config = OrmConfig::from_url(&url).unwrap().database;
        config.postgres.as_mut().unwrap().schema = Some("bunary_bench_assoc".into());
        (client, statements, Db::connect(&config).unwrap())
    });
    let sep = if url.contains('?') { '&' } else { '?' };
    let peer_url = format!("{url}{sep}options=-c%20search_path%3Dbunary_bench_assoc");
    let (mut diesel, sea) = rt.block_on(async {
        let diesel = diesel_async::AsyncPgConnection::establish(&peer_url).await.unwrap();
        (diesel, sea_orm::Database::connect(peer_url.clone()).await.unwrap())
    });

    assert_eq!(comments_in(&rt.block_on(raw_pg(&raw, &statements, false))), 10_000);
    assert_eq!(comments_in(&rt.block_on(raw_pg(&raw, &statements, true))), 10_000);
    assert_eq!(comments_in(&rt.block_on(diesel_pg(&mut diesel))), 10_000);
    assert_eq!(comments_in(&rt.block_on(sea_load(&sea))), 10_000);
    assert_eq!(bunary_comments(&rt.block_on(bunary_load(&bunary))), 10_000);

    let mut group = c.benchmark_group("loading_associations_pg_100x10x10");
    group.bench_function("tokio_postgres", |b| {
        b.to_async(&rt).iter(|| async { black_box(raw_pg(&raw, &statements, false).await) })
    });
    group.bench_function("tokio_postgres_any", |b| {
        b.to_async(&rt).iter(|| async { black_box(raw_pg(&raw, &statements, true).await) })
    });
    group.bench_function("bunary_typed", |b| b.to_async(&rt).iter(|| async { black_box(bunary_load(&bunary).await) }));
    group.bench_function("diesel", |b| b.iter(|| black_box(rt.block_on(diesel_pg(&mut diesel)))));
    group.bench_function("sea_orm", |b| b.to_async(&rt).iter(|| async { black_box(sea_load(&sea).await) }));
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(3));
    targets = sqlite, postgres
}
criterion_main!(benches);
