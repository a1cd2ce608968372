//! Foreign keys and indexes by name or by columns, on each database (issue 20): modifiers in
//! any order, `constrained()`, the action shortcuts, `drop_foreign`, custom index names and
//! drops by columns. SQLite rebuilds the table for a foreign key; PostgreSQL and MySQL alter it.

use bunary_orm::schema::Schema;
use bunary_orm::{record, Error, Result};

use super::Harness;

async fn parents(h: &Harness) -> Result<()> {
    let schema = Schema::on(&h.db);
    schema
        .create_table("k_users", |t| {
            t.id();
        })
        .await?;
    schema
        .create_table("k_categories", |t| {
            t.id();
        })
        .await?;
    for table in ["k_users", "k_categories"] {
        h.db.table(table).insert(record! { "id" => 1 }).await?;
        h.db.table(table).insert(record! { "id" => 2 }).await?;
    }
    Ok(())
}

async fn count(h: &Harness, table: &str) -> Result<i64> {
    h.db.table(table).count().await
}

pub async fn foreign_key_modifiers_hold_in_any_order(h: &Harness) -> Result<()> {
    parents(h).await?;
    Schema::on(&h.db)
        .create_table("k_posts", |t| {
            t.id();
            // The action before the table: kept, not silently dropped.
            t.foreign_id("k_user_id").cascade_on_delete().references("k_users", "id");
            t.foreign_id("k_category_id").nullable().constrained_on("k_categories", "id").null_on_delete();
        })
        .await?;
    for (user, category) in [(1, 1), (1, 2), (2, 2)] {
        h.db.table("k_posts").insert(record! { "k_user_id" => user, "k_category_id" => category }).await?;
    }
    h.db.table("k_users").where_("id", 1).delete().await?;
    assert_eq!(count(h, "k_posts").await?, 1, "ON DELETE CASCADE given before references");
    h.db.table("k_categories").where_("id", 2).delete().await?;
    let left: Vec<Option<i64>> = h.db.table("k_posts").pluck("k_category_id").await?;
    assert_eq!(left, [None], "ON DELETE SET NULL");
    // Actions on a key that never names its table: a typed error, nothing made.
    let dangling = Schema::on(&h.db)
        .create_table("k_dangling", |t| {
            t.id();
            t.foreign_id("k_user_id").cascade_on_delete();
        })
        .await;
    assert!(
        matches!(
            dangling,
            Err(Error::InvalidSchema { problem: bunary_orm::SchemaProblem::ForeignWithoutReferences { .. } })
        ),
        "{dangling:?}"
    );
    assert!(!Schema::on(&h.db).has_table("k_dangling").await?);
    Ok(())
}

pub async fn foreign_keys_drop_by_columns_or_name(h: &Harness) -> Result<()> {
    parents(h).await?;
    let schema = Schema::on(&h.db);
    schema
        .create_table("k_posts", |t| {
            t.id();
            t.foreign_id("k_user_id").references("k_users", "id");
            t.foreign_id("k_category_id").nullable().references("k_categories", "id");
            t.string("title", 40).default("x");
        })
        .await?;
    h.db.table("k_posts").insert(record! { "k_user_id" => 1, "k_category_id" => 1, "title" => "kept" }).await?;
    let orphan = || async { h.db.table("k_posts").insert(record! { "k_user_id" => 99, "title" => "orphan" }).await };
    assert!(orphan().await.is_err(), "the key holds");
    schema.table("k_posts", |t| t.drop_foreign(["k_user_id"])).await?;
    orphan().await?;
    h.db.table("k_posts").where_("k_user_id", 99).delete().await?;
    // Added again under a name of our own, then dropped by that name.
    schema
        .table("k_posts", |t| {
            t.foreign("k_user_id").references("k_users", "id").name("k_posts_author").cascade_on_delete();
        })
        .await?;
    assert!(orphan().await.is_err());
    schema.table("k_posts", |t| t.drop_foreign("k_posts_author")).await?;
    orphan().await?;
    // A key that is not there: a typed error on SQLite (checked before the rebuild), the
    // database's own on the others; nothing changed either way.
    assert!(schema.table("k_posts", |t| t.drop_foreign("k_posts_nope")).await.is_err());
    // The key and its column at once.
    schema.table("k_posts", |t| t.drop_constrained_foreign_id("k_category_id")).await?;
    assert!(!schema.has_column("k_posts", "k_category_id").await?);
    let titles: Vec<String> = h.db.table("k_posts").oldest_by("id").pluck("title").await?;
    assert_eq!(titles, ["kept", "orphan"], "rows kept through every change");
    Ok(())
}

pub async fn indexes_take_names_and_drop_by_columns(h: &Harness) -> Result<()> {
    let schema = Schema::on(&h.db);
    schema
        .create_table("k_people", |t| {
            t.id();
            t.string("email", 100);
            t.string("first", 40);
            t.string("last", 40);
            t.unique(["email"]);
            t.index(["first", "last"]).name("k_people_full_name");
            t.unique(["first", "last"]).name("k_people_one_name");
        })
        .await?;
    let add = |email: &'static str, first: &'static str| async move {
        h.db.table("k_people").insert(record! { "email" => email, "first" => first, "last" => "x" }).await
    };
    add("a@x", "a").await?;
    assert!(add("a@x", "b").await.is_err(), "unique email");
    assert!(add("b@x", "a").await.is_err(), "unique first and last, under its own name");
    schema.table("k_people", |t| t.drop_unique(["email"])).await?;
    schema.table("k_people", |t| t.drop_unique("k_people_one_name")).await?;
    add("a@x", "a").await?;
    schema.table("k_people", |t| t.drop_index("k_people_full_name")).await?;
    schema
        .table("k_people", |t| {
            t.index(["last"]);
        })
        .await?;
    schema.table("k_people", |t| t.drop_index(["last"])).await?;
    assert!(schema.table("k_people", |t| t.drop_index(["last"])).await.is_err(), "gone");
    assert_eq!(count(h, "k_people").await?, 2);
    Ok(())
}

pub async fn columns_change_type_length_nullability_and_default(h: &Harness) -> Result<()> {
    let schema = Schema::on(&h.db);
    schema
        .create_table("k_items", |t| {
            t.id();
            t.string("name", 10);
            t.string("qty", 10);
            t.enumeration("status", ["a", "b"]).default("a");
            t.decimal("price", 5, 2);
            t.index(["name"]);
        })
        .await?;
    h.db.table("k_items").insert(record! { "name" => "abc", "qty" => "12", "price" => "1.50" }).await?;
    schema
        .table("k_items", |t| {
            t.string("name", 100).nullable().change();
            t.integer("qty").change();
            t.enumeration("status", ["a", "b", "c"]).default("c").change();
            t.decimal("price", 8, 3).default(0).change();
        })
        .await?;
    let long = "x".repeat(60);
    h.db.table("k_items").insert(record! { "name" => long.as_str(), "qty" => 7 }).await?;
    h.db.table("k_items").insert(record! { "name" => None::<String>, "qty" => 1 }).await?;
    let first = h.db.table("k_items").find(1).await?.unwrap();
    assert_eq!(first.get::<i64>("qty")?, 12, "text converted to a number");
    assert_eq!(first.get::<f64>("price")?, 1.5);
    let second = h.db.table("k_items").find(2).await?.unwrap();
    assert_eq!((second.get::<String>("status")?.as_str(), second.get::<f64>("price")?), ("c", 0.0), "new defaults");
    assert!(h.db.table("k_items").where_("id", 1).update(record! { "status" => "z" }).await.is_err(), "the new CHECK");
    h.db.table("k_items").where_("id", 1).update(record! { "status" => "b" }).await?;
    // Restated without nullable(): NOT NULL again, which the NULL row refuses; nothing changes.
    let refused = schema
        .table("k_items", |t| {
            t.string("name", 100).change();
        })
        .await;
    assert!(refused.is_err(), "{refused:?}");
    h.db.table("k_items").where_("id", 3).update(record! { "name" => None::<String> }).await?;
    assert_eq!(h.db.table("k_items").count().await?, 3);
    // A default that does not convert to the new type: the old one goes before the type changes.
    schema
        .table("k_items", |t| {
            t.string("code", 10).default("none");
        })
        .await?;
    h.db.table("k_items").update(record! { "code" => "5" }).await?;
    schema
        .table("k_items", |t| {
            t.integer("code").default(7).change();
        })
        .await?;
    h.db.table("k_items").insert(record! { "name" => "d", "qty" => 2 }).await?;
    assert_eq!(h.db.table("k_items").where_("name", "d").value::<i64>("code").await?, Some(7));
    // The index on `name` survived the changes.
    schema.table("k_items", |t| t.drop_index(["name"])).await?;
    // A column that is not there: an error, nothing changed.
    assert!(schema
        .table("k_items", |t| {
            t.text("nope").change();
        })
        .await
        .is_err());
    Ok(())
}

pub async fn indexes_rename_fulltext_primary_and_views(h: &Harness) -> Result<()> {
    let schema = Schema::on(&h.db);
    schema
        .create_table("k_docs", |t| {
            t.integer("a");
            t.integer("b");
            t.string("title", 100);
            t.text("body");
            t.primary(["a", "b"]);
            t.index(["title"]).name("k_docs_t");
        })
        .await?;
    h.db.table("k_docs").insert(record! { "a" => 1, "b" => 1, "title" => "t", "body" => "rust orm" }).await?;
    schema.table("k_docs", |t| t.rename_index("k_docs_t", "k_docs_title")).await?;
    assert!(schema.has_index("k_docs", "k_docs_title").await? && !schema.has_index("k_docs", "k_docs_t").await?);
    assert!(schema.table("k_docs", |t| t.rename_index("k_docs_nope", "x")).await.is_err());
    // Full text: MySQL and PostgreSQL; SQLite says it has none, changing nothing.
    let fulltext = schema
        .table("k_docs", |t| {
            t.fulltext(["title", "body"]);
        })
        .await;
    if h.db.dialect() == bunary_orm::Dialect::Sqlite {
        assert!(matches!(fulltext, Err(Error::Unsupported { .. })), "{fulltext:?}");
    } else {
        fulltext?;
        assert!(schema.has_index("k_docs", "k_docs_title_body_fulltext").await?);
        schema.table("k_docs", |t| t.drop_fulltext(["title", "body"])).await?;
    }
    // The composite key goes; a duplicate pair is then taken.
    let twin =
        || async { h.db.table("k_docs").insert(record! { "a" => 1, "b" => 1, "title" => "u", "body" => "" }).await };
    assert!(twin().await.is_err());
    schema.table("k_docs", |t| t.drop_primary()).await?;
    twin().await?;
    assert!(!schema.get_indexes("k_docs").await?.iter().any(|i| i.primary));
    assert_eq!(count(h, "k_docs").await?, 2);
    // Views.
    h.db.exec_batch("CREATE VIEW k_titles AS SELECT title FROM k_docs").await?;
    // A view reading a view, dropped after it: PostgreSQL drops the first only with what
    // depends on it.
    h.db.exec_batch("CREATE VIEW k_z_titles AS SELECT title FROM k_titles WHERE title LIKE 't%'").await?;
    let mut views = schema.views().await?;
    views.sort();
    assert_eq!(views, ["k_titles", "k_z_titles"], "the view read by another comes first");
    schema.drop_all_views().await?;
    assert!(schema.views().await?.is_empty());
    Ok(())
}

pub async fn renamed_columns_stay_in_their_foreign_keys(h: &Harness) -> Result<()> {
    parents(h).await?;
    let schema = Schema::on(&h.db);
    schema
        .create_table("k_posts", |t| {
            t.id();
            t.foreign_id("k_user_id").constrained_on("k_users", "id");
        })
        .await?;
    // The referencing column, then the referenced one.
    schema.table("k_posts", |t| t.rename_column("k_user_id", "author_id")).await?;
    schema.table("k_users", |t| t.rename_column("id", "uid")).await?;
    let keys = schema.get_foreign_keys("k_posts").await?;
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_eq!(
        (keys[0].columns.as_slice(), keys[0].foreign_columns.as_slice()),
        (&["author_id".to_owned()][..], &["uid".to_owned()][..])
    );
    h.db.table("k_posts").insert(record! { "author_id" => 1 }).await?;
    assert!(h.db.table("k_posts").insert(record! { "author_id" => 99 }).await.is_err(), "the key still holds");
    Ok(())
}
