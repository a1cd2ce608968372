//! JSON columns (issue 16) on each database: paths in where, select, order and group; numbers,
//! booleans and nulls at a path; `where_json_contains`, `where_json_length`,
//! `where_json_contains_key`; updates that set paths and keep the rest; hostile paths refused
//! before any SQL.

use bunary_orm::prelude::*;
use bunary_orm::schema::Schema;
use serde_json::json;

use super::Harness;

async fn table(h: &Harness) -> Result<()> {
    Schema::on(&h.db)
        .create_table("j_users", |t| {
            t.id();
            t.string("name", 50);
            t.json("meta").nullable();
        })
        .await?;
    let ada = json!({"lang": "en", "age": 36, "admin": true, "nick": null, "tags": ["rust", "go"], "address": {"city": "London"}});
    let bob = json!({"lang": "fr", "age": 17, "admin": false, "tags": ["rust"], "address": {}});
    h.db.table("j_users").insert(record! { "name" => "ada", "meta" => Value::Json(ada) }).await?;
    h.db.table("j_users").insert(record! { "name" => "bob", "meta" => Value::Json(bob) }).await?;
    h.db.table("j_users").insert(record! { "name" => "cy", "meta" => Value::Null }).await?;
    Ok(())
}

async fn names(q: Builder) -> Result<Vec<String>> {
    q.order_by("name", Direction::Asc).pluck::<String>("name").await
}

pub async fn json_paths_read_compare_and_match(h: &Harness) -> Result<()> {
    table(h).await?;
    let users = || h.db.table("j_users");
    assert_eq!(names(users().where_("meta->lang", "en")).await?, ["ada"]);
    assert_eq!(names(users().where_op("meta->age", ">=", 18)).await?, ["ada"]);
    assert_eq!(names(users().where_op("meta->age", "<", 18)).await?, ["bob"]);
    assert_eq!(names(users().where_("meta->admin", true)).await?, ["ada"]);
    assert_eq!(names(users().where_("meta->admin", false)).await?, ["bob"]);
    assert_eq!(names(users().where_("meta->tags[1]", "go")).await?, ["ada"]);
    assert_eq!(
        names(users().where_null("meta->nick")).await?,
        ["ada", "bob", "cy"],
        "JSON null, missing key, NULL column"
    );
    assert_eq!(names(users().where_not_null("meta->address->city")).await?, ["ada"]);

    assert_eq!(names(users().where_json_contains("meta->tags", "go")).await?, ["ada"]);
    assert_eq!(names(users().where_json_contains("meta->tags", json!(["rust"]))).await?, ["ada", "bob"]);
    assert_eq!(names(users().where_json_contains("meta->tags", json!(["rust", "go"]))).await?, ["ada"]);
    assert_eq!(names(users().where_json_doesnt_contain("meta->tags", "go").where_not_null("meta")).await?, ["bob"]);
    assert_eq!(names(users().where_json_length("meta->tags", ">", 1)).await?, ["ada"]);
    assert_eq!(names(users().where_json_contains_key("meta->address->city")).await?, ["ada"]);
    assert_eq!(names(users().where_json_contains_key("meta->tags[1]")).await?, ["ada"]);
    assert_eq!(
        names(users().where_json_doesnt_contain_key("meta->address->city").where_not_null("meta")).await?,
        ["bob"]
    );

    // Select, order and group by a path.
    let rows = users().select(["name", "meta->address->city as city"]).where_("name", "ada").get().await?;
    assert_eq!(rows[0].get::<Option<String>>("city")?.as_deref(), Some("London"));
    let by_lang = users().where_not_null("meta").order_by_desc("meta->lang").pluck::<String>("name").await?;
    assert_eq!(by_lang, ["bob", "ada"]);
    let groups = users().select(["meta->lang as lang"]).where_not_null("meta").group_by(["meta->lang"]).get().await?;
    assert_eq!(groups.len(), 2);

    // Hostile paths: typed errors, before any SQL.
    for bad in ["meta->'a'", "meta->a'))--", "meta->a.b", "meta->a b", "meta->>a"] {
        let e = users().where_(bad, 1).count().await.expect_err(bad);
        assert!(matches!(e, Error::InvalidIdentifier { .. }), "{bad}: {e:?}");
    }
    Ok(())
}

pub async fn an_update_sets_json_paths_and_keeps_the_rest(h: &Harness) -> Result<()> {
    table(h).await?;
    let users = || h.db.table("j_users");
    let changed = users()
        .where_("name", "ada")
        .update(record! {
            "meta->address->city" => "Paris",
            "meta->age" => 37,
            "meta->admin" => false,
            "meta->skills" => Value::Json(json!({"sql": 3})),
            "name" => "ada l.",
        })
        .await?;
    assert_eq!(changed, 1);
    let meta: serde_json::Value = users().where_("name", "ada l.").value::<serde_json::Value>("meta").await?.unwrap();
    assert_eq!(meta["address"]["city"], "Paris");
    assert_eq!(meta["age"], 37, "a number stays a number");
    assert_eq!(meta["admin"], false, "a boolean stays a boolean");
    assert_eq!(meta["skills"], json!({"sql": 3}), "JSON stays JSON");
    assert_eq!((meta["lang"].as_str(), meta["tags"].clone()), (Some("en"), json!(["rust", "go"])), "the rest is kept");
    // A NULL column starts as an object.
    users().where_("name", "cy").update(record! { "meta->lang" => "de" }).await?;
    let cy: serde_json::Value = users().where_("name", "cy").value::<serde_json::Value>("meta").await?.unwrap();
    assert_eq!(cy, json!({"lang": "de"}));
    // Found by the values just written.
    assert_eq!(names(users().where_op("meta->age", ">", 36)).await?, ["ada l."]);
    assert_eq!(names(users().where_("meta->admin", false)).await?, ["ada l.", "bob"]);
    // A hostile path in an update: refused, nothing written.
    let e = users().update(record! { "meta->a'='1" => 1 }).await;
    assert!(matches!(e, Err(Error::InvalidIdentifier { .. })), "{e:?}");
    Ok(())
}
