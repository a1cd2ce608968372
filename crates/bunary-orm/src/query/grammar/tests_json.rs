//! Exact SQL and bindings of JSON paths and conditions, for every dialect.

use crate::dialect::Dialect;
use crate::error::Error;
use crate::ident::Ident;
use crate::query::{Builder, Record};
use crate::value::Value;

use super::grammar_for;

const DIALECTS: [Dialect; 3] = [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql];

fn assert_sql(q: &Builder, expected: [&str; 3], bindings: &[Value]) {
    for (dialect, sql) in DIALECTS.into_iter().zip(expected) {
        let s = q.to_sql(dialect).unwrap_or_else(|e| panic!("{dialect}: {e}"));
        assert_eq!(s.sql, sql, "{dialect}");
        assert_eq!(s.bindings, bindings, "{dialect}");
    }
}

fn users() -> Builder {
    Builder::new("users")
}

#[test]
fn a_path_is_read_in_select_where_order_and_group() {
    let q = users()
        .select(["id", "meta->address->city as city", "meta->tags[0] as first_tag"])
        .where_("meta->lang", "en")
        .group_by(["meta->lang"])
        .order_by("meta->rank", crate::query::Direction::Asc);
    assert_sql(
        &q,
        [
            r#"SELECT "id", json_extract("meta", '$."address"."city"') AS "city", json_extract("meta", '$."tags"[0]') AS "first_tag" FROM "users" WHERE json_extract("meta", '$."lang"') = ? GROUP BY json_extract("meta", '$."lang"') ORDER BY json_extract("meta", '$."rank"') ASC"#,
            r#"SELECT "id", (CAST("meta" AS jsonb)->'address'->>'city') AS "city", (CAST("meta" AS jsonb)->'tags'->>0) AS "first_tag" FROM "users" WHERE (CAST("meta" AS jsonb)->>'lang') = $1 GROUP BY (CAST("meta" AS jsonb)->>'lang') ORDER BY (CAST("meta" AS jsonb)->>'rank') ASC"#,
            r#"SELECT `id`, json_unquote(json_extract(`meta`, '$."address"."city"')) AS `city`, json_unquote(json_extract(`meta`, '$."tags"[0]')) AS `first_tag` FROM `users` WHERE json_unquote(json_extract(`meta`, '$."lang"')) = ? GROUP BY json_unquote(json_extract(`meta`, '$."lang"')) ORDER BY json_unquote(json_extract(`meta`, '$."rank"')) ASC"#,
        ],
        &[Value::from("en")],
    );
}

#[test]
fn numbers_and_booleans_at_a_path_compare_as_json() {
    let q = users().where_op("meta->age", ">=", 18).where_("meta->admin", true);
    let pg = q.to_sql(Dialect::Postgres).unwrap();
    assert_eq!(
        pg.sql,
        r#"SELECT * FROM "users" WHERE (CAST("meta" AS jsonb)->'age') >= to_jsonb(CAST($1 AS bigint)) AND (CAST("meta" AS jsonb)->'admin') = to_jsonb(CAST($2 AS boolean))"#
    );
    assert_eq!(pg.bindings, [Value::Int(18), Value::Bool(true)]);
    let my = q.to_sql(Dialect::MySql).unwrap();
    assert_eq!(my.bindings, [Value::Int(18), Value::from("true")], "MySQL compares a boolean with its JSON text");
    let null = users().where_null("meta->nick").to_sql(Dialect::MySql).unwrap().sql;
    assert_eq!(
        null,
        "SELECT * FROM `users` WHERE (json_extract(`meta`, '$.\"nick\"') IS NULL OR json_type(json_extract(`meta`, '$.\"nick\"')) = 'NULL')"
    );
}

#[test]
fn json_conditions_in_each_dialect() {
    let q = users()
        .where_json_contains("meta->tags", "rust")
        .or_where_json_doesnt_contain("roles", serde_json::json!(["admin"]));
    let pg = q.to_sql(Dialect::Postgres).unwrap();
    assert_eq!(
        pg.sql,
        r#"SELECT * FROM "users" WHERE COALESCE((CAST("meta" AS jsonb)->'tags') @> $1, false) OR NOT COALESCE(CAST("roles" AS jsonb) @> $2, false)"#
    );
    assert_eq!(pg.bindings, [Value::Json(serde_json::json!("rust")), Value::Json(serde_json::json!(["admin"]))]);
    let sqlite = q.to_sql(Dialect::Sqlite).unwrap();
    assert_eq!(
        sqlite.sql,
        r#"SELECT * FROM "users" WHERE (EXISTS (SELECT 1 FROM json_each("meta", '$."tags"') WHERE json_each.value = ?)) OR NOT (EXISTS (SELECT 1 FROM json_each("roles") WHERE json_each.value = ?))"#
    );
    let object = users().where_json_contains("meta", serde_json::json!({"a": 1})).to_sql(Dialect::Sqlite);
    assert!(matches!(object, Err(Error::Unsupported { .. })), "{object:?}");

    assert_sql(
        &users().where_json_length("meta->tags", ">", 1).where_json_contains_key("meta->address->city"),
        [
            r#"SELECT * FROM "users" WHERE json_array_length("meta", '$."tags"') > ? AND (json_type("meta", '$."address"."city"') IS NOT NULL)"#,
            r#"SELECT * FROM "users" WHERE jsonb_array_length((CAST("meta" AS jsonb)->'tags')) > $1 AND COALESCE(jsonb_exists((CAST("meta" AS jsonb)->'address'), 'city'), false)"#,
            "SELECT * FROM `users` WHERE json_length(`meta`, '$.\"tags\"') > ? AND COALESCE(json_contains_path(`meta`, 'one', '$.\"address\".\"city\"'), 0)",
        ],
        &[Value::Int(1)],
    );
    let index = users().where_json_doesnt_contain_key("tags[2]").to_sql(Dialect::Postgres).unwrap().sql;
    assert_eq!(
        index,
        r#"SELECT * FROM "users" WHERE NOT COALESCE(CASE WHEN jsonb_typeof(CAST("tags" AS jsonb)) = 'array' THEN jsonb_array_length(CAST("tags" AS jsonb)) > 2 ELSE false END, false)"#
    );
    assert!(users().where_json_contains_key("meta").to_sql(Dialect::Sqlite).is_err(), "a key needs a path");
}

#[test]
fn an_update_sets_paths_and_keeps_the_rest() {
    let sets = super::super::write::update_sets(
        Record::new()
            .set("meta->a->b", 1)
            .set("name", "Ada")
            .set("meta->on", true)
            .set("meta->tags", Value::Json(serde_json::json!(["x"]))),
    )
    .unwrap();
    let query = users().where_("id", 7).query;
    let compile = |d: Dialect| grammar_for(d).compile_update(&query, &sets).unwrap();
    let sqlite = compile(Dialect::Sqlite);
    assert_eq!(
        sqlite.sql,
        r#"UPDATE "users" SET "meta" = json_set(json_set(json_set(COALESCE("meta", '{}'), '$."a"."b"', ?), '$."on"', json(?)), '$."tags"', json(?)), "name" = ? WHERE "id" = ?"#
    );
    assert_eq!(
        sqlite.bindings,
        [Value::Int(1), Value::from("true"), Value::from(r#"["x"]"#), Value::from("Ada"), Value::Int(7)]
    );
    let pg = compile(Dialect::Postgres);
    assert_eq!(
        pg.sql,
        r#"UPDATE "users" SET "meta" = jsonb_set(jsonb_set(jsonb_set(COALESCE(CAST("meta" AS jsonb), '{}'::jsonb), '{a,b}', to_jsonb(CAST($1 AS bigint)), true), '{on}', to_jsonb(CAST($2 AS boolean)), true), '{tags}', CAST($3 AS jsonb), true), "name" = $4 WHERE "id" = $5"#
    );
    let my = compile(Dialect::MySql);
    assert_eq!(
        my.sql,
        "UPDATE `users` SET `meta` = json_set(json_set(json_set(COALESCE(`meta`, '{}'), '$.\"a\".\"b\"', ?), '$.\"on\"', json_extract(?, '$')), '$.\"tags\"', json_extract(?, '$')), `name` = ? WHERE `id` = ?"
    );
    // Hostile or qualified paths are refused before SQL.
    assert!(super::super::write::update_sets(Record::new().set("meta->a'", 1)).is_err());
    assert!(super::super::write::update_sets(Record::new().set("users.meta->a", 1)).is_err());
    assert!(super::super::write::update_sets(Record::new().set("meta", 1).set("meta->a", 2)).is_err());
    let _ = Ident::new("meta", "column").unwrap();
}

#[test]
fn hostile_paths_never_reach_sql() {
    for bad in [
        "meta->'a'",
        "meta->a'))--",
        "meta->a\"",
        "meta->a.b",
        "meta->$.a",
        "meta-> a",
        "meta->a[0",
        "meta->a[x]",
        "meta->>a",
        "meta->a\\",
        "meta->",
        "*->a",
    ] {
        for dialect in DIALECTS {
            let e = users().where_(bad, 1).to_sql(dialect).expect_err(bad);
            assert!(matches!(e, Error::InvalidIdentifier { .. }), "{bad}: {e:?}");
            let e = users().select([bad]).to_sql(dialect).expect_err(bad);
            assert!(matches!(e, Error::InvalidIdentifier { .. }), "{bad}: {e:?}");
        }
    }
}
