//! Exact DDL for every column type and modifier, in all three dialects.

use crate::dialect::Dialect;
use crate::error::{Error, SchemaProblem};
use crate::schema::blueprint::Blueprint;
use crate::schema::column::{ColumnType, ForeignAction};

use super::schema_grammar_for;

const DIALECTS: [Dialect; 3] = [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql];

fn create(dialect: Dialect, f: impl FnOnce(&mut Blueprint)) -> Vec<String> {
    let mut bp = Blueprint::new("t");
    f(&mut bp);
    schema_grammar_for(dialect).compile_create(&bp).unwrap().into_iter().map(|s| s.sql).collect()
}

fn alter(dialect: Dialect, f: impl FnOnce(&mut Blueprint)) -> Vec<String> {
    let mut bp = Blueprint::new("t");
    f(&mut bp);
    schema_grammar_for(dialect).compile_alter(&bp).unwrap().into_iter().map(|s| s.sql).collect()
}

/// The column definition SQL of one column, for each dialect.
fn column(f: impl Fn(&mut Blueprint) + Copy) -> [String; 3] {
    DIALECTS.map(|d| {
        let mut bp = Blueprint::new("t");
        f(&mut bp);
        schema_grammar_for(d).column_sql(&bp.columns()[0]).unwrap()
    })
}

#[test]
fn every_column_type_per_dialect() {
    let cases: Vec<(ColumnType, [&str; 3])> = vec![
        (
            ColumnType::Increments,
            [
                r#""c" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT"#,
                r#""c" SERIAL NOT NULL PRIMARY KEY"#,
                "`c` INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY",
            ],
        ),
        (
            ColumnType::BigIncrements,
            [
                r#""c" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT"#,
                r#""c" BIGSERIAL NOT NULL PRIMARY KEY"#,
                "`c` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY",
            ],
        ),
        (ColumnType::SmallInteger, [r#""c" INTEGER NOT NULL"#, r#""c" SMALLINT NOT NULL"#, "`c` SMALLINT NOT NULL"]),
        (ColumnType::Integer, [r#""c" INTEGER NOT NULL"#, r#""c" INTEGER NOT NULL"#, "`c` INT NOT NULL"]),
        (ColumnType::BigInteger, [r#""c" INTEGER NOT NULL"#, r#""c" BIGINT NOT NULL"#, "`c` BIGINT NOT NULL"]),
        (ColumnType::Float, [r#""c" FLOAT NOT NULL"#, r#""c" REAL NOT NULL"#, "`c` FLOAT NOT NULL"]),
        (ColumnType::Double, [r#""c" DOUBLE NOT NULL"#, r#""c" DOUBLE PRECISION NOT NULL"#, "`c` DOUBLE NOT NULL"]),
        (
            ColumnType::Decimal { precision: 8, scale: 2 },
            [r#""c" NUMERIC NOT NULL"#, r#""c" DECIMAL(8, 2) NOT NULL"#, "`c` DECIMAL(8, 2) NOT NULL"],
        ),
        (
            ColumnType::String(100),
            [r#""c" VARCHAR(100) NOT NULL"#, r#""c" VARCHAR(100) NOT NULL"#, "`c` VARCHAR(100) NOT NULL"],
        ),
        (ColumnType::Text, [r#""c" TEXT NOT NULL"#, r#""c" TEXT NOT NULL"#, "`c` TEXT NOT NULL"]),
        (ColumnType::Boolean, [r#""c" BOOLEAN NOT NULL"#, r#""c" BOOLEAN NOT NULL"#, "`c` TINYINT(1) NOT NULL"]),
        (ColumnType::Date, [r#""c" DATE NOT NULL"#, r#""c" DATE NOT NULL"#, "`c` DATE NOT NULL"]),
        (ColumnType::Time, [r#""c" TIME NOT NULL"#, r#""c" TIME NOT NULL"#, "`c` TIME NOT NULL"]),
        (ColumnType::DateTime, [r#""c" DATETIME NOT NULL"#, r#""c" TIMESTAMP NOT NULL"#, "`c` DATETIME(6) NOT NULL"]),
        (ColumnType::Timestamp, [r#""c" DATETIME NOT NULL"#, r#""c" TIMESTAMP NOT NULL"#, "`c` DATETIME(6) NOT NULL"]),
        (ColumnType::Uuid, [r#""c" UUID TEXT NOT NULL"#, r#""c" UUID NOT NULL"#, "`c` CHAR(36) NOT NULL"]),
        (ColumnType::Json, [r#""c" JSON NOT NULL"#, r#""c" JSONB NOT NULL"#, "`c` JSON NOT NULL"]),
        (ColumnType::Binary, [r#""c" BLOB NOT NULL"#, r#""c" BYTEA NOT NULL"#, "`c` BLOB NOT NULL"]),
        (
            ColumnType::Enum(vec!["draft".into(), "it's".into()]),
            [
                r#""c" VARCHAR NOT NULL CHECK ("c" IN ('draft', 'it''s'))"#,
                r#""c" VARCHAR(255) NOT NULL CHECK ("c" IN ('draft', 'it''s'))"#,
                "`c` VARCHAR(255) NOT NULL CHECK (`c` IN ('draft', 'it''s'))",
            ],
        ),
    ];
    for (kind, expected) in cases {
        let got = DIALECTS.map(|d| {
            let mut bp = Blueprint::new("t");
            bp.add("c", kind.clone());
            schema_grammar_for(d).column_sql(&bp.columns()[0]).unwrap()
        });
        assert_eq!(got, expected, "{kind:?}");
    }
}

#[test]
fn modifiers_per_dialect() {
    assert_eq!(
        column(|t| {
            t.string("c", 10).nullable().default("x");
        }),
        [
            r#""c" VARCHAR(10) NULL DEFAULT 'x'"#,
            r#""c" VARCHAR(10) NULL DEFAULT 'x'"#,
            "`c` VARCHAR(10) NULL DEFAULT 'x'"
        ]
    );
    assert_eq!(
        column(|t| {
            t.boolean("c").default(true);
        }),
        [
            r#""c" BOOLEAN NOT NULL DEFAULT 1"#,
            r#""c" BOOLEAN NOT NULL DEFAULT TRUE"#,
            "`c` TINYINT(1) NOT NULL DEFAULT 1"
        ]
    );
    assert_eq!(
        column(|t| {
            t.integer("c").unsigned().default(5).not_null();
        }),
        [
            r#""c" INTEGER NOT NULL DEFAULT 5"#,
            r#""c" INTEGER NOT NULL DEFAULT 5"#,
            "`c` INT UNSIGNED NOT NULL DEFAULT 5"
        ]
    );
    assert_eq!(
        column(|t| {
            t.timestamp("c").use_current();
        }),
        [
            r#""c" DATETIME NOT NULL DEFAULT (CURRENT_TIMESTAMP)"#,
            r#""c" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP"#,
            "`c` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)",
        ]
    );
    assert_eq!(
        column(|t| {
            t.double("c").default(1.5);
        }),
        [
            r#""c" DOUBLE NOT NULL DEFAULT 1.5"#,
            r#""c" DOUBLE PRECISION NOT NULL DEFAULT 1.5"#,
            "`c` DOUBLE NOT NULL DEFAULT 1.5"
        ]
    );
    assert_eq!(
        column(|t| {
            t.uuid("c").primary();
        }),
        [
            r#""c" UUID TEXT NOT NULL PRIMARY KEY"#,
            r#""c" UUID NOT NULL PRIMARY KEY"#,
            "`c` CHAR(36) NOT NULL PRIMARY KEY"
        ]
    );
}

#[test]
fn string_defaults_are_escaped_not_pasted() {
    let [sqlite, postgres, mysql] = column(|t| {
        t.text("c").default("x'); DROP TABLE users; --");
    });
    assert_eq!(sqlite, r#""c" TEXT NOT NULL DEFAULT 'x''); DROP TABLE users; --'"#);
    assert_eq!(postgres, r#""c" TEXT NOT NULL DEFAULT 'x''); DROP TABLE users; --'"#);
    assert_eq!(mysql, "`c` TEXT NOT NULL DEFAULT 'x''); DROP TABLE users; --'");
    let [_, _, backslash] = column(|t| {
        t.text("c").default("a\\' OR 1=1");
    });
    assert_eq!(backslash, r"`c` TEXT NOT NULL DEFAULT 'a\\'' OR 1=1'", "MySQL backslashes are escaped too");
}

#[test]
fn create_table_with_keys_indexes_and_foreign_keys() {
    let build = |t: &mut Blueprint| {
        t.big_increments("id");
        t.string("email", 255).unique();
        t.foreign_id("team_id").references("teams", "id").on_delete(ForeignAction::Cascade);
        t.integer("rank").index();
        t.timestamps();
        t.index(["team_id", "rank"]);
    };
    assert_eq!(
        create(Dialect::Sqlite, build),
        [
            r#"CREATE TABLE "t" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "email" VARCHAR(255) NOT NULL, "team_id" INTEGER NOT NULL, "rank" INTEGER NOT NULL, "created_at" DATETIME NULL, "updated_at" DATETIME NULL, CONSTRAINT "t_team_id_foreign" FOREIGN KEY ("team_id") REFERENCES "teams" ("id") ON DELETE CASCADE)"#,
            r#"CREATE UNIQUE INDEX "t_email_unique" ON "t" ("email")"#,
            r#"CREATE INDEX "t_rank_index" ON "t" ("rank")"#,
            r#"CREATE INDEX "t_team_id_rank_index" ON "t" ("team_id", "rank")"#,
        ]
    );
    assert_eq!(
        create(Dialect::Postgres, build),
        [
            r#"CREATE TABLE "t" ("id" BIGSERIAL NOT NULL PRIMARY KEY, "email" VARCHAR(255) NOT NULL, "team_id" BIGINT NOT NULL, "rank" INTEGER NOT NULL, "created_at" TIMESTAMP NULL, "updated_at" TIMESTAMP NULL, CONSTRAINT "t_team_id_foreign" FOREIGN KEY ("team_id") REFERENCES "teams" ("id") ON DELETE CASCADE)"#,
            r#"CREATE UNIQUE INDEX "t_email_unique" ON "t" ("email")"#,
            r#"CREATE INDEX "t_rank_index" ON "t" ("rank")"#,
            r#"CREATE INDEX "t_team_id_rank_index" ON "t" ("team_id", "rank")"#,
        ]
    );
    assert_eq!(
        create(Dialect::MySql, build),
        [
            "CREATE TABLE `t` (`id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, `email` VARCHAR(255) NOT NULL, `team_id` BIGINT UNSIGNED NOT NULL, `rank` INT NOT NULL, `created_at` DATETIME(6) NULL, `updated_at` DATETIME(6) NULL, CONSTRAINT `t_team_id_foreign` FOREIGN KEY (`team_id`) REFERENCES `teams` (`id`) ON DELETE CASCADE)",
            "CREATE UNIQUE INDEX `t_email_unique` ON `t` (`email`)",
            "CREATE INDEX `t_rank_index` ON `t` (`rank`)",
            "CREATE INDEX `t_team_id_rank_index` ON `t` (`team_id`, `rank`)",
        ]
    );
}

#[test]
fn composite_keys_and_table_level_constraints() {
    let sql = create(Dialect::Postgres, |t| {
        t.integer("a");
        t.integer("b");
        t.primary(["a", "b"]);
        t.unique(["b"]);
        t.foreign("a").references("other", "id").on_delete(ForeignAction::SetNull).on_update(ForeignAction::Restrict);
    });
    assert_eq!(
        sql,
        [
            r#"CREATE TABLE "t" ("a" INTEGER NOT NULL, "b" INTEGER NOT NULL, PRIMARY KEY ("a", "b"), CONSTRAINT "t_a_foreign" FOREIGN KEY ("a") REFERENCES "other" ("id") ON DELETE SET NULL ON UPDATE RESTRICT)"#,
            r#"CREATE UNIQUE INDEX "t_b_unique" ON "t" ("b")"#,
        ]
    );
}

#[test]
fn alter_adds_drops_renames_and_indexes() {
    let build = |t: &mut Blueprint| {
        t.string("phone", 20).nullable().unique();
        t.drop_column("fax");
        t.rename_column("mail", "email");
        t.index(["email"]);
        t.drop_unique(["nick"]);
        t.drop_index("t_old_index");
    };
    assert_eq!(
        alter(Dialect::Sqlite, build),
        [
            r#"ALTER TABLE "t" ADD COLUMN "phone" VARCHAR(20) NULL"#,
            r#"CREATE UNIQUE INDEX "t_phone_unique" ON "t" ("phone")"#,
            r#"ALTER TABLE "t" DROP COLUMN "fax""#,
            r#"ALTER TABLE "t" RENAME COLUMN "mail" TO "email""#,
            r#"CREATE INDEX "t_email_index" ON "t" ("email")"#,
            r#"DROP INDEX "t_nick_unique""#,
            r#"DROP INDEX "t_old_index""#,
        ]
    );
    assert_eq!(
        alter(Dialect::MySql, build),
        [
            "ALTER TABLE `t` ADD COLUMN `phone` VARCHAR(20) NULL",
            "CREATE UNIQUE INDEX `t_phone_unique` ON `t` (`phone`)",
            "ALTER TABLE `t` DROP COLUMN `fax`",
            "ALTER TABLE `t` RENAME COLUMN `mail` TO `email`",
            "CREATE INDEX `t_email_index` ON `t` (`email`)",
            "DROP INDEX `t_nick_unique` ON `t`",
            "DROP INDEX `t_old_index` ON `t`",
        ]
    );
}

#[test]
fn foreign_keys_on_existing_tables() {
    let add = |t: &mut Blueprint| {
        t.foreign_id("user_id").nullable().references("users", "id").on_delete(ForeignAction::Cascade);
    };
    assert_eq!(
        alter(Dialect::Sqlite, add),
        [
            r#"ALTER TABLE "t" ADD COLUMN "user_id" INTEGER NULL CONSTRAINT "t_user_id_foreign" REFERENCES "users" ("id") ON DELETE CASCADE"#
        ]
    );
    assert_eq!(
        alter(Dialect::Postgres, add),
        [
            r#"ALTER TABLE "t" ADD COLUMN "user_id" BIGINT NULL"#,
            r#"ALTER TABLE "t" ADD CONSTRAINT "t_user_id_foreign" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE"#,
        ]
    );
    let mut bp = Blueprint::new("t");
    bp.foreign("user_id").references("users", "id");
    assert!(matches!(schema_grammar_for(Dialect::Sqlite).compile_alter(&bp), Err(Error::Unsupported { .. })));
    assert_eq!(
        schema_grammar_for(Dialect::MySql).compile_alter(&bp).unwrap(),
        ["ALTER TABLE `t` ADD CONSTRAINT `t_user_id_foreign` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`)"]
    );
}

#[test]
fn drop_and_rename_tables() {
    for (d, drop, if_exists, rename) in [
        (Dialect::Sqlite, r#"DROP TABLE "t""#, r#"DROP TABLE IF EXISTS "t""#, r#"ALTER TABLE "t" RENAME TO "u""#),
        (Dialect::Postgres, r#"DROP TABLE "t""#, r#"DROP TABLE IF EXISTS "t""#, r#"ALTER TABLE "t" RENAME TO "u""#),
        (Dialect::MySql, "DROP TABLE `t`", "DROP TABLE IF EXISTS `t`", "ALTER TABLE `t` RENAME TO `u`"),
    ] {
        let g = schema_grammar_for(d);
        assert_eq!(g.compile_drop("t", false).unwrap(), drop);
        assert_eq!(g.compile_drop("t", true).unwrap(), if_exists);
        assert_eq!(g.compile_rename("t", "u").unwrap(), rename);
    }
}

#[test]
fn bad_names_and_impossible_tables_are_typed_errors() {
    for d in DIALECTS {
        let g = schema_grammar_for(d);
        let mut bp = Blueprint::new("users; DROP TABLE x");
        bp.integer("a");
        assert!(matches!(g.compile_create(&bp), Err(Error::InvalidIdentifier { .. })));
        let mut bp = Blueprint::new("t");
        bp.integer("a\"b");
        assert!(matches!(g.compile_create(&bp), Err(Error::InvalidIdentifier { .. })));
        assert!(
            matches!(
                g.compile_create(&Blueprint::new("t")),
                Err(Error::InvalidSchema { problem: SchemaProblem::NoColumns { .. } })
            ),
            "no columns"
        );
        let mut bp = Blueprint::new("t");
        bp.increments("a");
        bp.increments("b");
        assert!(
            matches!(
                g.compile_create(&bp),
                Err(Error::InvalidSchema { problem: SchemaProblem::TwoPrimaryKeys { .. } })
            ),
            "two primary keys"
        );
        let mut bp = Blueprint::new("t");
        bp.integer("a").references("", "id");
        let missing = g.compile_create(&bp);
        assert!(matches!(
            missing,
            Err(Error::InvalidSchema { problem: SchemaProblem::ForeignWithoutReferences { .. } })
        ));
        assert!(g.compile_drop("t t", false).is_err());
    }
}

#[test]
fn catalogue_queries_bind_the_names_they_look_for() {
    let hostile = "users'; DROP TABLE users; --";
    for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql] {
        let g = schema_grammar_for(dialect);
        let has = g.compile_has_table(hostile);
        assert!(!has.sql.contains(hostile), "{dialect:?}: {}", has.sql);
        assert_eq!(has.bindings, [crate::Value::from(hostile)]);
        let column = g.compile_has_column("t", hostile);
        assert_eq!(column.bindings, [crate::Value::from("t"), crate::Value::from(hostile)]);
        assert!(g.compile_list_tables().bindings.is_empty());
    }
}

#[test]
fn identifiers_are_quoted_in_one_place_for_both_grammars() {
    for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql] {
        let mut expected = String::from("DROP TABLE IF EXISTS ");
        dialect.quote_identifier(&mut expected, "odd\"name`");
        assert_eq!(schema_grammar_for(dialect).compile_drop_catalogued("odd\"name`"), expected);
        let mut query_side = String::new();
        crate::query::grammar_for(dialect).wrap(&mut query_side, "odd\"name`");
        assert!(expected.ends_with(&query_side), "{dialect:?}: the query grammar quotes the same way");
    }
}

#[test]
fn change_restates_a_column_per_dialect() {
    let change = |t: &mut Blueprint| {
        t.string("name", 100).nullable().default("n/a").change();
        t.enumeration("status", ["a", "b"]).change().unique();
    };
    assert_eq!(
        alter(Dialect::Postgres, change),
        [
            r#"ALTER TABLE "t" DROP CONSTRAINT IF EXISTS "t_name_check""#,
            r#"ALTER TABLE "t" ALTER COLUMN "name" DROP DEFAULT, ALTER COLUMN "name" TYPE VARCHAR(100) USING "name"::VARCHAR(100), ALTER COLUMN "name" DROP NOT NULL, ALTER COLUMN "name" SET DEFAULT 'n/a'"#,
            r#"ALTER TABLE "t" DROP CONSTRAINT IF EXISTS "t_status_check""#,
            r#"ALTER TABLE "t" ALTER COLUMN "status" DROP DEFAULT, ALTER COLUMN "status" TYPE VARCHAR(255) USING "status"::VARCHAR(255), ALTER COLUMN "status" SET NOT NULL"#,
            r#"ALTER TABLE "t" ADD CONSTRAINT "t_status_check" CHECK ("status" IN ('a', 'b'))"#,
            r#"CREATE UNIQUE INDEX "t_status_unique" ON "t" ("status")"#,
        ]
    );
    assert_eq!(
        alter(Dialect::MySql, change),
        [
            "ALTER TABLE `t` MODIFY `name` VARCHAR(100) NULL DEFAULT 'n/a'",
            "ALTER TABLE `t` MODIFY `status` VARCHAR(255) NOT NULL CHECK (`status` IN ('a', 'b'))",
            "CREATE UNIQUE INDEX `t_status_unique` ON `t` (`status`)",
        ]
    );
    let mut bp = Blueprint::new("t");
    bp.string("name", 5).change();
    assert!(matches!(schema_grammar_for(Dialect::Sqlite).compile_alter(&bp), Err(Error::Unsupported { .. })));
    assert!(matches!(
        schema_grammar_for(Dialect::Sqlite).compile_create(&bp),
        Err(Error::InvalidSchema { problem: crate::error::SchemaProblem::AlterInCreate { .. } })
    ));
    for d in DIALECTS {
        let mut bp = Blueprint::new("t");
        bp.big_increments("id").change();
        assert!(matches!(schema_grammar_for(d).compile_alter(&bp), Err(Error::Unsupported { .. })), "{d:?}");
    }
}

/// A column added to a blueprint, and its SQL on SQLite, PostgreSQL and MySQL.
type ColumnCase = (fn(&mut Blueprint), [&'static str; 3]);

#[test]
fn the_further_types_per_dialect() {
    let cases: [ColumnCase; 9] = [
        (|t| _ = t.char("c", 2), [r#""c" CHAR(2) NOT NULL"#, r#""c" CHAR(2) NOT NULL"#, "`c` CHAR(2) NOT NULL"]),
        (
            |t| _ = t.unsigned_tiny_integer("c"),
            [r#""c" INTEGER NOT NULL"#, r#""c" SMALLINT NOT NULL"#, "`c` TINYINT UNSIGNED NOT NULL"],
        ),
        (
            |t| _ = t.medium_integer("c"),
            [r#""c" INTEGER NOT NULL"#, r#""c" INTEGER NOT NULL"#, "`c` MEDIUMINT NOT NULL"],
        ),
        (|t| _ = t.long_text("c"), [r#""c" TEXT NOT NULL"#, r#""c" TEXT NOT NULL"#, "`c` LONGTEXT NOT NULL"]),
        (|t| _ = t.year("c"), [r#""c" INTEGER NOT NULL"#, r#""c" INTEGER NOT NULL"#, "`c` YEAR NOT NULL"]),
        (
            |t| _ = t.timestamp_tz("c").nullable(),
            [r#""c" DATETIME NULL"#, r#""c" TIMESTAMPTZ NULL"#, "`c` DATETIME(6) NULL"],
        ),
        (|t| _ = t.ulid("c"), [r#""c" CHAR(26) NOT NULL"#, r#""c" CHAR(26) NOT NULL"#, "`c` CHAR(26) NOT NULL"]),
        (
            |t| _ = t.ip_address("c"),
            [r#""c" VARCHAR(45) NOT NULL"#, r#""c" INET NOT NULL"#, "`c` VARCHAR(45) NOT NULL"],
        ),
        (
            |t| _ = t.mac_address("c"),
            [r#""c" VARCHAR(17) NOT NULL"#, r#""c" MACADDR NOT NULL"#, "`c` VARCHAR(17) NOT NULL"],
        ),
    ];
    for (f, expected) in cases {
        assert_eq!(column(f), expected);
    }
}

#[test]
fn generated_collated_commented_and_placed_columns() {
    assert_eq!(
        column(|t| _ = t.double("total").stored_as("qty * price")),
        [
            r#""total" DOUBLE GENERATED ALWAYS AS (qty * price) STORED NOT NULL"#,
            r#""total" DOUBLE PRECISION GENERATED ALWAYS AS (qty * price) STORED NOT NULL"#,
            "`total` DOUBLE GENERATED ALWAYS AS (qty * price) STORED",
        ]
    );
    let mut bp = Blueprint::new("t");
    bp.text("v").virtual_as("lower(name)");
    assert!(matches!(
        schema_grammar_for(Dialect::Postgres).column_sql(&bp.columns()[0]),
        Err(Error::Unsupported { .. })
    ));
    assert_eq!(
        column(|t| _ = t.string("code", 5).collation("utf8mb4_bin")),
        [
            r#""code" VARCHAR(5) COLLATE utf8mb4_bin NOT NULL"#,
            r#""code" VARCHAR(5) COLLATE "utf8mb4_bin" NOT NULL"#,
            "`code` VARCHAR(5) COLLATE utf8mb4_bin NOT NULL",
        ]
    );
    let mut bp = Blueprint::new("t");
    bp.string("code", 5).collation("C\" NOT NULL --");
    assert!(matches!(
        schema_grammar_for(Dialect::Postgres).column_sql(&bp.columns()[0]),
        Err(Error::InvalidIdentifier { kind: "collation", .. })
    ));
    let add = |t: &mut Blueprint| {
        t.string("nick", 20).nullable().comment("it's shown").after("name");
        t.timestamp("seen_at").nullable().use_current_on_update().first();
    };
    assert_eq!(
        alter(Dialect::MySql, add),
        [
            "ALTER TABLE `t` ADD COLUMN `nick` VARCHAR(20) NULL COMMENT 'it''s shown' AFTER `name`",
            "ALTER TABLE `t` ADD COLUMN `seen_at` DATETIME(6) NULL ON UPDATE CURRENT_TIMESTAMP(6) FIRST",
        ]
    );
    let comment = |t: &mut Blueprint| _ = t.string("nick", 20).comment("it's shown").after("name");
    assert_eq!(
        alter(Dialect::Postgres, comment),
        [
            r#"ALTER TABLE "t" ADD COLUMN "nick" VARCHAR(20) NOT NULL"#,
            r#"COMMENT ON COLUMN "t"."nick" IS 'it''s shown'"#
        ]
    );
    assert_eq!(alter(Dialect::Sqlite, comment), [r#"ALTER TABLE "t" ADD COLUMN "nick" VARCHAR(20) NOT NULL"#]);
    for d in [Dialect::Sqlite, Dialect::Postgres] {
        let mut bp = Blueprint::new("t");
        bp.timestamp("seen_at").use_current_on_update();
        assert!(matches!(schema_grammar_for(d).compile_alter(&bp), Err(Error::Unsupported { .. })), "{d:?}");
    }
    let mut bp = Blueprint::new("t");
    bp.morphs("owner");
    bp.remember_token();
    let names: Vec<&str> = bp.columns().iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["owner_type", "owner_id", "remember_token"]);
    assert!(
        matches!(&bp.commands()[0], crate::schema::Command::Index { name, .. } if name == "t_owner_type_owner_id_index")
    );
}

#[test]
fn fulltext_rename_index_and_drop_primary_per_dialect() {
    let change = |t: &mut Blueprint| {
        t.fulltext(["title", "body"]);
        t.rename_index("a", "b");
        t.drop_primary();
    };
    assert_eq!(
        alter(Dialect::Postgres, change),
        [
            r#"CREATE INDEX "t_title_body_fulltext" ON "t" USING gin ((to_tsvector('english', "title" || ' ' || "body")))"#,
            r#"ALTER INDEX "a" RENAME TO "b""#,
            r#"ALTER TABLE "t" DROP CONSTRAINT "t_pkey""#,
        ]
    );
    assert_eq!(
        alter(Dialect::MySql, change),
        [
            "CREATE FULLTEXT INDEX `t_title_body_fulltext` ON `t` (`title`, `body`)",
            "ALTER TABLE `t` RENAME INDEX `a` TO `b`",
            "ALTER TABLE `t` DROP PRIMARY KEY",
        ]
    );
    let mut bp = Blueprint::new("t");
    bp.fulltext(["title"]).name("t_search");
    assert!(matches!(schema_grammar_for(Dialect::Sqlite).compile_alter(&bp), Err(Error::Unsupported { .. })));
    assert_eq!(
        alter(Dialect::Postgres, |t| t.drop_primary_named("t_key")),
        [r#"ALTER TABLE "t" DROP CONSTRAINT "t_key""#]
    );
}
