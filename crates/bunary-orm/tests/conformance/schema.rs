//! The schema builder against a real database.

use bunary_orm::schema::{ForeignAction, Schema};
use bunary_orm::{record, Error, Result};
use chrono::NaiveDate;

use super::Harness;

pub async fn create_table_with_every_type_and_read_it_back(h: &Harness) -> Result<()> {
    let schema = Schema::on(&h.db);
    schema
        .create_table("everything", |t| {
            t.id();
            t.small_integer("small");
            t.integer("int");
            t.big_integer("big");
            t.float("f32");
            t.double("f64");
            t.decimal("price", 8, 2);
            t.string("name", 50);
            t.text("body").nullable();
            t.boolean("flag").default(true);
            t.date("day");
            t.time("at");
            t.datetime("moment");
            t.timestamp("stamp").use_current();
            t.uuid("token");
            t.json("doc");
            t.binary("bytes").nullable();
            t.enumeration("status", ["draft", "published"]).default("draft");
            t.timestamps();
            t.soft_deletes();
        })
        .await?;
    assert!(schema.has_table("everything").await?);
    assert!(!schema.has_table("nothing_here").await?);
    assert!(schema.has_column("everything", "doc").await?);
    assert!(!schema.has_column("everything", "nope").await?);
    let id =
        h.db.table("everything")
            .insert_get_id(record! {
                "small" => 1, "int" => 2, "big" => i64::MAX, "f32" => 1.5, "f64" => 2.25, "price" => "19.99",
                "name" => "n", "day" => NaiveDate::from_ymd_opt(2026, 1, 2).unwrap(),
                "at" => chrono::NaiveTime::from_hms_opt(3, 4, 5).unwrap(),
                "moment" => NaiveDate::from_ymd_opt(2026, 1, 2).unwrap().and_hms_opt(3, 4, 5).unwrap(),
                "token" => uuid::Uuid::now_v7(), "doc" => serde_json::json!({"k": [1, 2]}),
            })
            .await?;
    let row = h.db.table("everything").find(id).await?.unwrap();
    assert!(row.get::<bool>("flag")?, "boolean default applied");
    assert_eq!(row.get::<String>("status")?, "draft");
    assert_eq!(row.get::<i64>("big")?, i64::MAX);
    assert_eq!(row.get::<f64>("price")?, 19.99);
    assert_eq!(row.get::<serde_json::Value>("doc")?, serde_json::json!({"k": [1, 2]}));
    assert!(row.get::<chrono::NaiveDateTime>("stamp").is_ok(), "CURRENT_TIMESTAMP default applied");
    assert_eq!(row.get::<Option<chrono::NaiveDateTime>>("deleted_at")?, None);
    // The enumeration's CHECK refuses other values.
    let bad = h.db.table("everything").where_("id", id).update(record! { "status" => "bogus" }).await;
    assert!(bad.is_err(), "the CHECK constraint holds");
    Ok(())
}

pub async fn string_defaults_are_stored_literally(h: &Harness) -> Result<()> {
    let hostile = "x'); DROP TABLE users; --";
    Schema::on(&h.db)
        .create_table("defaults", |t| {
            t.id();
            t.string("label", 100).default("x'); DROP TABLE users; --");
            t.string("path", 100).default(r"C:\temp\'x'");
            t.integer("n").default(0);
        })
        .await?;
    h.db.table("defaults").insert(record! { "n" => 1 }).await?;
    let row = h.db.table("defaults").first().await?.unwrap();
    assert_eq!(row.get::<String>("label")?, hostile);
    assert_eq!(row.get::<String>("path")?, r"C:\temp\'x'");
    Ok(())
}

pub async fn unique_indexes_and_foreign_keys_are_enforced(h: &Harness) -> Result<()> {
    let schema = Schema::on(&h.db);
    schema
        .create_table("teams", |t| {
            t.id();
            t.string("slug", 50).unique();
        })
        .await?;
    schema
        .create_table("members", |t| {
            t.id();
            t.foreign_id("team_id").references("teams", "id").on_delete(ForeignAction::Cascade);
            t.string("name", 50);
        })
        .await?;
    let team = h.db.table("teams").insert_get_id(record! { "slug" => "core" }).await?;
    let dup = h.db.table("teams").insert(record! { "slug" => "core" }).await.unwrap_err();
    assert!(dup.is_unique_violation(), "{dup}");
    h.db.table("members").insert(record! { "team_id" => team, "name" => "Ada" }).await?;
    let orphan = h.db.table("members").insert(record! { "team_id" => 999, "name" => "Nobody" }).await.unwrap_err();
    assert!(orphan.is_foreign_key_violation(), "{orphan}");
    h.db.table("teams").where_("id", team).delete().await?;
    assert_eq!(h.db.table("members").count().await?, 0, "ON DELETE CASCADE");
    Ok(())
}

pub async fn alter_adds_renames_and_drops_columns_keeping_rows(h: &Harness) -> Result<()> {
    let schema = Schema::on(&h.db);
    schema
        .create_table("people", |t| {
            t.id();
            t.string("name", 50);
            t.string("fax", 50).nullable().index();
        })
        .await?;
    h.db.table("people")
        .insert_many(vec![record! { "name" => "Ada", "fax" => "1" }, record! { "name" => "Bob", "fax" => "2" }])
        .await?;
    schema
        .table("people", |t| {
            t.string("phone", 20).nullable().unique();
            t.integer("age").default(0);
            t.rename_column("name", "full_name");
            t.drop_column("fax");
        })
        .await?;
    assert!(schema.has_column("people", "phone").await?);
    assert!(schema.has_column("people", "full_name").await?);
    assert!(!schema.has_column("people", "name").await?);
    assert!(!schema.has_column("people", "fax").await?, "an indexed column can be dropped");
    let names: Vec<String> = h.db.table("people").oldest_by("id").pluck("full_name").await?;
    assert_eq!(names, ["Ada", "Bob"], "rows survive the alter");
    h.db.table("people").where_("id", 1).update(record! { "phone" => "555" }).await?;
    let dup = h.db.table("people").where_("id", 2).update(record! { "phone" => "555" }).await.unwrap_err();
    assert!(dup.is_unique_violation());
    schema.table("people", |t| t.drop_unique(["phone"])).await?;
    h.db.table("people").where_("id", 2).update(record! { "phone" => "555" }).await?;
    Ok(())
}

pub async fn a_failing_create_leaves_no_table(h: &Harness) -> Result<()> {
    let schema = Schema::on(&h.db);
    let result = schema
        .create_table("half", |t| {
            t.id();
            t.string("name", 50);
            t.index(["missing_column"]);
        })
        .await;
    assert!(result.is_err());
    assert!(!schema.has_table("half").await?, "no half-written table");
    let invalid = schema.create_table("bad name", |t| {
        t.id();
    });
    assert!(matches!(invalid.await, Err(Error::InvalidIdentifier { .. })));
    Ok(())
}

pub async fn drop_rename_and_list_tables(h: &Harness) -> Result<()> {
    let schema = Schema::on(&h.db);
    schema
        .create_table("old_name", |t| {
            t.id();
        })
        .await?;
    schema.rename_table("old_name", "new_name").await?;
    assert!(schema.has_table("new_name").await? && !schema.has_table("old_name").await?);
    assert_eq!(schema.tables().await?, ["new_name"]);
    schema.drop_table("new_name").await?;
    schema.drop_table_if_exists("new_name").await?;
    assert!(schema.drop_table("new_name").await.is_err());
    assert!(schema.tables().await?.is_empty());
    Ok(())
}
