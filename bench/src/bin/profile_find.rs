//! A loop of typed finds by key, to profile with perf or callgrind:
//! `cargo build --release --bin profile_find && perf record -g target/release/profile_find`.

use bunary_bench::bunary_models::User;
use bunary_bench::{fresh_sqlite, seed};
use bunary_orm::prelude::*;
use bunary_orm::{DatabaseConfig, Db};

fn main() {
    let path = fresh_sqlite();
    seed(&path, 1_000, 0);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let db = Db::connect(&DatabaseConfig::sqlite(path.to_string_lossy())).unwrap();
    let rounds: i64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let mut found = 0usize;
    rt.block_on(async {
        for i in 0..rounds {
            if User::on(&db).find(i % 1000 + 1).await.unwrap().is_some() {
                found += 1;
            }
        }
    });
    println!("{found}");
}
