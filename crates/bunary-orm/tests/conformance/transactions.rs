//! Transactions: commit, rollback on error and panic, savepoints, isolation.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use bunary_orm::{params, Error, Result};
use futures_util::FutureExt;

use super::Harness;

async fn names(h: &Harness, t: &str) -> Result<Vec<String>> {
    let rows = h.db.query(&format!("SELECT name FROM {t} ORDER BY id"), &[]).await?;
    rows.iter().map(|r| r.get::<String>("name")).collect()
}

async fn setup(h: &Harness) -> Result<(String, String)> {
    let t = h.table("tx_users");
    h.create_table(&t, "name VARCHAR(100) NOT NULL").await?;
    let insert = format!("INSERT INTO {t} (name) VALUES ({})", h.p(1));
    Ok((t, insert))
}

pub async fn commits_when_the_closure_returns_ok(h: &Harness) -> Result<()> {
    let (t, insert) = setup(h).await?;
    let value =
        h.db.transaction(|tx| async move {
            tx.exec(&insert, &params!["Alice"]).await?;
            tx.exec(&insert, &params!["Bob"]).await?;
            let seen = tx.query(&format!("SELECT COUNT(*) AS n FROM {t}"), &[]).await?[0].get::<i64>("n")?;
            Ok::<_, Error>(seen * 10)
        })
        .await?;
    assert_eq!(value, 20, "the closure's value is returned");
    assert_eq!(names(h, &h.table("tx_users")).await?, ["Alice", "Bob"]);
    Ok(())
}

pub async fn rolls_back_when_the_closure_returns_err(h: &Harness) -> Result<()> {
    let (t, insert) = setup(h).await?;
    let result: Result<(), Error> =
        h.db.transaction(|tx| async move {
            tx.exec(&insert, &params!["Alice"]).await?;
            tx.exec(&insert, &params!["Bob"]).await?;
            Err(Error::other("Something went wrong"))
        })
        .await;
    assert_eq!(result.unwrap_err().to_string(), "Something went wrong");
    assert!(names(h, &t).await?.is_empty());
    Ok(())
}

pub async fn rolls_back_when_a_statement_fails(h: &Harness) -> Result<()> {
    let (t, insert) = setup(h).await?;
    let result: Result<(), Error> =
        h.db.transaction(|tx| async move {
            tx.exec(&insert, &params!["Alice"]).await?;
            tx.exec(&insert, &[bunary_orm::Value::Null]).await?; // NOT NULL violation
            Ok(())
        })
        .await;
    assert!(result.is_err());
    assert!(names(h, &t).await?.is_empty());
    Ok(())
}

pub async fn rolls_back_on_panic_and_the_panic_continues(h: &Harness) -> Result<()> {
    let (t, insert) = setup(h).await?;
    let db = h.db.clone();
    let outcome = AssertUnwindSafe(db.transaction(|tx| async move {
        tx.exec(&insert, &params!["Alice"]).await?;
        if tx.dialect().name() != "none" {
            panic!("boom inside the transaction");
        }
        Ok::<_, Error>(())
    }))
    .catch_unwind()
    .await;
    let panic = outcome.expect_err("the panic must reach the caller");
    assert_eq!(panic.downcast_ref::<&str>(), Some(&"boom inside the transaction"));
    assert!(names(h, &t).await?.is_empty(), "the insert before the panic is rolled back");
    // The driver is still usable: the connection was not left inside the transaction.
    h.db.exec(&format!("INSERT INTO {t} (name) VALUES ({})", h.p(1)), &params!["After"]).await?;
    assert_eq!(names(h, &t).await?, ["After"]);
    Ok(())
}

pub async fn nested_transactions_commit_with_the_outer_one(h: &Harness) -> Result<()> {
    let (t, insert) = setup(h).await?;
    h.db.transaction(|tx| async move {
        tx.exec(&insert, &params!["Alice"]).await?;
        let inner = insert.clone();
        tx.transaction(|tx2| async move {
            tx2.exec(&inner, &params!["Bob"]).await?;
            Ok::<_, Error>(())
        })
        .await?;
        Ok::<_, Error>(())
    })
    .await?;
    assert_eq!(names(h, &t).await?, ["Alice", "Bob"]);
    Ok(())
}

pub async fn a_failed_inner_block_handled_by_the_outer_keeps_the_outer_work(h: &Harness) -> Result<()> {
    let (t, insert) = setup(h).await?;
    h.db.transaction(|tx| async move {
        tx.exec(&insert, &params!["Alice"]).await?;
        let inner = insert.clone();
        let failed: Result<(), Error> = tx
            .transaction(|tx2| async move {
                tx2.exec(&inner, &params!["Bob"]).await?;
                Err(Error::other("inner failure"))
            })
            .await;
        assert!(failed.is_err());
        let panicked = AssertUnwindSafe(tx.transaction(|tx2| {
            let inner = insert.clone();
            async move {
                tx2.exec(&inner, &params!["Carol"]).await?;
                panic!("inner panic");
                #[allow(unreachable_code)]
                Ok::<_, Error>(())
            }
        }))
        .catch_unwind()
        .await;
        assert!(panicked.is_err());
        tx.exec(&insert, &params!["Dave"]).await?;
        Ok::<_, Error>(())
    })
    .await?;
    assert_eq!(names(h, &t).await?, ["Alice", "Dave"]);
    Ok(())
}

pub async fn an_outer_rollback_undoes_released_savepoints(h: &Harness) -> Result<()> {
    let (t, insert) = setup(h).await?;
    let result: Result<(), Error> =
        h.db.transaction(|tx| async move {
            let inner = insert.clone();
            tx.transaction(|tx2| async move {
                tx2.exec(&inner, &params!["Bob"]).await?;
                Ok::<_, Error>(())
            })
            .await?;
            Err(Error::other("outer failure"))
        })
        .await;
    assert!(result.is_err());
    assert!(names(h, &t).await?.is_empty());
    Ok(())
}

pub async fn statements_through_db_in_the_same_task_join_the_transaction(h: &Harness) -> Result<()> {
    let (t, insert) = setup(h).await?;
    let db = h.db.clone();
    let result: Result<(), Error> =
        h.db.transaction(|_tx| async move {
            db.exec(&insert, &params!["Alice"]).await?;
            // Db::transaction inside nests as a savepoint rather than waiting for itself.
            db.transaction(|tx2| async move {
                tx2.exec(&insert, &params!["Bob"]).await?;
                Ok::<_, Error>(())
            })
            .await?;
            assert_eq!(db.query(&format!("SELECT name FROM {t}"), &[]).await?.len(), 2);
            Err(Error::other("roll it all back"))
        })
        .await;
    assert!(result.is_err());
    assert!(names(h, &h.table("tx_users")).await?.is_empty());
    Ok(())
}

pub async fn other_tasks_neither_see_nor_join_an_open_transaction(h: &Harness) -> Result<()> {
    let (t, insert) = setup(h).await?;
    let (opened_tx, opened_rx) = tokio::sync::oneshot::channel::<()>();
    let (checked_tx, checked_rx) = tokio::sync::oneshot::channel::<()>();
    let db = h.db.clone();
    let tx_insert = insert.clone();
    let holder = tokio::spawn(async move {
        let result: Result<(), Error> = db
            .transaction(|tx| async move {
                tx.exec(&tx_insert, &params!["Uncommitted"]).await?;
                opened_tx.send(()).unwrap();
                checked_rx.await.unwrap();
                Err(Error::other("roll back at the end"))
            })
            .await;
        assert!(result.is_err());
    });
    opened_rx.await.unwrap();
    // Other tasks: a reader must not see the uncommitted row (on in-memory SQLite, with its
    // single connection, it waits for the transaction to end), and a writer's row must not be
    // swallowed by the transaction's rollback.
    let reader = h.db.clone();
    let select = format!("SELECT name FROM {t}");
    let read = tokio::spawn(async move { reader.query(&select, &[]).await });
    let writer = h.db.clone();
    let own = insert.clone();
    let write = tokio::spawn(async move { writer.exec(&own, &params!["Outsider"]).await });
    tokio::time::sleep(Duration::from_millis(50)).await;
    checked_tx.send(()).unwrap();
    holder.await.unwrap();
    write.await.unwrap()?;
    let seen = read.await.unwrap()?;
    assert!(
        seen.iter().all(|r| r.get::<String>("name").unwrap() != "Uncommitted"),
        "a reader saw an uncommitted write"
    );
    assert_eq!(names(h, &t).await?, ["Outsider"]);
    Ok(())
}

pub async fn a_leftover_handle_fails_after_the_transaction_ends(h: &Harness) -> Result<()> {
    let (_t, insert) = setup(h).await?;
    let leaked = h.db.transaction(|tx| async move { Ok::<_, Error>(tx.clone()) }).await?;
    assert!(matches!(leaked.exec(&insert, &params!["Late"]).await, Err(Error::TransactionClosed)));
    Ok(())
}
