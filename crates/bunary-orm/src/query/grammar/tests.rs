//! Exact SQL and bindings for every dialect, side by side.

use crate::dialect::Dialect;
use crate::error::Error;
use crate::ident::{Ident, TableRef};
use crate::params;
use crate::query::{Builder, Direction};
use crate::value::Value;

use super::{grammar_for, Aggregate, SetValue, Statement};

const DIALECTS: [Dialect; 3] = [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql];

/// Asserts the SQL for SQLite, Postgres and MySQL, and the bindings (the same for all).
fn assert_select(q: &Builder, expected: [&str; 3], bindings: &[Value]) {
    for (dialect, sql) in DIALECTS.into_iter().zip(expected) {
        let s = q.to_sql(dialect).unwrap_or_else(|e| panic!("{dialect}: {e}"));
        assert_eq!(s.sql, sql, "{dialect}");
        assert_eq!(s.bindings, bindings, "{dialect}");
    }
}

fn assert_each(make: impl Fn(Dialect) -> Statement, expected: [&str; 3], bindings: &[Value]) {
    for (dialect, sql) in DIALECTS.into_iter().zip(expected) {
        let s = make(dialect);
        assert_eq!(s.sql, sql, "{dialect}");
        assert_eq!(s.bindings, bindings, "{dialect}");
    }
}

fn users() -> Builder {
    Builder::new("users")
}

#[test]
fn select_star_quotes_the_table() {
    assert_select(&users(), [r#"SELECT * FROM "users""#, r#"SELECT * FROM "users""#, "SELECT * FROM `users`"], &[]);
}

#[test]
fn select_columns_add_up_with_aliases_and_qualifiers() {
    let q = users().select(["id", "users.name as label"]).select("email").distinct();
    assert_select(
        &q,
        [
            r#"SELECT DISTINCT "id", "users"."name" AS "label", "email" FROM "users""#,
            r#"SELECT DISTINCT "id", "users"."name" AS "label", "email" FROM "users""#,
            "SELECT DISTINCT `id`, `users`.`name` AS `label`, `email` FROM `users`",
        ],
        &[],
    );
}

#[test]
fn where_placeholders_follow_the_dialect_and_the_binding_order() {
    let q = users().where_("name", "Ada").where_op("age", ">=", 18).or_where("role", "admin");
    assert_select(
        &q,
        [
            r#"SELECT * FROM "users" WHERE "name" = ? AND "age" >= ? OR "role" = ?"#,
            r#"SELECT * FROM "users" WHERE "name" = $1 AND "age" >= $2 OR "role" = $3"#,
            "SELECT * FROM `users` WHERE `name` = ? AND `age` >= ? OR `role` = ?",
        ],
        &params!["Ada", 18, "admin"],
    );
}

#[test]
fn every_allowed_operator() {
    for (op, sql) in [
        ("=", "="),
        ("==", "="),
        ("!=", "<>"),
        ("<>", "<>"),
        ("<", "<"),
        ("<=", "<="),
        (">", ">"),
        (">=", ">="),
        ("like", "LIKE"),
        (" NOT   LIKE ", "NOT LIKE"),
    ] {
        let s = users().where_op("name", op, "x").to_sql(Dialect::Sqlite).unwrap();
        assert_eq!(s.sql, format!(r#"SELECT * FROM "users" WHERE "name" {sql} ?"#), "{op}");
    }
}

#[test]
fn ilike_is_native_on_postgres_and_lowered_elsewhere() {
    assert_select(
        &users().where_op("name", "ilike", "a%").where_op("email", "not ilike", "%spam%"),
        [
            r#"SELECT * FROM "users" WHERE LOWER("name") LIKE LOWER(?) AND LOWER("email") NOT LIKE LOWER(?)"#,
            r#"SELECT * FROM "users" WHERE "name" ILIKE $1 AND "email" NOT ILIKE $2"#,
            "SELECT * FROM `users` WHERE LOWER(`name`) LIKE LOWER(?) AND LOWER(`email`) NOT LIKE LOWER(?)",
        ],
        &params!["a%", "%spam%"],
    );
}

#[test]
fn nested_groups_are_parenthesised() {
    let q = users()
        .where_("active", true)
        .where_group(|q| {
            q.where_("role", "admin").or_where_group(|q| q.where_("role", "editor").where_("verified", true))
        })
        .or_where_group(|q| q)
        .or_where_null("deleted_at");
    assert_select(
        &q,
        [
            r#"SELECT * FROM "users" WHERE "active" = ? AND ("role" = ? OR ("role" = ? AND "verified" = ?)) OR "deleted_at" IS NULL"#,
            r#"SELECT * FROM "users" WHERE "active" = $1 AND ("role" = $2 OR ("role" = $3 AND "verified" = $4)) OR "deleted_at" IS NULL"#,
            "SELECT * FROM `users` WHERE `active` = ? AND (`role` = ? OR (`role` = ? AND `verified` = ?)) OR `deleted_at` IS NULL",
        ],
        &params![true, "admin", "editor", true],
    );
}

#[test]
fn where_in_binds_each_value_and_handles_empty_lists() {
    assert_select(
        &users().where_in("id", [1, 2, 3]).where_not_in("role", ["banned"]),
        [
            r#"SELECT * FROM "users" WHERE "id" IN (?, ?, ?) AND "role" NOT IN (?)"#,
            r#"SELECT * FROM "users" WHERE "id" IN ($1, $2, $3) AND "role" NOT IN ($4)"#,
            "SELECT * FROM `users` WHERE `id` IN (?, ?, ?) AND `role` NOT IN (?)",
        ],
        &params![1, 2, 3, "banned"],
    );
    let empty: [i64; 0] = [];
    assert_select(
        &users().where_in("id", empty).or_where_not_in("id", empty),
        [
            r#"SELECT * FROM "users" WHERE 0 = 1 OR 1 = 1"#,
            r#"SELECT * FROM "users" WHERE 0 = 1 OR 1 = 1"#,
            "SELECT * FROM `users` WHERE 0 = 1 OR 1 = 1",
        ],
        &[],
    );
}

#[test]
fn null_between_like_and_column_comparisons() {
    assert_select(
        &users()
            .where_null("deleted_at")
            .where_not_null("email")
            .where_between("age", 18, 65)
            .where_not_between("score", 0, 10)
            .where_like("name", "A%")
            .where_column("updated_at", ">", "created_at"),
        [
            r#"SELECT * FROM "users" WHERE "deleted_at" IS NULL AND "email" IS NOT NULL AND "age" BETWEEN ? AND ? AND "score" NOT BETWEEN ? AND ? AND "name" LIKE ? AND "updated_at" > "created_at""#,
            r#"SELECT * FROM "users" WHERE "deleted_at" IS NULL AND "email" IS NOT NULL AND "age" BETWEEN $1 AND $2 AND "score" NOT BETWEEN $3 AND $4 AND "name" LIKE $5 AND "updated_at" > "created_at""#,
            "SELECT * FROM `users` WHERE `deleted_at` IS NULL AND `email` IS NOT NULL AND `age` BETWEEN ? AND ? AND `score` NOT BETWEEN ? AND ? AND `name` LIKE ? AND `updated_at` > `created_at`",
        ],
        &params![18, 65, 0, 10, "A%"],
    );
}

#[test]
fn raw_fragments_renumber_placeholders_and_skip_quoted_question_marks() {
    let q = users()
        .select_raw("COUNT(*) AS n", [])
        .where_("a", 1)
        .where_raw("b = ? OR c = '?'", params![2])
        .order_by_raw("FIELD(d, ?)", params![3]);
    assert_select(
        &q,
        [
            r#"SELECT COUNT(*) AS n FROM "users" WHERE "a" = ? AND (b = ? OR c = '?') ORDER BY FIELD(d, ?)"#,
            r#"SELECT COUNT(*) AS n FROM "users" WHERE "a" = $1 AND (b = $2 OR c = '?') ORDER BY FIELD(d, $3)"#,
            "SELECT COUNT(*) AS n FROM `users` WHERE `a` = ? AND (b = ? OR c = '?') ORDER BY FIELD(d, ?)",
        ],
        &params![1, 2, 3],
    );
}

#[test]
fn raw_fragments_with_the_wrong_number_of_bindings_are_refused() {
    for q in [users().where_raw("a = ? AND b = ?", params![1]), users().where_raw("a = ?", params![1, 2])] {
        for dialect in DIALECTS {
            assert!(matches!(q.to_sql(dialect), Err(Error::RawPlaceholders { .. })), "{dialect}");
        }
    }
    assert!(users().where_raw("a = 'unclosed ?", params![1]).to_sql(Dialect::Sqlite).is_err());
}

#[test]
fn orders_accumulate_and_reorder_clears_them() {
    let q = users().order_by("name", Direction::Asc).latest().order_by_desc("id");
    assert_select(
        &q,
        [
            r#"SELECT * FROM "users" ORDER BY "name" ASC, "created_at" DESC, "id" DESC"#,
            r#"SELECT * FROM "users" ORDER BY "name" ASC, "created_at" DESC, "id" DESC"#,
            "SELECT * FROM `users` ORDER BY `name` ASC, `created_at` DESC, `id` DESC",
        ],
        &[],
    );
    assert_eq!(
        q.clone().reorder().oldest_by("id").to_sql(Dialect::Sqlite).unwrap().sql,
        r#"SELECT * FROM "users" ORDER BY "id" ASC"#
    );
    assert_eq!(
        q.reorder().oldest().order_by_asc("id").latest_by("n").to_sql(Dialect::MySql).unwrap().sql,
        "SELECT * FROM `users` ORDER BY `created_at` ASC, `id` ASC, `n` DESC"
    );
    assert_eq!("Asc".parse::<Direction>().unwrap(), Direction::Asc);
    for bad in ["", "ascending", "asc ", "desc;--", "DESC NULLS FIRST"] {
        assert!(
            matches!(
                bad.parse::<Direction>(),
                Err(Error::InvalidQuery { problem: crate::error::QueryProblem::InvalidDirection { .. } })
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn limit_and_offset_are_literals_and_offset_alone_works_everywhere() {
    assert_select(
        &users().limit(10).offset(20),
        [
            r#"SELECT * FROM "users" LIMIT 10 OFFSET 20"#,
            r#"SELECT * FROM "users" LIMIT 10 OFFSET 20"#,
            "SELECT * FROM `users` LIMIT 10 OFFSET 20",
        ],
        &[],
    );
    assert_select(
        &users().offset(5),
        [
            r#"SELECT * FROM "users" LIMIT -1 OFFSET 5"#,
            r#"SELECT * FROM "users" OFFSET 5"#,
            "SELECT * FROM `users` LIMIT 18446744073709551615 OFFSET 5",
        ],
        &[],
    );
    assert_eq!(users().for_page(crate::query::Page(3), crate::query::PerPage(15)).query().offset, Some(30));
}

#[test]
fn joins_group_by_and_having() {
    let q = Builder::new("users as u")
        .select(["u.id", "u.name"])
        .select_raw("COUNT(p.id) AS posts", [])
        .left_join("posts as p", "p.user_id", "=", "u.id")
        .join("teams", "teams.id", "=", "u.team_id")
        .where_("teams.active", true)
        .group_by(["u.id", "u.name"])
        .having("posts", ">", 2);
    assert_select(
        &q,
        [
            r#"SELECT "u"."id", "u"."name", COUNT(p.id) AS posts FROM "users" AS "u" LEFT JOIN "posts" AS "p" ON "p"."user_id" = "u"."id" INNER JOIN "teams" ON "teams"."id" = "u"."team_id" WHERE "teams"."active" = ? GROUP BY "u"."id", "u"."name" HAVING "posts" > ?"#,
            r#"SELECT "u"."id", "u"."name", COUNT(p.id) AS posts FROM "users" AS "u" LEFT JOIN "posts" AS "p" ON "p"."user_id" = "u"."id" INNER JOIN "teams" ON "teams"."id" = "u"."team_id" WHERE "teams"."active" = $1 GROUP BY "u"."id", "u"."name" HAVING "posts" > $2"#,
            "SELECT `u`.`id`, `u`.`name`, COUNT(p.id) AS posts FROM `users` AS `u` LEFT JOIN `posts` AS `p` ON `p`.`user_id` = `u`.`id` INNER JOIN `teams` ON `teams`.`id` = `u`.`team_id` WHERE `teams`.`active` = ? GROUP BY `u`.`id`, `u`.`name` HAVING `posts` > ?",
        ],
        &params![true, 2],
    );
}

#[test]
fn count_ignores_select_order_limit_and_offset() {
    let q = users().select(["name"]).where_("active", true).order_by("name", Direction::Asc).limit(5).offset(10);
    assert_each(
        |d| grammar_for(d).compile_aggregate(&q.query, Aggregate::Count, None).unwrap(),
        [
            r#"SELECT COUNT(*) AS "aggregate" FROM "users" WHERE "active" = ?"#,
            r#"SELECT COUNT(*) AS "aggregate" FROM "users" WHERE "active" = $1"#,
            "SELECT COUNT(*) AS `aggregate` FROM `users` WHERE `active` = ?",
        ],
        &params![true],
    );
}

#[test]
fn grouped_and_distinct_counts_use_a_subquery() {
    let q = users().select(["role"]).distinct().where_("active", true).order_by("role", Direction::Asc);
    assert_each(
        |d| grammar_for(d).compile_aggregate(&q.query, Aggregate::Count, None).unwrap(),
        [
            r#"SELECT COUNT(*) AS "aggregate" FROM (SELECT DISTINCT "role" FROM "users" WHERE "active" = ?) AS "aggregate_table""#,
            r#"SELECT COUNT(*) AS "aggregate" FROM (SELECT DISTINCT "role" FROM "users" WHERE "active" = $1) AS "aggregate_table""#,
            "SELECT COUNT(*) AS `aggregate` FROM (SELECT DISTINCT `role` FROM `users` WHERE `active` = ?) AS `aggregate_table`",
        ],
        &params![true],
    );
}

#[test]
fn a_grouped_count_selects_the_group_columns() {
    let q = users().group_by("role");
    assert_each(
        |d| grammar_for(d).compile_aggregate(&q.query, Aggregate::Count, None).unwrap(),
        [
            r#"SELECT COUNT(*) AS "aggregate" FROM (SELECT "role" FROM "users" GROUP BY "role") AS "aggregate_table""#,
            r#"SELECT COUNT(*) AS "aggregate" FROM (SELECT "role" FROM "users" GROUP BY "role") AS "aggregate_table""#,
            "SELECT COUNT(*) AS `aggregate` FROM (SELECT `role` FROM `users` GROUP BY `role`) AS `aggregate_table`",
        ],
        &[],
    );
}

#[test]
fn sum_avg_min_max_and_exists() {
    let q = users().where_op("age", ">", 1);
    let col = crate::ident::ColumnRef::plain("age").unwrap();
    for (agg, name) in
        [(Aggregate::Sum, "SUM"), (Aggregate::Avg, "AVG"), (Aggregate::Min, "MIN"), (Aggregate::Max, "MAX")]
    {
        let s = grammar_for(Dialect::Postgres).compile_aggregate(&q.query, agg, Some(&col)).unwrap();
        assert_eq!(s.sql, format!(r#"SELECT {name}("age") AS "aggregate" FROM "users" WHERE "age" > $1"#));
    }
    assert_each(
        |d| grammar_for(d).compile_exists(&q.query).unwrap(),
        [
            r#"SELECT EXISTS (SELECT * FROM "users" WHERE "age" > ?) AS "exists""#,
            r#"SELECT EXISTS (SELECT * FROM "users" WHERE "age" > $1) AS "exists""#,
            "SELECT EXISTS (SELECT * FROM `users` WHERE `age` > ?) AS `exists`",
        ],
        &params![1],
    );
}

fn ids(names: &[&str]) -> Vec<Ident> {
    names.iter().map(|n| Ident::new(n, "column").unwrap()).collect()
}

#[test]
fn insert_many_is_one_statement() {
    let table = TableRef::parse("users").unwrap();
    let rows = params!["Ada", 36, "Bob", None::<i64>].to_vec();
    assert_each(
        |d| grammar_for(d).compile_insert(&table, &ids(&["name", "age"]), rows.clone()).unwrap(),
        [
            r#"INSERT INTO "users" ("name", "age") VALUES (?, ?), (?, ?)"#,
            r#"INSERT INTO "users" ("name", "age") VALUES ($1, $2), ($3, $4)"#,
            "INSERT INTO `users` (`name`, `age`) VALUES (?, ?), (?, ?)",
        ],
        &params!["Ada", 36, "Bob", None::<i64>],
    );
    assert_each(
        |d| grammar_for(d).compile_insert(&table, &[], Vec::new()).unwrap(),
        [
            r#"INSERT INTO "users" DEFAULT VALUES"#,
            r#"INSERT INTO "users" DEFAULT VALUES"#,
            "INSERT INTO `users` () VALUES ()",
        ],
        &[],
    );
    let ragged = params!["Ada", 36, "Bob"].to_vec();
    assert!(grammar_for(Dialect::Sqlite).compile_insert(&table, &ids(&["name", "age"]), ragged).is_err());
}

#[test]
fn insert_get_id_returns_the_key_where_the_dialect_can() {
    let table = TableRef::parse("users").unwrap();
    let key = Ident::new("id", "column").unwrap();
    assert_each(
        |d| grammar_for(d).compile_insert_get_id(&table, &ids(&["name"]), params!["Ada"].to_vec(), &key).unwrap(),
        [
            r#"INSERT INTO "users" ("name") VALUES (?) RETURNING "id""#,
            r#"INSERT INTO "users" ("name") VALUES ($1) RETURNING "id""#,
            "INSERT INTO `users` (`name`) VALUES (?)",
        ],
        &params!["Ada"],
    );
}

#[test]
fn upsert_per_dialect() {
    let table = TableRef::parse("users").unwrap();
    let rows = params!["a@x.io", "Ada"].to_vec();
    assert_each(
        |d| {
            grammar_for(d)
                .compile_upsert(&table, &ids(&["email", "name"]), rows.clone(), &ids(&["email"]), &ids(&["name"]))
                .unwrap()
        },
        [
            r#"INSERT INTO "users" ("email", "name") VALUES (?, ?) ON CONFLICT ("email") DO UPDATE SET "name" = excluded."name""#,
            r#"INSERT INTO "users" ("email", "name") VALUES ($1, $2) ON CONFLICT ("email") DO UPDATE SET "name" = excluded."name""#,
            "INSERT INTO `users` (`email`, `name`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `name` = VALUES(`name`)",
        ],
        &params!["a@x.io", "Ada"],
    );
    assert_each(
        |d| {
            grammar_for(d)
                .compile_upsert(&table, &ids(&["email", "name"]), rows.clone(), &ids(&["email"]), &[])
                .unwrap()
        },
        [
            r#"INSERT INTO "users" ("email", "name") VALUES (?, ?) ON CONFLICT ("email") DO NOTHING"#,
            r#"INSERT INTO "users" ("email", "name") VALUES ($1, $2) ON CONFLICT ("email") DO NOTHING"#,
            "INSERT INTO `users` (`email`, `name`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `email` = `email`",
        ],
        &params!["a@x.io", "Ada"],
    );
}

#[test]
fn update_increment_and_delete_keep_the_where_bindings_after_the_set_bindings() {
    let q = users().where_("id", 7);
    let sets = vec![
        (Ident::new("votes", "column").unwrap(), SetValue::Add(Value::Int(2))),
        (Ident::new("name", "column").unwrap(), SetValue::Value("Ada".into())),
    ];
    assert_each(
        |d| grammar_for(d).compile_update(&q.query, &sets).unwrap(),
        [
            r#"UPDATE "users" SET "votes" = "votes" + ?, "name" = ? WHERE "id" = ?"#,
            r#"UPDATE "users" SET "votes" = "votes" + $1, "name" = $2 WHERE "id" = $3"#,
            "UPDATE `users` SET `votes` = `votes` + ?, `name` = ? WHERE `id` = ?",
        ],
        &params![2, "Ada", 7],
    );
    assert_each(
        |d| grammar_for(d).compile_delete(&q.query).unwrap(),
        [
            r#"DELETE FROM "users" WHERE "id" = ?"#,
            r#"DELETE FROM "users" WHERE "id" = $1"#,
            "DELETE FROM `users` WHERE `id` = ?",
        ],
        &params![7],
    );
    let joined = users().join("posts", "posts.user_id", "=", "users.id");
    assert!(matches!(grammar_for(Dialect::Sqlite).compile_delete(&joined.query), Err(Error::Unsupported { .. })));
    assert!(grammar_for(Dialect::Sqlite).compile_update(&q.query, &[]).is_err());
}

#[test]
fn truncate_per_dialect() {
    let table = TableRef::parse("users").unwrap();
    let sql = |d: Dialect| grammar_for(d).compile_truncate(&table).into_iter().map(|s| s.sql).collect::<Vec<_>>();
    assert_eq!(sql(Dialect::Sqlite), [r#"DELETE FROM "users""#]);
    assert_eq!(sql(Dialect::Postgres), [r#"TRUNCATE TABLE "users" RESTART IDENTITY"#]);
    assert_eq!(sql(Dialect::MySql), ["TRUNCATE TABLE `users`"]);
}

#[test]
fn hostile_identifiers_and_operators_are_typed_errors_before_any_sql() {
    for bad in ["users; DROP TABLE users", "name) OR 1=1 --", "\"quoted\"", "", "usеrs"] {
        assert!(
            matches!(Builder::new(bad).to_sql(Dialect::Sqlite), Err(Error::InvalidIdentifier { .. })),
            "table {bad:?}"
        );
        for q in [
            users().where_(bad, 1),
            users().select([bad]),
            users().order_by(bad, Direction::Asc),
            users().where_in(bad, [1]),
            users().group_by(bad),
            users().join(bad, "a.id", "=", "b.id"),
            users().where_column("a", "=", bad),
            users().exclude(bad),
            users().key(bad),
        ] {
            assert!(matches!(q.to_sql(Dialect::Postgres), Err(Error::InvalidIdentifier { .. })), "{bad:?}");
        }
    }
    for op in ["=; DROP TABLE users", "OR", "is", "", "==="] {
        assert!(
            matches!(users().where_op("a", op, 1).to_sql(Dialect::MySql), Err(Error::InvalidOperator { .. })),
            "{op:?}"
        );
    }
    // The first error wins and later valid calls do not hide it.
    let q = users().where_("bad name", 1).where_("good", 2);
    assert!(matches!(q.to_sql(Dialect::Sqlite), Err(Error::InvalidIdentifier { value, .. }) if value == "bad name"));
}

#[test]
fn cloned_builders_are_independent() {
    let base = users().where_("active", true);
    let admins = base.clone().where_("role", "admin").limit(1);
    assert_eq!(base.to_sql(Dialect::Sqlite).unwrap().sql, r#"SELECT * FROM "users" WHERE "active" = ?"#);
    assert_eq!(
        admins.to_sql(Dialect::Sqlite).unwrap().sql,
        r#"SELECT * FROM "users" WHERE "active" = ? AND "role" = ? LIMIT 1"#
    );
}

#[test]
fn json_values_are_one_binding_never_a_list() {
    // Laravel's CVE-2021-21263: an array where one value was expected became several
    // bindings and shifted the rest. Here a JSON array is one value.
    let q = users().where_("tags", serde_json::json!([1, 2, 3])).where_("id", 5);
    let s = q.to_sql(Dialect::Postgres).unwrap();
    assert_eq!(s.sql, r#"SELECT * FROM "users" WHERE "tags" = $1 AND "id" = $2"#);
    assert_eq!(s.bindings.len(), 2);
}

#[test]
fn subqueries_number_their_placeholders_in_line() {
    let posts = || Builder::new("posts").where_("b", 2).where_column("posts.user_id", "=", "users.id");
    let q = Builder::new("users").where_("a", 1).where_exists(posts()).or_where_count(posts(), ">=", 3).where_("c", 4);
    let pg = q.to_sql(Dialect::Postgres).unwrap();
    assert_eq!(
        pg.sql,
        r#"SELECT * FROM "users" WHERE "a" = $1 AND EXISTS (SELECT * FROM "posts" WHERE "b" = $2 AND "posts"."user_id" = "users"."id") OR (SELECT COUNT(*) FROM "posts" WHERE "b" = $3 AND "posts"."user_id" = "users"."id") >= $4 AND "c" = $5"#
    );
    assert_eq!(pg.bindings, [1, 2, 2, 3, 4].map(crate::Value::from));
    let bad = Builder::new("users").where_not_exists(Builder::new("posts").where_("b c", 1));
    assert!(matches!(bad.to_sql(Dialect::Sqlite), Err(crate::Error::InvalidIdentifier { .. })), "the subquery's error");
}
