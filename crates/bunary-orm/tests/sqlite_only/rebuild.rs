//! SQLite's table rebuild (issue 20) keeps everything a table has: rows, keys and their names,
//! indexes, `CHECK` constraints, collations, generated columns, triggers, `STRICT`, the
//! `AUTOINCREMENT` counter. What it would lose instead is refused before any change.

use bunary_orm::schema::Schema;
use bunary_orm::{record, Db, Error, Result, SchemaProblem};

use super::file_db;

const ORDERS: &str = r#"CREATE TABLE orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id INTEGER,
    code TEXT NOT NULL COLLATE NOCASE,
    qty INTEGER NOT NULL CHECK (qty > 0),
    price REAL NOT NULL DEFAULT 1.5,
    total REAL GENERATED ALWAYS AS (qty * price) STORED,
    note TEXT,
    CONSTRAINT orders_code_unique UNIQUE (code),
    CHECK (price >= 0)
) STRICT"#;

async fn orders() -> Result<Db> {
    let db = file_db().await?;
    db.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY)", &[]).await?;
    db.exec("INSERT INTO customers (id) VALUES (1), (2)", &[]).await?;
    db.exec(ORDERS, &[]).await?;
    db.exec("CREATE TABLE audit (order_id INTEGER, qty INTEGER)", &[]).await?;
    db.exec(
        "CREATE TRIGGER orders_audit AFTER UPDATE OF qty ON orders BEGIN INSERT INTO audit VALUES (new.id, new.qty); END",
        &[],
    )
    .await?;
    db.exec("CREATE INDEX orders_note_index ON orders (note)", &[]).await?;
    db.exec("CREATE VIEW big_orders AS SELECT id, code FROM orders WHERE qty > 10", &[]).await?;
    for (customer, code, qty) in [(1, "a", 2), (2, "b", 20), (1, "c", 3)] {
        db.table("orders")
            .insert(record! { "customer_id" => customer, "code" => code, "qty" => qty, "note" => "n" })
            .await?;
    }
    // The newest key is deleted: the counter must not hand it out again.
    db.exec("DELETE FROM orders WHERE id = 3", &[]).await?;
    Ok(db)
}

async fn definition(db: &Db) -> Result<String> {
    db.query_one("SELECT sql FROM sqlite_master WHERE name = 'orders'", &[]).await?.get("sql")
}

async fn add_key(db: &Db) -> Result<()> {
    Schema::on(db)
        .table("orders", |t| {
            t.foreign("customer_id").references("customers", "id").cascade_on_delete();
        })
        .await
}

#[tokio::test]
async fn a_rebuild_keeps_checks_collations_generated_columns_triggers_and_the_counter() -> Result<()> {
    let db = orders().await?;
    add_key(&db).await?;
    let sql = definition(&db).await?;
    for kept in [
        "COLLATE NOCASE",
        "CHECK (qty > 0)",
        "GENERATED ALWAYS AS (qty * price) STORED",
        "CHECK (price >= 0)",
        "STRICT",
    ] {
        assert!(sql.contains(kept), "{kept} in {sql}");
    }
    // Rows, and the generated column recomputed.
    let totals: Vec<f64> = db.table("orders").oldest_by("id").pluck("total").await?;
    assert_eq!(totals, [3.0, 30.0]);
    // The CHECKs, the unique constraint (case-insensitive by its collation) and STRICT hold.
    assert!(db.exec("INSERT INTO orders (customer_id, code, qty) VALUES (1, 'z', 0)", &[]).await.is_err());
    assert!(db.exec("INSERT INTO orders (customer_id, code, qty) VALUES (1, 'A', 1)", &[]).await.is_err());
    assert!(db.exec("INSERT INTO orders (customer_id, code, qty) VALUES (1, 'y', 'many')", &[]).await.is_err());
    // The counter: the deleted key 3 is not handed out again.
    let id = db.table("orders").insert_get_id(record! { "customer_id" => 2, "code" => "d", "qty" => 1 }).await?;
    assert_eq!(id, 4);
    // The trigger fires; the index and the view are there.
    db.table("orders").where_("id", 1).update(record! { "qty" => 5 }).await?;
    assert_eq!(db.table("audit").count().await?, 1);
    let kept: i64 = db
        .query_one(
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE name IN ('orders_note_index', 'orders_audit', 'big_orders')",
            &[],
        )
        .await?
        .get("n")?;
    assert_eq!(kept, 3);
    // A column another table's key references cannot go: the key would point at nothing.
    db.exec("ALTER TABLE customers ADD COLUMN tier INTEGER", &[]).await?;
    let referenced = Schema::on(&db).table("customers", |t| t.drop_column("id")).await;
    assert!(
        matches!(&referenced, Err(Error::InvalidSchema { problem: SchemaProblem::ColumnInUse { by, .. } }) if by.contains("`orders`")),
        "{referenced:?}"
    );
    // The new key cascades (foreign keys are on again after the change).
    db.exec("DELETE FROM customers WHERE id = 2", &[]).await?;
    assert_eq!(db.table("orders").count().await?, 1);
    Ok(())
}

#[tokio::test]
async fn what_a_rebuild_would_lose_is_refused_and_nothing_changes() -> Result<()> {
    let db = orders().await?;
    let before = definition(&db).await?;
    // `price` is read by the generated column and a CHECK; `qty` by the trigger and the view.
    for column in ["price", "qty"] {
        let dropped = Schema::on(&db)
            .table("orders", |t| {
                t.drop_column(column);
                t.foreign("customer_id").references("customers", "id");
            })
            .await;
        assert!(
            matches!(dropped, Err(Error::InvalidSchema { problem: SchemaProblem::ColumnInUse { .. } })),
            "{column}: {dropped:?}"
        );
        assert_eq!(definition(&db).await?, before);
    }
    // A key the rows break: the database's error, the table as it was.
    db.exec("INSERT INTO orders (customer_id, code, qty) VALUES (99, 'orphan', 1)", &[]).await?;
    let broken = add_key(&db).await;
    assert!(broken.is_err(), "{broken:?}");
    assert_eq!(definition(&db).await?, before);
    assert_eq!(db.table("orders").count().await?, 3);
    // `code` is read by the view; with the view gone, it drops with its unique constraint, and
    // `note` with its index.
    let by_view = Schema::on(&db).table("orders", |t| t.drop_column("code")).await;
    assert!(
        matches!(by_view, Err(Error::InvalidSchema { problem: SchemaProblem::ColumnInUse { by, .. } }) if by.contains("big_orders"))
    );
    db.exec("DROP VIEW big_orders", &[]).await?;
    Schema::on(&db)
        .table("orders", |t| {
            t.drop_column("note");
            t.drop_column("code");
        })
        .await?;
    let sql = definition(&db).await?;
    assert!(
        !sql.contains("note") && !sql.contains("orders_code_unique") && sql.contains("CHECK (price >= 0)"),
        "{sql}"
    );
    let index: i64 = db
        .query_one("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'orders_note_index'", &[])
        .await?
        .get("n")?;
    assert_eq!(index, 0);
    Ok(())
}

/// Polls `f` until it has returned `Pending` `polls` times, then drops it (`None`).
async fn cancel_after<F: std::future::Future>(f: F, polls: usize) -> Option<F::Output> {
    let mut f = std::pin::pin!(f);
    let mut pending = 0;
    std::future::poll_fn(|cx| match f.as_mut().poll(cx) {
        std::task::Poll::Ready(v) => std::task::Poll::Ready(Some(v)),
        std::task::Poll::Pending if pending + 1 >= polls => std::task::Poll::Ready(None),
        std::task::Poll::Pending => {
            pending += 1;
            std::task::Poll::Pending
        }
    })
    .await
}

/// A rebuild dropped at each await point leaves the table whole (as it was, or rebuilt) and the
/// connection as it found it: `legacy_alter_table`, which is not transactional, never stays on
/// (it would make a later rename leave child tables pointing at the old name). Today the SQLite
/// driver runs each statement within the poll, so the whole rebuild finishes in one poll and
/// cannot be cut in the middle; should that change, the loop drops it at every await point.
#[tokio::test]
async fn a_rebuild_dropped_at_any_point_leaves_the_table_and_the_connection_whole() -> Result<()> {
    let db = orders().await?;
    let before = definition(&db).await?;
    let mut cancelled = 0;
    for polls in 1..200 {
        let outcome = cancel_after(add_key(&db), polls).await;
        let legacy: i64 = db.query_one("PRAGMA legacy_alter_table", &[]).await?.get(0)?;
        assert_eq!(legacy, 0, "after {polls} polls");
        assert_eq!(db.table("orders").count().await?, 2, "after {polls} polls");
        let now = definition(&db).await?;
        let triggers: i64 =
            db.query_one("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'trigger'", &[]).await?.get("n")?;
        assert_eq!(triggers, 1, "after {polls} polls");
        match outcome {
            None => {
                cancelled += 1;
                assert_eq!(now, before, "a dropped rebuild changes nothing (after {polls} polls)");
            }
            Some(result) => {
                result?;
                assert!(now.contains("orders_customer_id_foreign"), "{now}");
                break;
            }
        }
    }
    // Either it never yields (one poll, nothing to cut), or it was dropped at each point above.
    println!("the rebuild was dropped at {cancelled} await points");
    Ok(())
}
