//! Futures dropped at each await point: nothing reported `Ok` is lost, a transaction is all
//! or nothing, and no pooled connection is left inside a transaction.

use std::future::Future;
use std::pin::pin;
use std::task::Poll;

use bunary_orm::{record, DatabaseConfig, Db, Error, Result};

use super::Harness;

/// Polls `f` until it has returned `Pending` `polls` times, then drops it (`None`).
async fn cancel_after<F: Future>(f: F, polls: usize) -> Option<F::Output> {
    let mut f = pin!(f);
    let mut pending = 0;
    std::future::poll_fn(|cx| match f.as_mut().poll(cx) {
        Poll::Ready(v) => Poll::Ready(Some(v)),
        Poll::Pending if pending + 1 >= polls => Poll::Ready(None),
        Poll::Pending => {
            pending += 1;
            Poll::Pending
        }
    })
    .await
}

/// A small deterministic generator (no dependency, same run every time).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

fn pool_of_one(config: &DatabaseConfig) -> DatabaseConfig {
    let mut config = config.clone();
    if let Some(s) = config.sqlite.as_mut() {
        s.pool_size = Some(1);
    }
    for server in [config.postgres.as_mut(), config.mysql.as_mut()].into_iter().flatten() {
        server.pool_size = Some(1);
    }
    config
}

/// Whether the (only) pooled connection of `db` is inside a transaction now.
async fn in_transaction(db: &Db) -> Result<bool> {
    use bunary_orm::Dialect;
    Ok(match db.dialect() {
        // SAVEPOINT is refused outside a transaction block.
        Dialect::Postgres => match db.exec_batch("SAVEPOINT bunary_probe").await {
            Ok(()) => true,
            Err(e) if e.to_string().contains("transaction block") => false,
            Err(e) => return Err(e),
        },
        Dialect::MySql => db.query_one("SELECT @@in_transaction AS open", &[]).await?.get::<i64>("open")? != 0,
        Dialect::Sqlite => false, // a SQLite transaction rolls back synchronously when dropped
    })
}

pub async fn cancelled_transactions_and_writes_lose_nothing_reported_ok(h: &Harness) -> Result<()> {
    let t = h.table("events");
    h.create_table(&t, "n INTEGER NOT NULL").await?;
    let db = Db::connect(&pool_of_one(&h.config))?;
    let mut rng = Lcg(0x5eed);
    let mut ok_plain = Vec::new();
    let mut ok_tx = Vec::new();
    let mut tried_tx = Vec::new();
    let mut failed = Vec::new();
    // The 1 000 on every database (SQLite runs them in a few hundred milliseconds).
    let iterations: i64 = 1_000;
    for i in 1..=iterations {
        let polls = 1 + rng.next(6) as usize;
        match rng.next(4) {
            0 => {
                if let Some(r) = cancel_after(db.table(&t).insert(record! { "n" => i }), polls).await {
                    r?;
                    ok_plain.push(i);
                }
            }
            1 | 2 => {
                tried_tx.push(i);
                let work = db.transaction(|tx| {
                    let t = t.clone();
                    async move {
                        tx.table(&t).insert(record! { "n" => i }).await?;
                        // A nested transaction, itself maybe cancelled by a timeout inside.
                        let inner = tx.transaction(|tx2| {
                            let t = t.clone();
                            async move { tx2.table(&t).insert(record! { "n" => -i }).await }
                        });
                        let _ = tokio::time::timeout(std::time::Duration::from_micros(rng_micros(i)), inner).await;
                        Ok::<_, Error>(())
                    }
                });
                if let Some(r) = cancel_after(work, polls).await {
                    match r {
                        Ok(()) => ok_tx.push(i),
                        // A nested transaction cut off by its timeout breaks the outer one, which
                        // then rolls back.
                        Err(Error::TransactionBroken) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
            _ => {
                failed.push(i);
                let failing = db.transaction(|tx| {
                    let t = t.clone();
                    async move {
                        tx.table(&t).insert(record! { "n" => i }).await?;
                        Err::<(), _>(Error::other("rolled back on purpose"))
                    }
                });
                if let Some(r) = cancel_after(failing, polls).await {
                    assert!(r.is_err());
                }
                // Nothing of it may be visible: checked below, as `i` is neither ok nor kept.
            }
        }
        if i % 50 == 0 {
            assert!(!in_transaction(&db).await?, "iteration {i}: the pooled connection is left in a transaction");
        }
    }
    assert!(!in_transaction(&db).await?, "the pooled connection is left in a transaction");
    // A plain write through the same pool is seen by a fresh connection.
    db.table(&t).insert(record! { "n" => 0 }).await?;
    let fresh = Db::connect(&h.config)?;
    let stored: Vec<i64> = fresh.table(&t).pluck("n").await?;
    assert!(stored.contains(&0), "a plain write after the cancellations was not committed");
    for i in &ok_plain {
        assert!(stored.contains(i), "plain insert {i} returned Ok but is not stored");
    }
    for i in &ok_tx {
        assert!(stored.contains(i), "transaction {i} returned Ok but its row is not stored");
    }
    for i in &tried_tx {
        assert_eq!(stored.contains(i), stored.contains(&-i), "transaction {i} was kept in part");
    }
    for i in &failed {
        assert!(!stored.contains(i), "rolled-back transaction {i} left its row");
    }
    let _ = db.close().await;
    let _ = fresh.close().await;
    Ok(())
}

fn rng_micros(i: i64) -> u64 {
    // Most nested transactions finish; every seventh is cut off almost at once.
    if i % 7 == 0 {
        1
    } else {
        5_000_000
    }
}
