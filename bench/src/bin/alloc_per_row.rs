//! Bytes allocated per row loaded: raw rusqlite against bunary-orm typed models and rows.
//! `cargo run --release --bin alloc_per_row` (from bench/).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use bunary_bench::bunary_models::User;
use bunary_bench::{fresh_sqlite, seed, RawUser};
use bunary_orm::prelude::*;
use bunary_orm::{DatabaseConfig, Db};

struct Counting;

static BYTES: AtomicUsize = AtomicUsize::new(0);
static COUNT: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        COUNT.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn measure<T>(rows: usize, f: impl FnOnce() -> T) -> (f64, f64) {
    let (b0, c0) = (BYTES.load(Ordering::Relaxed), COUNT.load(Ordering::Relaxed));
    let out = f();
    let (b1, c1) = (BYTES.load(Ordering::Relaxed), COUNT.load(Ordering::Relaxed));
    drop(out);
    ((b1 - b0) as f64 / rows as f64, (c1 - c0) as f64 / rows as f64)
}

fn main() {
    const N: usize = 10_000;
    let path = fresh_sqlite();
    seed(&path, N, 0);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let raw = rusqlite::Connection::open(&path).unwrap();
    let db = Db::connect(&DatabaseConfig::sqlite(path.to_string_lossy())).unwrap();
    let load_raw = || -> Vec<RawUser> {
        let mut stmt = raw.prepare_cached("SELECT id, name, hair_color FROM users").unwrap();
        stmt.query_map([], |r| Ok(RawUser { id: r.get(0)?, name: r.get(1)?, hair_color: r.get(2)? }))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    // Warm the statement caches first.
    load_raw();
    rt.block_on(async { User::on(&db).get().await.unwrap() });
    rt.block_on(async { db.table("users").get().await.unwrap() });
    let raw_cost = measure(N, load_raw);
    let typed = measure(N, || rt.block_on(async { User::on(&db).get().await.unwrap() }));
    let rows = measure(N, || rt.block_on(async { db.table("users").get().await.unwrap() }));
    println!("| contestant | bytes allocated / row | allocations / row | bytes vs raw |");
    println!("| --- | --- | --- | --- |");
    for (name, (bytes, count)) in [("rusqlite (raw)", raw_cost), ("bunary typed", typed), ("bunary rows", rows)] {
        println!("| {name} | {bytes:.1} | {count:.2} | {:.2}x |", bytes / raw_cost.0);
    }
}
