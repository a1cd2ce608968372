//! The global configuration, the driver registry and the driver cache. They are process-wide,
//! so the tests in this file take one lock and never run at the same time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bunary_orm::driver::sqlite::SqliteDriver;
use bunary_orm::{
    clear_orm_config, close_driver, create_driver, define_orm_config, get_driver, get_orm_config, known_drivers,
    register_driver, reset_driver, set_orm_config, unregister_driver, DatabaseConfig, DatabaseDriver, Error, OrmConfig,
    Result,
};
use tokio::sync::Mutex;

static GLOBAL: Mutex<()> = Mutex::const_new(());

#[tokio::test]
async fn config_set_overwrite_clear_and_missing() {
    let _lock = GLOBAL.lock().await;
    clear_orm_config();
    let missing = get_orm_config().unwrap_err();
    assert!(matches!(missing, Error::ConfigMissing));
    assert!(missing.to_string().contains("set_orm_config"), "the message says how to set one: {missing}");

    set_orm_config(OrmConfig::sqlite("./first.sqlite"));
    assert_eq!(get_orm_config().unwrap().database, DatabaseConfig::sqlite("./first.sqlite"));
    set_orm_config(OrmConfig::sqlite(":memory:"));
    assert_eq!(get_orm_config().unwrap().database, DatabaseConfig::sqlite(":memory:"));
    clear_orm_config();
    assert!(matches!(get_orm_config(), Err(Error::ConfigMissing)));
    assert!(matches!(get_driver().await, Err(Error::ConfigMissing)));
}

#[tokio::test]
async fn define_orm_config_validates_and_sets_the_global_configuration() {
    let _lock = GLOBAL.lock().await;
    clear_orm_config();
    let defined = define_orm_config(OrmConfig::sqlite("./defined.sqlite")).unwrap();
    assert_eq!(defined.database, DatabaseConfig::sqlite("./defined.sqlite"));
    assert_eq!(get_orm_config().unwrap().database, DatabaseConfig::sqlite("./defined.sqlite"));
    // An invalid one is refused and changes nothing.
    assert!(matches!(
        define_orm_config(OrmConfig::sqlite(" ")),
        Err(Error::InvalidConfig { problem: bunary_orm::ConfigProblem::EmptySqlitePath })
    ));
    assert_eq!(get_orm_config().unwrap().database, DatabaseConfig::sqlite("./defined.sqlite"));
    clear_orm_config();
}

#[tokio::test]
async fn from_env_reads_database_url() {
    let _lock = GLOBAL.lock().await;
    // SAFETY of set_var: the lock keeps the other tests of this file (the only ones reading the
    // environment) from running meanwhile.
    unsafe { std::env::set_var("DATABASE_URL", "sqlite://./from-env.sqlite") };
    assert_eq!(OrmConfig::from_env().unwrap(), OrmConfig::sqlite("./from-env.sqlite"));
    unsafe { std::env::remove_var("DATABASE_URL") };
    assert!(matches!(OrmConfig::from_env(), Err(Error::ConfigMissing)));
}

#[tokio::test]
async fn cache_returns_the_same_instance_until_the_config_changes() -> Result<()> {
    let _lock = GLOBAL.lock().await;
    reset_driver();
    set_orm_config(OrmConfig::sqlite(":memory:"));
    let a = get_driver().await?;
    let b = get_driver().await?;
    assert!(a.same(&b), "same config, same driver");
    a.exec("CREATE TABLE t (n INTEGER)", &[]).await?;
    // An equal config set again is no change.
    set_orm_config(OrmConfig::sqlite(":memory:"));
    assert!(get_driver().await?.same(&a));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.sqlite").to_string_lossy().into_owned();
    set_orm_config(OrmConfig::sqlite(&path));
    let c = get_driver().await?;
    assert!(!c.same(&a), "a changed config builds a new driver");
    assert!(matches!(a.query("SELECT 1", &[]).await, Err(Error::DriverClosed { .. })), "the old one is closed");
    close_driver().await?;
    clear_orm_config();
    Ok(())
}

#[tokio::test]
async fn close_and_reset_semantics() -> Result<()> {
    let _lock = GLOBAL.lock().await;
    close_driver().await?; // nothing cached: fine
    set_orm_config(OrmConfig::sqlite(":memory:"));
    let first = get_driver().await?;
    first.exec("CREATE TABLE t (n INTEGER)", &[]).await?;

    reset_driver();
    let second = get_driver().await?;
    assert!(!second.same(&first), "after reset a new driver is built");
    first.exec("INSERT INTO t (n) VALUES (1)", &[]).await?; // the old handle still works
    assert_eq!(first.query("SELECT n FROM t", &[]).await?.len(), 1);

    close_driver().await?;
    close_driver().await?; // twice: fine
    assert!(matches!(second.query("SELECT 1", &[]).await, Err(Error::DriverClosed { .. })));
    assert!(first.query("SELECT 1", &[]).await.is_ok(), "reset, not closed");
    let third = get_driver().await?;
    assert!(!third.same(&second));
    close_driver().await?;
    clear_orm_config();
    Ok(())
}

#[tokio::test]
async fn cache_is_thread_safe() -> Result<()> {
    let _lock = GLOBAL.lock().await;
    reset_driver();
    set_orm_config(OrmConfig::sqlite(":memory:"));
    let first = get_driver().await?;
    let handles: Vec<_> = (0..8).map(|_| tokio::spawn(async { get_driver().await })).collect();
    for h in handles {
        assert!(h.await.unwrap()?.same(&first));
    }
    close_driver().await?;
    clear_orm_config();
    Ok(())
}

fn counting_sqlite(counter: &'static AtomicUsize) -> impl Fn(&DatabaseConfig) -> Result<Arc<dyn DatabaseDriver>> {
    move |_config| {
        counter.fetch_add(1, Ordering::SeqCst);
        Ok(Arc::new(SqliteDriver::open(&DatabaseConfig::sqlite(":memory:"))?) as Arc<dyn DatabaseDriver>)
    }
}

#[tokio::test]
async fn a_registered_factory_overrides_the_built_in_sqlite() -> Result<()> {
    let _lock = GLOBAL.lock().await;
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    register_driver("sqlite", counting_sqlite(&CALLS));
    let before = CALLS.load(Ordering::SeqCst);
    // The path would fail to open with the built-in driver; the override ignores it.
    let driver = create_driver(&DatabaseConfig::sqlite("/nonexistent-dir/x.sqlite"));
    assert!(unregister_driver("sqlite"));
    assert!(driver.is_ok());
    assert_eq!(CALLS.load(Ordering::SeqCst), before + 1);
    // Back to the built-in one.
    assert!(create_driver(&DatabaseConfig::sqlite("/nonexistent-dir/x.sqlite")).is_err());
    Ok(())
}

#[tokio::test]
async fn two_custom_types_and_an_unknown_one() -> Result<()> {
    let _lock = GLOBAL.lock().await;
    static ALPHA: AtomicUsize = AtomicUsize::new(0);
    static BETA: AtomicUsize = AtomicUsize::new(0);
    register_driver("alpha", counting_sqlite(&ALPHA));
    register_driver("beta", counting_sqlite(&BETA));
    create_driver(&DatabaseConfig::custom("alpha", Default::default()))?;
    create_driver(&DatabaseConfig::custom("beta", Default::default()))?;
    create_driver(&DatabaseConfig::custom("beta", Default::default()))?;
    assert_eq!((ALPHA.load(Ordering::SeqCst), BETA.load(Ordering::SeqCst)), (1, 2));
    let known = known_drivers();
    assert!(
        known.contains(&"alpha".to_owned())
            && known.contains(&"beta".to_owned())
            && known.contains(&"sqlite".to_owned())
    );

    // Through the global config and URL too.
    set_orm_config(OrmConfig::from_url("alpha://anything")?);
    let db = get_driver().await?;
    assert_eq!(ALPHA.load(Ordering::SeqCst), 2);
    db.exec("CREATE TABLE t (n INTEGER)", &[]).await?;
    close_driver().await?;
    clear_orm_config();

    let err = create_driver(&DatabaseConfig::custom("gamma", Default::default())).err().unwrap();
    match &err {
        Error::UnknownDriver { name, known, suggestion } => {
            assert_eq!(name, "gamma");
            assert!(known.contains(&"sqlite".to_owned()));
            assert_eq!(suggestion, &None);
        }
        other => panic!("expected UnknownDriver, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("register_driver") && message.contains("alpha"), "{message}");
    unregister_driver("alpha");
    unregister_driver("beta");
    // A typo in a URL's scheme suggests the driver, instead of only `register_driver`.
    let typo = create_driver(&OrmConfig::from_url("postgress://app@localhost/shop")?.database).err().unwrap();
    assert!(matches!(&typo, Error::UnknownDriver { suggestion: Some(s), .. } if s == "postgres"), "{typo:?}");
    assert!(typo.to_string().contains("did you mean `postgres`?"), "{typo}");
    Ok(())
}

#[tokio::test]
async fn named_connections_are_cached_and_separate() -> Result<()> {
    use bunary_orm::{get_connection, record, Model};
    let _lock = GLOBAL.lock().await;
    reset_driver();
    let dir = tempfile::tempdir().unwrap();
    let analytics_path = dir.path().join("analytics.sqlite").to_string_lossy().into_owned();
    set_orm_config(OrmConfig::sqlite(":memory:").with_connection("analytics", DatabaseConfig::sqlite(&analytics_path)));
    let main = get_driver().await?;
    let analytics = get_connection("analytics").await?;
    assert!(analytics.same(&get_connection("analytics").await?), "cached");
    assert!(!analytics.same(&main));
    assert!(get_connection("default").await?.same(&main), "`default` is the main database");
    analytics.exec("CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT)", &[]).await?;
    Model::on("analytics").table("events").insert(record! { "kind" => "click" }).await?;
    assert_eq!(Model::on("analytics").table("events").count().await?, 1);
    assert!(Model::table("events").count().await.is_err(), "the main database has no such table");
    let unknown = get_connection("reporting").await.unwrap_err();
    assert!(
        matches!(&unknown, Error::UnknownConnection { name, looks_like_url: false, known } if name == "reporting" && known.contains(&"analytics".to_owned())),
        "{unknown:?}"
    );
    // A URL where a connection name goes (an easy slip with Model::on) says so, password hidden.
    let url = Model::on("postgres://app:s3cret@db/shop").table("events").count().await.unwrap_err();
    assert!(matches!(&url, Error::UnknownConnection { looks_like_url: true, .. }), "{url:?}");
    assert!(url.to_string().contains("Db::connect_url") && !url.to_string().contains("s3cret"), "{url}");
    close_driver().await?;
    assert!(matches!(analytics.query("SELECT 1", &[]).await, Err(Error::DriverClosed { .. })), "closed with the rest");
    clear_orm_config();
    Ok(())
}
