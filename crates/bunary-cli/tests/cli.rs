//! The `bunary` binary end to end, in a temporary folder with a SQLite file database.

use std::path::Path;
use std::process::{Command, Output};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn bunary(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bunary"));
    cmd.current_dir(dir)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("APP_ENV")
        .env_remove("BUNARY_ENV")
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let Output { status, stdout, stderr } = cmd.output().expect("run bunary");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

fn db_env(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("app.sqlite").display())
}

fn migration_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn make_migrate_status_rollback_status() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_env(dir.path());
    let env = [("DATABASE_URL", url.as_str())];

    let made = bunary(dir.path(), &["migration:make", "create_users_table"], &env);
    assert_eq!(made.code, 0, "{}", made.stderr);
    assert!(made.stdout.contains("_create_users_table] created successfully."), "{}", made.stdout);
    let files = migration_files(dir.path());
    assert_eq!(files.len(), 2);
    assert!(files[0].ends_with("_create_users_table.down.sql") && files[1].ends_with("_create_users_table.up.sql"));
    let up = std::fs::read_to_string(dir.path().join("migrations").join(&files[1])).unwrap();
    assert!(up.contains(r#"CREATE TABLE "users""#), "{up}");

    let alias = bunary(dir.path(), &["make:migration", "add_phone_to_users"], &env);
    assert_eq!(alias.code, 0, "{}", alias.stderr);
    let phone = migration_files(dir.path()).into_iter().find(|f| f.ends_with("add_phone_to_users.up.sql")).unwrap();
    std::fs::write(dir.path().join("migrations").join(&phone), "ALTER TABLE users ADD COLUMN phone VARCHAR(20) NULL;")
        .unwrap();
    let phone_down = phone.replace(".up.sql", ".down.sql");
    std::fs::write(dir.path().join("migrations").join(phone_down), "ALTER TABLE users DROP COLUMN phone;").unwrap();

    let status = bunary(dir.path(), &["migrate:status"], &env);
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert_eq!(status.stdout.matches("Pending").count(), 2, "{}", status.stdout);

    let migrate = bunary(dir.path(), &["migrate"], &env);
    assert_eq!(migrate.code, 0, "{}", migrate.stderr);
    assert!(migrate.stdout.contains("Running migrations."), "{}", migrate.stdout);
    let done: Vec<&str> = migrate.stdout.lines().filter(|l| l.trim_end().ends_with("DONE")).collect();
    assert_eq!(done.len(), 2, "{}", migrate.stdout);
    assert!(done[0].contains("_create_users_table ....") && done[0].contains("ms DONE"), "{}", done[0]);

    let again = bunary(dir.path(), &["migrate"], &env);
    assert!(again.stdout.contains("Nothing to migrate."), "{}", again.stdout);

    let status = bunary(dir.path(), &["migrate:status"], &env);
    assert_eq!(status.stdout.matches("[1] Ran").count(), 2, "{}", status.stdout);

    let rollback = bunary(dir.path(), &["migrate:rollback"], &env);
    assert_eq!(rollback.code, 0, "{}", rollback.stderr);
    let order: Vec<&str> = rollback.stdout.lines().filter(|l| l.contains("DONE")).collect();
    assert!(
        order[0].contains("add_phone_to_users") && order[1].contains("create_users_table"),
        "newest first: {order:?}"
    );

    let status = bunary(dir.path(), &["migrate:status"], &env);
    assert_eq!(status.stdout.matches("Pending").count(), 2, "{}", status.stdout);

    let nothing = bunary(dir.path(), &["migrate:rollback"], &env);
    assert_eq!(nothing.code, 0, "as artisan: nothing to roll back is not a failure");
    assert!(nothing.stdout.contains("Nothing to rollback."), "{}", nothing.stdout);
}

#[test]
fn make_refuses_to_overwrite_and_bad_names() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(bunary(dir.path(), &["migration:make", "create_posts_table"], &[]).code, 0);
    let twice = bunary(dir.path(), &["migration:make", "create_posts_table"], &[]);
    assert_eq!(twice.code, 1);
    assert!(twice.stderr.contains("exists already"), "{}", twice.stderr);
    let bad = bunary(dir.path(), &["migration:make", "Create Posts"], &[]);
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("not a migration name"), "{}", bad.stderr);
    let rust = bunary(dir.path(), &["migration:make", "create_tags_table", "--rust"], &[]);
    assert_eq!(rust.code, 0, "{}", rust.stderr);
    assert!(migration_files(dir.path()).iter().any(|f| f.ends_with("_create_tags_table.rs")));
}

#[test]
fn a_failing_migration_exits_non_zero_with_its_name_and_the_database_message() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_env(dir.path());
    let migrations = dir.path().join("migrations");
    std::fs::create_dir_all(&migrations).unwrap();
    std::fs::write(migrations.join("20260101000000_create_a.up.sql"), "CREATE TABLE a (id INTEGER);").unwrap();
    std::fs::write(
        migrations.join("20260101000001_broken.up.sql"),
        "CREATE TABLE b (id INTEGER); INSERT INTO nope VALUES (1);",
    )
    .unwrap();
    let run = bunary(dir.path(), &["migrate", "--database", &url], &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("20260101000001_broken") && run.stderr.contains("no such table: nope"),
        "{}",
        run.stderr
    );
    let status = bunary(dir.path(), &["migrate:status", "--database", &url], &[]);
    assert_eq!(status.stdout.matches("Pending").count(), 2, "the whole run was rolled back: {}", status.stdout);
}

#[test]
fn pretend_prints_the_sql_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_env(dir.path());
    let env = [("DATABASE_URL", url.as_str())];
    bunary(dir.path(), &["migration:make", "create_users_table"], &env);
    let pretend = bunary(dir.path(), &["migrate", "--pretend"], &env);
    assert_eq!(pretend.code, 0, "{}", pretend.stderr);
    assert!(
        pretend.stdout.contains("PRETEND") && pretend.stdout.contains(r#"CREATE TABLE "users""#),
        "{}",
        pretend.stdout
    );
    let status = bunary(dir.path(), &["migrate:status"], &env);
    assert!(status.stdout.contains("Pending"), "{}", status.stdout);
}

#[test]
fn settings_come_from_bunary_toml_and_flags_win() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_env(dir.path());
    std::fs::write(
        dir.path().join("bunary.toml"),
        format!(
            "database_url = \"{url}\"\nmigrations_path = \"db/migrations\"\nmigrations_table = \"schema_history\"\n"
        ),
    )
    .unwrap();
    let made = bunary(dir.path(), &["migration:make", "create_users_table"], &[]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    assert!(dir.path().join("db/migrations").exists(), "the path from bunary.toml is used");
    let run = bunary(dir.path(), &["migrate"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let check = bunary(dir.path(), &["migrate:status", "--table", "other_table"], &[]);
    assert!(check.stdout.contains("Pending"), "--table wins over bunary.toml: {}", check.stdout);
    std::fs::write(dir.path().join("bunary.toml"), "database_url = 5\n").unwrap();
    let broken = bunary(dir.path(), &["migrate:status"], &[]);
    assert_eq!(broken.code, 1);
    assert!(broken.stderr.contains("bunary.toml"), "{}", broken.stderr);
}

#[test]
fn missing_database_production_guard_and_bad_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let none = bunary(dir.path(), &["migrate"], &[]);
    assert_eq!(none.code, 1);
    assert!(none.stderr.contains("no database"), "{}", none.stderr);
    let url = db_env(dir.path());
    let guarded = bunary(dir.path(), &["migrate:fresh", "--database", &url], &[("APP_ENV", "production")]);
    assert_eq!(guarded.code, 1);
    assert!(guarded.stderr.contains("--force"), "{}", guarded.stderr);
    let forced = bunary(dir.path(), &["migrate:fresh", "--force", "--database", &url], &[("APP_ENV", "production")]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    let bad = bunary(dir.path(), &["migrate:sideways"], &[]);
    assert_eq!(bad.code, 2);
    let bad_url = bunary(dir.path(), &["migrate", "--database", "nonsense"], &[]);
    assert_eq!(bad_url.code, 1);
    assert!(bad_url.stderr.contains("invalid database URL"), "{}", bad_url.stderr);
}

/// One `create_<t>` migration (up and down SQL files) per table, named in the tables' order
/// after any migration already there.
fn write_create_migrations(dir: &Path, tables: &[&str]) {
    let migrations = dir.join("migrations");
    std::fs::create_dir_all(&migrations).unwrap();
    let first = std::fs::read_dir(&migrations).unwrap().count() / 2;
    for (i, t) in tables.iter().enumerate() {
        let stem = format!("202601010000{:02}_create_{t}", first + i);
        std::fs::write(migrations.join(format!("{stem}.up.sql")), format!("CREATE TABLE {t} (id INTEGER);")).unwrap();
        std::fs::write(migrations.join(format!("{stem}.down.sql")), format!("DROP TABLE {t};")).unwrap();
    }
}

#[test]
fn step_reset_refresh_and_fresh() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_env(dir.path());
    let env = [("DATABASE_URL", url.as_str())];
    for table in ["a", "b", "c"] {
        write_create_migrations(dir.path(), &[table]);
        assert_eq!(bunary(dir.path(), &["migrate"], &env).code, 0);
    }
    let two = bunary(dir.path(), &["migrate:rollback", "--step", "2"], &env);
    assert_eq!(two.stdout.matches("DONE").count(), 2, "{}", two.stdout);
    let refresh = bunary(dir.path(), &["migrate:refresh"], &env);
    assert_eq!(refresh.code, 0, "{}", refresh.stderr);
    assert_eq!(refresh.stdout.matches("DONE").count(), 1 + 3, "{}", refresh.stdout);
    let fresh = bunary(dir.path(), &["migrate:fresh"], &env);
    assert_eq!(fresh.stdout.matches("DONE").count(), 3, "{}", fresh.stdout);
    let reset = bunary(dir.path(), &["migrate:reset"], &env);
    assert_eq!(reset.stdout.matches("DONE").count(), 3, "{}", reset.stdout);
    let status = bunary(dir.path(), &["migrate:status"], &env);
    assert_eq!(status.stdout.matches("Pending").count(), 3, "{}", status.stdout);
}

#[test]
fn rollback_step_counts_migrations_and_batch_picks_one_batch() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_env(dir.path());
    let env = [("DATABASE_URL", url.as_str())];
    write_create_migrations(dir.path(), &["a", "b", "c", "d", "e"]);
    let nothing = bunary(dir.path(), &["migrate:rollback"], &env);
    assert_eq!(nothing.code, 0, "{}", nothing.stderr);
    assert!(nothing.stdout.contains("Nothing to rollback."), "{}", nothing.stdout);
    // Five migrations in one batch: --step 2 rolls back two of them, not the batch.
    assert_eq!(bunary(dir.path(), &["migrate"], &env).code, 0);
    let two = bunary(dir.path(), &["migrate:rollback", "--step", "2"], &env);
    assert_eq!(two.code, 0, "{}", two.stderr);
    assert_eq!(two.stdout.matches("DONE").count(), 2, "{}", two.stdout);
    assert!(two.stdout.contains("create_e") && two.stdout.contains("create_d"), "{}", two.stdout);
    let status = bunary(dir.path(), &["migrate:status"], &env);
    assert_eq!(
        (status.stdout.matches("Ran").count(), status.stdout.matches("Pending").count()),
        (3, 2),
        "{}",
        status.stdout
    );
    // `migrate --step`: a batch per migration, so a plain rollback undoes one.
    assert_eq!(bunary(dir.path(), &["migrate", "--step"], &env).code, 0);
    let status = bunary(dir.path(), &["migrate:status"], &env);
    assert!(status.stdout.contains("[2]") && status.stdout.contains("[3]"), "{}", status.stdout);
    let one = bunary(dir.path(), &["migrate:rollback"], &env);
    assert_eq!(one.stdout.matches("DONE").count(), 1, "{}", one.stdout);
    // --batch N: that batch only.
    let first = bunary(dir.path(), &["migrate:rollback", "--batch", "1"], &env);
    assert_eq!(first.stdout.matches("DONE").count(), 3, "{}", first.stdout);
    let missing = bunary(dir.path(), &["migrate:rollback", "--batch", "1"], &env);
    assert_eq!(missing.code, 0, "{}", missing.stderr);
    assert!(missing.stdout.contains("Nothing to rollback."), "{}", missing.stdout);
    let last = bunary(dir.path(), &["migrate:rollback", "--step", "5"], &env);
    assert_eq!(last.stdout.matches("DONE").count(), 1, "{}", last.stdout);
    let reset = bunary(dir.path(), &["migrate:reset"], &env);
    assert_eq!(reset.code, 0, "{}", reset.stderr);
    assert!(reset.stdout.contains("Nothing to rollback."), "{}", reset.stdout);
    assert_ne!(bunary(dir.path(), &["migrate:rollback", "--step", "0"], &env).code, 0, "a step of 0 is refused");
}

#[test]
fn several_folders_changed_files_strict_and_accept() {
    let dir = tempfile::tempdir().unwrap();
    let env = [("DATABASE_URL", db_env(dir.path()))];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (app, billing) = (dir.path().join("migrations"), dir.path().join("billing"));
    for (folder, name, table) in [(&app, "20260101000001_a", "a"), (&billing, "20260101000002_b", "b")] {
        std::fs::create_dir_all(folder).unwrap();
        std::fs::write(folder.join(format!("{name}.up.sql")), format!("CREATE TABLE {table} (id INTEGER);")).unwrap();
        std::fs::write(folder.join(format!("{name}.down.sql")), format!("DROP TABLE {table};")).unwrap();
    }
    let both = ["--path", "migrations", "--path", "billing"];
    let migrate = bunary(dir.path(), &[&["migrate"][..], &both].concat(), &env);
    assert_eq!(migrate.code, 0, "{}", migrate.stderr);
    let done: Vec<&str> = migrate.stdout.lines().filter(|l| l.contains("DONE")).collect();
    assert!(done.len() == 2 && done[0].contains("_a ") && done[1].contains("_b "), "{}", migrate.stdout);
    // A file changed after it ran: marked, warned, refused with --strict, then accepted.
    std::fs::write(app.join("20260101000001_a.up.sql"), "CREATE TABLE a (id BIGINT);").unwrap();
    let status = bunary(dir.path(), &[&["migrate:status"][..], &both].concat(), &env);
    assert!(status.stdout.contains("Ran, changed since"), "{}", status.stdout);
    let strict = bunary(dir.path(), &[&["migrate", "--strict"][..], &both].concat(), &env);
    assert_ne!(strict.code, 0);
    assert!(strict.stderr.contains("changed since it ran"), "{}", strict.stderr);
    let lenient = bunary(dir.path(), &[&["migrate"][..], &both].concat(), &env);
    assert_eq!(lenient.code, 0, "{}", lenient.stderr);
    assert!(lenient.stdout.contains("CHANGED since it ran"), "{}", lenient.stdout);
    let accept = bunary(dir.path(), &[&["migrate:accept"][..], &both].concat(), &env);
    assert_eq!(accept.code, 0, "{}", accept.stderr);
    assert!(accept.stdout.contains("20260101000001_a") && accept.stdout.contains("ACCEPTED"), "{}", accept.stdout);
    let strict = bunary(dir.path(), &[&["migrate", "--strict"][..], &both].concat(), &env);
    assert_eq!(strict.code, 0, "{}", strict.stderr);
    assert!(strict.stdout.contains("Nothing to migrate."), "{}", strict.stdout);
}

#[test]
fn make_with_a_table_said_refresh_by_steps_and_when_each_ran() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_env(dir.path());
    let env = [("DATABASE_URL", url.as_str())];
    let made = bunary(dir.path(), &["make:migration", "initial_schema", "--create", "accounts"], &env);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let up = migration_files(dir.path()).into_iter().find(|f| f.ends_with(".up.sql")).unwrap();
    let sql = std::fs::read_to_string(dir.path().join("migrations").join(&up)).unwrap();
    assert!(sql.starts_with(r#"CREATE TABLE "accounts""#) && !sql.contains("\"name\""), "{sql}");
    let altered = bunary(dir.path(), &["make:migration", "tweaks", "--table", "accounts"], &env);
    assert_eq!(altered.code, 0, "{}", altered.stderr);
    let tweak = migration_files(dir.path()).into_iter().find(|f| f.ends_with("_tweaks.up.sql")).unwrap();
    std::fs::write(dir.path().join("migrations").join(&tweak), "ALTER TABLE accounts ADD COLUMN n INTEGER NULL;")
        .unwrap();
    std::fs::write(
        dir.path().join("migrations").join(tweak.replace(".up.sql", ".down.sql")),
        "ALTER TABLE accounts DROP COLUMN n;",
    )
    .unwrap();
    assert_eq!(bunary(dir.path(), &["migrate"], &env).code, 0);
    let status = bunary(dir.path(), &["migrate:status"], &env);
    let year = chrono::Datelike::year(&chrono::Utc::now());
    assert_eq!(status.stdout.matches(&format!("[1] Ran {year}-")).count(), 2, "{}", status.stdout);
    let refresh = bunary(dir.path(), &["migrate:refresh", "--step", "1"], &env);
    assert_eq!(refresh.code, 0, "{}", refresh.stderr);
    let done: Vec<&str> = refresh.stdout.lines().filter(|l| l.contains("DONE")).collect();
    assert!(done.len() == 2 && done.iter().all(|l| l.contains("_tweaks")), "only the last one: {}", refresh.stdout);
}

#[test]
fn a_missing_migrations_folder_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_env(dir.path());
    let env = [("DATABASE_URL", url.as_str())];
    for command in ["migrate", "migrate:status"] {
        let run = bunary(dir.path(), &[command, "--path", "db/migrations"], &env);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let expected = format!("No migrations folder at {}", dir.path().join("db/migrations").display());
        assert!(run.stdout.contains(&expected), "{command}: {}", run.stdout);
    }
}
