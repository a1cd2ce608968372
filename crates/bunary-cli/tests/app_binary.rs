//! Rust migrations run through an application's own binary: `bunary_orm::cli::run` with
//! registered migrations, and `bunary --app "<command>"` forwarding to such a binary.

use std::sync::Arc;

use bunary_orm::migrations::Migration;
use bunary_orm::schema::Schema;
use bunary_orm::{Db, Result};

struct CreateWidgets;

#[async_trait::async_trait]
impl Migration for CreateWidgets {
    fn name(&self) -> &str {
        "20260101000000_create_widgets_table"
    }
    async fn up(&self, db: &Db) -> Result<()> {
        Schema::on(db)
            .create_table("widgets", |t| {
                t.id();
                t.string("label", 50);
            })
            .await
    }
    async fn down(&self, db: &Db) -> Result<()> {
        Schema::on(db).drop_table("widgets").await
    }
}

async fn cli(args: &[&str]) -> (u8, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let argv = std::iter::once("app").chain(args.iter().copied());
    let code = bunary_orm::cli::run(argv, vec![Arc::new(CreateWidgets)], &mut out, &mut err, false).await;
    (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registered_rust_migrations_run_with_the_sql_files() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("app.sqlite").display());
    let path = dir.path().join("migrations");
    std::fs::create_dir_all(&path).unwrap();
    std::fs::write(path.join("20260102000000_create_gadgets.up.sql"), "CREATE TABLE gadgets (id INTEGER);").unwrap();
    std::fs::write(path.join("20260102000000_create_gadgets.down.sql"), "DROP TABLE gadgets;").unwrap();
    let path = path.to_string_lossy().into_owned();
    let (code, out, err) = cli(&["migrate", "--database", &url, "--path", &path]).await;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("20260101000000_create_widgets_table") && out.contains("20260102000000_create_gadgets"),
        "{out}"
    );
    let (code, out, _) = cli(&["migrate:status", "--database", &url, "--path", &path]).await;
    assert_eq!(code, 0);
    assert_eq!(out.matches("[1] Ran").count(), 2, "{out}");
    let db = Db::connect_url(&url).unwrap();
    assert!(Schema::on(&db).has_table("widgets").await.unwrap());
    let (code, _, err) = cli(&["migrate:rollback", "--database", &url, "--path", &path]).await;
    assert_eq!(code, 0, "{err}");
    assert!(!Schema::on(&db).has_table("widgets").await.unwrap());
}

#[test]
fn bunary_forwards_to_an_application_binary_with_app() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("app.sqlite").display());
    let exe = env!("CARGO_BIN_EXE_bunary");
    // The "application" here is bunary itself; what matters is that the command line is
    // forwarded without --app and the exit code comes back.
    let status = std::process::Command::new(exe)
        .current_dir(dir.path())
        .args(["--app", exe, "migrate:status", "--database", "postgress://nowhere/db"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(1), "the forwarded command's failure comes back");
    assert!(String::from_utf8_lossy(&status.stderr).contains("postgress"));
    let rollback = std::process::Command::new(exe)
        .current_dir(dir.path())
        .args(["--app", exe, "migrate:rollback", "--database", &url])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(rollback.status.code(), Some(0), "nothing to roll back is not a failure");
    assert!(String::from_utf8_lossy(&rollback.stdout).contains("Nothing to rollback."));
    let ok = std::process::Command::new(exe)
        .current_dir(dir.path())
        .args(["migrate:status", "--app", exe, "--database", &url])
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(0));
}
