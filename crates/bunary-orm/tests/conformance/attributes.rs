//! Original values (issue 15): `get_original`, `get_originals`, `get_previous`,
//! `discard_changes`, `sync_original`, with and without `#[orm(keep_original)]`; and
//! `Db::pretend`, the statements a closure would run.

use bunary_orm::prelude::*;
use bunary_orm::schema::Schema;
use bunary_orm::Dialect;

use super::Harness;

#[derive(Model, Debug, Clone, Default)]
#[orm(table = "o_users", keep_original)]
pub struct OKept {
    pub id: i64,
    pub name: String,
    pub score: i64,
    pub created_at: Option<chrono::NaiveDateTime>,
    pub updated_at: Option<chrono::NaiveDateTime>,
    pub state: ModelState,
}

/// The same table, keeping hashes only.
#[derive(Model, Debug, Clone, Default)]
#[orm(table = "o_users")]
pub struct OHashed {
    pub id: i64,
    pub name: String,
    pub score: i64,
    pub created_at: Option<chrono::NaiveDateTime>,
    pub updated_at: Option<chrono::NaiveDateTime>,
    pub state: ModelState,
}

async fn tables(h: &Harness) -> Result<()> {
    Schema::on(&h.db)
        .create_table("o_users", |t| {
            t.id();
            t.string("name", 50);
            t.big_integer("score").default(0);
            t.timestamps();
        })
        .await
}

pub async fn originals_previous_values_discard_and_sync(h: &Harness) -> Result<()> {
    tables(h).await?;
    let new = OKept { name: "x".into(), ..Default::default() };
    assert_eq!(new.get_original("name")?, Value::Null, "a new model has no original");
    assert!(new.get_originals()?.is_empty());

    let created = OKept::on(&h.db).create(record! { "name" => "Ada", "score" => 1 }).await?;
    let mut ada = OKept::on(&h.db).find_or_fail(created.id).await?;
    ada.name = "Grace".into();
    ada.score = 5;
    assert_eq!(ada.get_original("name")?, Value::from("Ada"));
    assert_eq!(ada.get_originals()?.get("score"), Some(&Value::Int(1)));
    assert!(matches!(ada.get_original("nope"), Err(Error::ColumnNotFound { .. })));

    ada.save().await?;
    let previous = ada.get_previous()?;
    assert_eq!((previous.get("name"), previous.get("score")), (Some(&Value::from("Ada")), Some(&Value::Int(1))));
    assert!(previous.contains("updated_at"));
    assert_eq!(ada.get_original("name")?, Value::from("Grace"), "saved values are the original now");

    ada.name = "typo".into();
    ada.score = 99;
    ada.discard_changes()?;
    assert_eq!((ada.name.as_str(), ada.score), ("Grace", 5));
    assert!(ada.is_clean());

    // increment syncs its column: the original follows, the previous is what it overwrote.
    ada.increment("score", 2).await?;
    assert_eq!(ada.get_original("score")?, Value::Int(7));
    assert_eq!(ada.get_previous()?.get("score"), Some(&Value::Int(5)));

    // sync_original: the current values become the original, nothing is written.
    ada.name = "Local".into();
    ada.sync_original();
    assert!(ada.is_clean());
    assert_eq!(ada.get_original("name")?, Value::from("Local"));
    assert_eq!(OKept::on(&h.db).find_or_fail(ada.id).await?.name, "Grace");
    ada.save().await?;
    assert_eq!(OKept::on(&h.db).find_or_fail(ada.id).await?.name, "Grace", "clean: nothing to save");

    // Kept through a transaction's connection too.
    let id = ada.id;
    h.db.transaction(|tx| async move {
        let mut inner = OKept::on(&tx).find_or_fail(id).await?;
        inner.name = "Tx".into();
        assert_eq!(inner.get_original("name")?, Value::from("Grace"));
        inner.save().await?;
        assert_eq!(inner.get_previous()?.get("name"), Some(&Value::from("Grace")));
        Ok::<_, Error>(())
    })
    .await?;

    // Without keep_original: unchanged columns answer, changed ones are a typed error.
    let mut hashed = OHashed::on(&h.db).find_or_fail(id).await?;
    assert_eq!(hashed.get_original("name")?, Value::from("Tx"));
    hashed.name = "Other".into();
    assert!(matches!(hashed.get_original("name"), Err(Error::OriginalNotKept { model: "OHashed", column: "name" })));
    assert_eq!(hashed.get_original("score")?, Value::Int(7));
    assert!(matches!(hashed.discard_changes(), Err(Error::OriginalNotKept { .. })));
    hashed.save().await?;
    assert!(matches!(hashed.get_previous(), Err(Error::OriginalNotKept { .. })));
    hashed.sync_original();
    assert!(hashed.is_clean());
    Ok(())
}

pub async fn pretend_returns_the_statements_and_runs_none(h: &Harness) -> Result<()> {
    tables(h).await?;
    OHashed::on(&h.db).create(record! { "name" => "kept" }).await?;
    let statements =
        h.db.pretend(|db| async move {
            let created = OHashed::on(&db).create(record! { "name" => "pretend" }).await?;
            assert_eq!(created.id, 0, "a pretend insert generates key 0");
            assert!(OHashed::on(&db).find(1).await?.is_none(), "queries return no rows");
            db.table("o_users").where_("name", "kept").update(record! { "score" => 10 }).await?;
            db.transaction(|tx| async move { tx.table("o_users").where_("id", 1).delete().await.map(drop) }).await?;
            Ok(())
        })
        .await?;
    let sql: Vec<&str> = statements.iter().map(|s| s.sql.as_str()).collect();
    assert_eq!(sql.len(), 4, "{sql:?}");
    assert!(
        sql[0].starts_with("INSERT INTO") && sql[1].starts_with("SELECT") && sql[2].starts_with("UPDATE"),
        "{sql:?}"
    );
    assert!(sql[3].starts_with("DELETE"), "{sql:?}");
    let placeholder = if h.db.dialect() == Dialect::Postgres { "$1" } else { "?" };
    assert!(sql[2].contains(placeholder), "the handle's dialect: {}", sql[2]);
    assert_eq!(statements[2].bindings, [Value::Int(10), Value::from("kept")]);
    // Nothing ran.
    let rows = OHashed::on(&h.db).get().await?;
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].name.as_str(), rows[0].score), ("kept", 0));
    // The closure's error comes back.
    let failed = h.db.pretend(|_| async { Err(Error::other("no")) }).await;
    assert!(failed.is_err());
    Ok(())
}
