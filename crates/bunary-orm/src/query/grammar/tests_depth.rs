//! Exact SQL and bindings of subqueries, negated groups, conditions across columns and date
//! parts, for every dialect.

use crate::dialect::Dialect;
use crate::error::{Error, QueryProblem};
use crate::query::{Builder, Record};
use crate::value::Value;

const DIALECTS: [Dialect; 3] = [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql];

fn assert_sql(q: &Builder, expected: [&str; 3], bindings: &[Value]) {
    for (dialect, sql) in DIALECTS.into_iter().zip(expected) {
        let s = q.to_sql(dialect).unwrap_or_else(|e| panic!("{dialect}: {e}"));
        assert_eq!(s.sql, sql, "{dialect}");
        assert_eq!(s.bindings, bindings, "{dialect}");
    }
}

#[test]
fn subqueries_in_conditions_keep_their_bindings_in_place() {
    let active = Builder::new("posts").select(["user_id"]).where_("published", true);
    let q = Builder::new("users").where_("role", "admin").where_in_sub("id", active).or_where_sub(
        "score",
        ">",
        Builder::new("scores").select_raw("AVG(score)", []).where_("year", 2026),
    );
    assert_sql(
        &q,
        [
            r#"SELECT * FROM "users" WHERE "role" = ? AND "id" IN (SELECT "user_id" FROM "posts" WHERE "published" = ?) OR "score" > (SELECT AVG(score) FROM "scores" WHERE "year" = ?)"#,
            r#"SELECT * FROM "users" WHERE "role" = $1 AND "id" IN (SELECT "user_id" FROM "posts" WHERE "published" = $2) OR "score" > (SELECT AVG(score) FROM "scores" WHERE "year" = $3)"#,
            "SELECT * FROM `users` WHERE `role` = ? AND `id` IN (SELECT `user_id` FROM `posts` WHERE `published` = ?) OR `score` > (SELECT AVG(score) FROM `scores` WHERE `year` = ?)",
        ],
        &[Value::from("admin"), Value::Bool(true), Value::Int(2026)],
    );
    let not_in = Builder::new("users").where_not_in_sub("id", Builder::new("bans").select(["user_id"]));
    assert_eq!(
        not_in.to_sql(Dialect::Sqlite).unwrap().sql,
        r#"SELECT * FROM "users" WHERE "id" NOT IN (SELECT "user_id" FROM "bans")"#
    );
    // A subquery's building error is the outer query's.
    let bad = Builder::new("users").where_in_sub("id", Builder::new("posts").where_("bad name", 1));
    assert!(matches!(bad.to_sql(Dialect::Sqlite), Err(Error::InvalidIdentifier { .. })));
}

#[test]
fn subqueries_as_columns_sources_and_joins() {
    let counts = Builder::new("posts")
        .select(["user_id"])
        .select_raw("COUNT(*) AS n", [])
        .where_("draft", false)
        .group_by(["user_id"]);
    let q = Builder::new("users")
        .select(["users.name", "c.n"])
        .select_sub(
            Builder::new("logins").select_raw("MAX(at)", []).where_column("logins.user_id", "=", "users.id"),
            "last_login",
        )
        .join_sub(counts, "c", "c.user_id", "=", "users.id")
        .where_op("c.n", ">", 2);
    assert_sql(
        &q,
        [
            r#"SELECT "users"."name", "c"."n", (SELECT MAX(at) FROM "logins" WHERE "logins"."user_id" = "users"."id") AS "last_login" FROM "users" INNER JOIN (SELECT "user_id", COUNT(*) AS n FROM "posts" WHERE "draft" = ? GROUP BY "user_id") AS "c" ON "c"."user_id" = "users"."id" WHERE "c"."n" > ?"#,
            r#"SELECT "users"."name", "c"."n", (SELECT MAX(at) FROM "logins" WHERE "logins"."user_id" = "users"."id") AS "last_login" FROM "users" INNER JOIN (SELECT "user_id", COUNT(*) AS n FROM "posts" WHERE "draft" = $1 GROUP BY "user_id") AS "c" ON "c"."user_id" = "users"."id" WHERE "c"."n" > $2"#,
            "SELECT `users`.`name`, `c`.`n`, (SELECT MAX(at) FROM `logins` WHERE `logins`.`user_id` = `users`.`id`) AS `last_login` FROM `users` INNER JOIN (SELECT `user_id`, COUNT(*) AS n FROM `posts` WHERE `draft` = ? GROUP BY `user_id`) AS `c` ON `c`.`user_id` = `users`.`id` WHERE `c`.`n` > ?",
        ],
        &[Value::Bool(false), Value::Int(2)],
    );
    let from =
        Builder::new("ignored").from_sub(Builder::new("posts").where_("draft", false), "p").where_("p.user_id", 3);
    assert_eq!(
        from.to_sql(Dialect::Postgres).unwrap().sql,
        r#"SELECT * FROM (SELECT * FROM "posts" WHERE "draft" = $1) AS "p" WHERE "p"."user_id" = $2"#
    );
    let counted =
        super::grammar_for(Dialect::Sqlite).compile_aggregate(&from.query, super::Aggregate::Count, None).unwrap();
    assert_eq!(
        counted.sql,
        r#"SELECT COUNT(*) AS "aggregate" FROM (SELECT * FROM "posts" WHERE "draft" = ?) AS "p" WHERE "p"."user_id" = ?"#
    );
    let update = super::grammar_for(Dialect::Sqlite)
        .compile_update(&from.query, &super::super::write::update_sets(Record::new().set("x", 1)).unwrap());
    assert!(matches!(update, Err(Error::InvalidQuery { problem: QueryProblem::WriteFromSubquery { .. } })));
    assert!(Builder::new("u").select_sub(Builder::new("p"), "bad alias").to_sql(Dialect::Sqlite).is_err());
    assert!(Builder::new("u").join_sub(Builder::new("p"), "x;", "x.a", "=", "u.a").to_sql(Dialect::Sqlite).is_err());
}

#[test]
fn negated_groups_and_conditions_across_columns() {
    let q = Builder::new("users")
        .where_not(|q| q.where_("role", "admin").or_where("banned", true))
        .where_any(&["name", "email"], "like", "%ada%")
        .or_where_all(&["a", "b"], ">", 1)
        .where_none(&["x", "y"], "=", 0)
        .where_not(|q| q);
    assert_sql(
        &q,
        [
            r#"SELECT * FROM "users" WHERE NOT ("role" = ? OR "banned" = ?) AND ("name" LIKE ? OR "email" LIKE ?) OR ("a" > ? AND "b" > ?) AND NOT ("x" = ? OR "y" = ?)"#,
            r#"SELECT * FROM "users" WHERE NOT ("role" = $1 OR "banned" = $2) AND ("name" LIKE $3 OR "email" LIKE $4) OR ("a" > $5 AND "b" > $6) AND NOT ("x" = $7 OR "y" = $8)"#,
            "SELECT * FROM `users` WHERE NOT (`role` = ? OR `banned` = ?) AND (`name` LIKE ? OR `email` LIKE ?) OR (`a` > ? AND `b` > ?) AND NOT (`x` = ? OR `y` = ?)",
        ],
        &[
            Value::from("admin"),
            Value::Bool(true),
            Value::from("%ada%"),
            Value::from("%ada%"),
            Value::Int(1),
            Value::Int(1),
            Value::Int(0),
            Value::Int(0),
        ],
    );
    assert!(Builder::new("u").where_any(&[], "=", 1).to_sql(Dialect::Sqlite).is_err(), "no columns");
    assert!(Builder::new("u").where_any(&["a", "b c"], "=", 1).to_sql(Dialect::Sqlite).is_err());
}

#[test]
fn date_parts_in_each_dialect() {
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    let q = Builder::new("posts")
        .where_date("created_at", "=", day)
        .where_time("created_at", "<", "12:00:00")
        .where_day("created_at", "=", 2);
    assert_sql(
        &q,
        [
            r#"SELECT * FROM "posts" WHERE date("created_at") = ? AND time("created_at") < ? AND CAST(strftime('%d', "created_at") AS INTEGER) = ?"#,
            r#"SELECT * FROM "posts" WHERE CAST("created_at" AS date) = $1 AND CAST("created_at" AS time) < $2 AND CAST(extract(day from "created_at") AS integer) = $3"#,
            "SELECT * FROM `posts` WHERE date(`created_at`) = ? AND time(`created_at`) < ? AND day(`created_at`) = ?",
        ],
        &[Value::Date(day), Value::from("12:00:00"), Value::Int(2)],
    );
    let past = Builder::new("posts").where_past("published_at").to_sql(Dialect::Sqlite).unwrap();
    assert_eq!(past.sql, r#"SELECT * FROM "posts" WHERE "published_at" < ?"#);
    assert!(matches!(past.bindings[0], Value::Timestamp(_)));
    let today = Builder::new("posts").where_today("published_at").to_sql(Dialect::MySql).unwrap();
    assert_eq!(today.sql, "SELECT * FROM `posts` WHERE date(`published_at`) = ?");
}

#[test]
fn joins_right_cross_and_with_several_conditions() {
    let q = Builder::new("posts")
        .right_join("users", "users.id", "=", "posts.user_id")
        .cross_join("sizes")
        .left_join_with("tags", |j| {
            j.on("tags.post_id", "=", "posts.id").or_on("tags.slug", "=", "posts.slug").where_op("tags.weight", ">", 2)
        });
    assert_sql(
        &q,
        [
            r#"SELECT * FROM "posts" RIGHT JOIN "users" ON "users"."id" = "posts"."user_id" CROSS JOIN "sizes" LEFT JOIN "tags" ON "tags"."post_id" = "posts"."id" OR "tags"."slug" = "posts"."slug" AND "tags"."weight" > ?"#,
            r#"SELECT * FROM "posts" RIGHT JOIN "users" ON "users"."id" = "posts"."user_id" CROSS JOIN "sizes" LEFT JOIN "tags" ON "tags"."post_id" = "posts"."id" OR "tags"."slug" = "posts"."slug" AND "tags"."weight" > $1"#,
            "SELECT * FROM `posts` RIGHT JOIN `users` ON `users`.`id` = `posts`.`user_id` CROSS JOIN `sizes` LEFT JOIN `tags` ON `tags`.`post_id` = `posts`.`id` OR `tags`.`slug` = `posts`.`slug` AND `tags`.`weight` > ?",
        ],
        &[Value::Int(2)],
    );
    assert!(Builder::new("p").join_with("u", |j| j).to_sql(Dialect::Sqlite).is_err(), "an empty ON");
    let null = Builder::new("p").join_with("u", |j| j.on("u.id", "=", "p.u").where_op("u.x", ">", Value::Null));
    assert!(matches!(null.to_sql(Dialect::Sqlite), Err(Error::NullComparison { .. })), "as in a where");
    let is_null = Builder::new("p").join_with("u", |j| j.on("u.id", "=", "p.u").where_("u.x", Value::Null));
    assert!(is_null.to_sql(Dialect::Sqlite).unwrap().sql.ends_with(r#"AND "u"."x" IS NULL"#));
    assert!(Builder::new("p").join_with("u", |j| j.on("u.id", "=", "p.x y")).to_sql(Dialect::Sqlite).is_err());
}

#[test]
fn unions_wrap_their_members_and_order_the_whole() {
    let q = Builder::new("a")
        .select(["name"])
        .where_("x", 1)
        .union_all(Builder::new("b").select(["name"]).where_("y", 2).limit(5))
        .order_by("name", crate::query::Direction::Desc)
        .limit(3);
    assert_sql(
        &q,
        [
            r#"SELECT * FROM (SELECT "name" FROM "a" WHERE "x" = ?) UNION ALL SELECT * FROM (SELECT "name" FROM "b" WHERE "y" = ? LIMIT 5) ORDER BY "name" DESC LIMIT 3"#,
            r#"(SELECT "name" FROM "a" WHERE "x" = $1) UNION ALL (SELECT "name" FROM "b" WHERE "y" = $2 LIMIT 5) ORDER BY "name" DESC LIMIT 3"#,
            "(SELECT `name` FROM `a` WHERE `x` = ?) UNION ALL (SELECT `name` FROM `b` WHERE `y` = ? LIMIT 5) ORDER BY `name` DESC LIMIT 3",
        ],
        &[Value::Int(1), Value::Int(2)],
    );
    let count =
        super::grammar_for(Dialect::Postgres).compile_aggregate(&q.query, super::Aggregate::Count, None).unwrap();
    assert_eq!(
        count.sql,
        r#"SELECT COUNT(*) AS "aggregate" FROM ((SELECT "name" FROM "a" WHERE "x" = $1) UNION ALL (SELECT "name" FROM "b" WHERE "y" = $2 LIMIT 5)) AS "aggregate_table""#
    );
}

#[test]
fn locks_per_dialect() {
    assert_sql(
        &Builder::new("accounts").where_("id", 1).lock_for_update(),
        [
            r#"SELECT * FROM "accounts" WHERE "id" = ?"#,
            r#"SELECT * FROM "accounts" WHERE "id" = $1 FOR UPDATE"#,
            "SELECT * FROM `accounts` WHERE `id` = ? FOR UPDATE",
        ],
        &[Value::Int(1)],
    );
    assert_sql(
        &Builder::new("accounts").shared_lock().limit(1),
        [
            r#"SELECT * FROM "accounts" LIMIT 1"#,
            r#"SELECT * FROM "accounts" LIMIT 1 FOR SHARE"#,
            "SELECT * FROM `accounts` LIMIT 1 LOCK IN SHARE MODE",
        ],
        &[],
    );
}

#[test]
fn inserts_that_ignore_or_select_and_random_order() {
    let table = crate::ident::TableRef::parse("tags").unwrap();
    let columns = [crate::ident::Ident::new("name", "column").unwrap()];
    let sql = |d: Dialect| {
        super::grammar_for(d).compile_insert_or_ignore(&table, &columns, vec![Value::from("a")]).unwrap().sql
    };
    assert_eq!(sql(Dialect::Sqlite), r#"INSERT OR IGNORE INTO "tags" ("name") VALUES (?)"#);
    assert_eq!(sql(Dialect::Postgres), r#"INSERT INTO "tags" ("name") VALUES ($1) ON CONFLICT DO NOTHING"#);
    assert_eq!(sql(Dialect::MySql), "INSERT IGNORE INTO `tags` (`name`) VALUES (?)");
    let from = Builder::new("drafts").select(["title"]).where_("ready", true);
    let using = super::grammar_for(Dialect::Postgres).compile_insert_using(&table, &columns, &from.query).unwrap();
    assert_eq!(using.sql, r#"INSERT INTO "tags" ("name") SELECT "title" FROM "drafts" WHERE "ready" = $1"#);
    assert_eq!(using.bindings, [Value::Bool(true)]);
    assert_sql(
        &Builder::new("tags").in_random_order().limit(1),
        [
            r#"SELECT * FROM "tags" ORDER BY RANDOM() LIMIT 1"#,
            r#"SELECT * FROM "tags" ORDER BY RANDOM() LIMIT 1"#,
            "SELECT * FROM `tags` ORDER BY RAND() LIMIT 1",
        ],
        &[],
    );
    assert_sql(
        &Builder::new("t").group_by(["k"]).having_between("k", 1, 5).having_null("m"),
        [
            r#"SELECT * FROM "t" GROUP BY "k" HAVING "k" BETWEEN ? AND ? AND "m" IS NULL"#,
            r#"SELECT * FROM "t" GROUP BY "k" HAVING "k" BETWEEN $1 AND $2 AND "m" IS NULL"#,
            "SELECT * FROM `t` GROUP BY `k` HAVING `k` BETWEEN ? AND ? AND `m` IS NULL",
        ],
        &[Value::Int(1), Value::Int(5)],
    );
}

#[test]
fn every_statement_has_its_sql() {
    let q = Builder::new("users").where_("id", 7);
    let each = |d: Dialect| {
        let s = q.sql_for(d);
        [
            s.select().unwrap().sql,
            s.exists().unwrap().sql,
            s.max("age").unwrap().sql,
            s.insert(vec![Record::new().set("name", "a")]).unwrap().sql,
            s.increment("age", 1).unwrap().sql,
            s.upsert(
                vec![Record::new().set("email", "e").set("name", "n")],
                "email",
                crate::query::OnConflict::UpdateAll,
            )
            .unwrap()
            .unwrap()
            .sql,
        ]
    };
    assert_eq!(
        each(Dialect::Sqlite),
        [
            r#"SELECT * FROM "users" WHERE "id" = ?"#.to_owned(),
            r#"SELECT EXISTS (SELECT * FROM "users" WHERE "id" = ?) AS "exists""#.to_owned(),
            r#"SELECT MAX("age") AS "aggregate" FROM "users" WHERE "id" = ?"#.to_owned(),
            r#"INSERT INTO "users" ("name") VALUES (?)"#.to_owned(),
            r#"UPDATE "users" SET "age" = "age" + ? WHERE "id" = ?"#.to_owned(),
            r#"INSERT INTO "users" ("email", "name") VALUES (?, ?) ON CONFLICT ("email") DO UPDATE SET "name" = excluded."name""#.to_owned(),
        ]
    );
    assert_eq!(
        each(Dialect::MySql)[5],
        "INSERT INTO `users` (`email`, `name`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `name` = VALUES(`name`)"
    );
    assert!(q
        .sql_for(Dialect::Sqlite)
        .upsert(Vec::new(), "email", crate::query::OnConflict::DoNothing)
        .unwrap()
        .is_none());
    assert!(q.sql_for(Dialect::Sqlite).update(Record::new().set("bad col", 1)).is_err());
    let raw =
        Builder::new("t").where_("a", "x\\'y").where_("b", true).where_("c", 1.5).to_raw_sql(Dialect::MySql).unwrap();
    assert_eq!(raw, r"SELECT * FROM `t` WHERE `a` = 'x\\''y' AND `b` = TRUE AND `c` = 1.5");
}

#[test]
fn null_safe_and_bitwise_operators() {
    assert_sql(
        &Builder::new("t").where_op("a", "<=>", 1).where_op("flags", "&", 4).where_op("b", "^", 2).where_op(
            "c",
            "<=>",
            Value::Null,
        ),
        [
            r#"SELECT * FROM "t" WHERE "a" IS ? AND "flags" & ? <> 0 AND "b" ^ ? <> 0 AND "c" IS NULL"#,
            r#"SELECT * FROM "t" WHERE "a" IS NOT DISTINCT FROM $1 AND "flags" & $2 <> 0 AND "b" # $3 <> 0 AND "c" IS NULL"#,
            "SELECT * FROM `t` WHERE `a` <=> ? AND `flags` & ? <> 0 AND `b` ^ ? <> 0 AND `c` IS NULL",
        ],
        &[Value::Int(1), Value::Int(4), Value::Int(2)],
    );
    let cols = Builder::new("t").where_column("a", "<=>", "b").to_sql(Dialect::Postgres).unwrap().sql;
    assert_eq!(cols, r#"SELECT * FROM "t" WHERE "a" IS NOT DISTINCT FROM "b""#);
}
