//! The further column types and modifiers (issue 20) on each database: they create, store and
//! read back; a generated column computes; a collation applies; what a database lacks is a
//! typed error before any SQL.

use bunary_orm::schema::Schema;
use bunary_orm::{record, Dialect, Error, Result};

use super::Harness;

pub async fn further_types_store_and_read_back(h: &Harness) -> Result<()> {
    let dialect = h.db.dialect();
    // A case-insensitive collation on each database.
    let nocase = match dialect {
        Dialect::Sqlite => "NOCASE",
        Dialect::Postgres => "bunary_ci",
        Dialect::MySql => "utf8mb4_general_ci",
    };
    if dialect == Dialect::Postgres {
        // PostgreSQL's case-insensitive collations are made, not built in (in the test's schema).
        h.db.exec(
            "CREATE COLLATION bunary_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
            &[],
        )
        .await?;
    }
    Schema::on(&h.db)
        .create_table("t_things", |t| {
            t.id();
            t.char("code", 3);
            t.unsigned_tiny_integer("level");
            t.medium_integer("mid");
            t.long_text("essay");
            t.year("vintage");
            t.timestamp_tz("at").nullable();
            t.ulid("ulid");
            t.ip_address("ip");
            t.mac_address("mac");
            t.integer("qty");
            t.integer("price");
            t.big_integer("total").stored_as("qty * price");
            t.string("tag", 20).collation(nocase).comment("free text, it's searched");
            t.nullable_morphs("owner");
            t.remember_token();
        })
        .await?;
    let at = chrono::DateTime::parse_from_rfc3339("2026-05-01T09:30:00Z").unwrap().with_timezone(&chrono::Utc);
    h.db.table("t_things")
        .insert(record! {
            "code" => "abc", "level" => 200, "mid" => 70000, "essay" => "x".repeat(70_000), "vintage" => 2024,
            "at" => at, "ulid" => "01J9Z3K8Q4W5E6R7T8Y9U0I1O2", "ip" => "2001:db8::1", "mac" => "08:00:2b:01:02:03",
            "qty" => 3, "price" => 7, "tag" => "Red",
        })
        .await?;
    let row = h.db.table("t_things").first().await?.unwrap();
    assert_eq!(row.get::<String>("code")?.trim_end(), "abc");
    assert_eq!((row.get::<i64>("level")?, row.get::<i64>("mid")?, row.get::<i64>("vintage")?), (200, 70000, 2024));
    assert_eq!(row.get::<String>("essay")?.len(), 70_000);
    assert_eq!(row.get::<String>("ip")?, "2001:db8::1");
    assert_eq!(row.get::<String>("mac")?, "08:00:2b:01:02:03");
    assert_eq!(row.get::<i64>("total")?, 21, "the generated column computes");
    assert_eq!(row.get::<Option<String>>("remember_token")?, None);
    assert_eq!(row.get::<Option<i64>>("owner_id")?, None);
    assert!(row.get::<chrono::DateTime<chrono::Utc>>("at").is_ok() || row.get::<chrono::NaiveDateTime>("at").is_ok());
    let found = h.db.table("t_things").where_("tag", "RED").count().await?;
    assert_eq!(found, 1, "the collation compares without case");
    if dialect == Dialect::Postgres {
        // PostgreSQL checks addresses: a bad one is refused when it is bound.
        let bad = h.db.table("t_things").where_("id", 1).update(record! { "ip" => "999.1.1.1" }).await;
        assert!(bad.is_err(), "{bad:?}");
        let bad = h.db.table("t_things").where_("id", 1).update(record! { "mac" => "08:00" }).await;
        assert!(bad.is_err(), "{bad:?}");
    }
    if dialect != Dialect::MySql {
        let refused = Schema::on(&h.db)
            .table("t_things", |t| {
                t.timestamp("touched_at").nullable().use_current_on_update();
            })
            .await;
        assert!(matches!(refused, Err(Error::Unsupported { .. })), "{refused:?}");
        assert!(!Schema::on(&h.db).has_column("t_things", "touched_at").await?);
    } else {
        Schema::on(&h.db)
            .table("t_things", |t| {
                t.timestamp("touched_at").nullable().use_current_on_update().after("code");
            })
            .await?;
        h.db.table("t_things").where_("id", 1).update(record! { "qty" => 4 }).await?;
        let touched = h.db.table("t_things").value::<chrono::NaiveDateTime>("touched_at").await?;
        assert!(touched.is_some(), "ON UPDATE CURRENT_TIMESTAMP set it");
        let names: Vec<String> = Schema::on(&h.db).get_columns("t_things").await?.into_iter().map(|c| c.name).collect();
        assert_eq!(&names[..3], ["id", "code", "touched_at"], "AFTER code");
    }
    Ok(())
}
