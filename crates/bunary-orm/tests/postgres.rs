//! The conformance suite on PostgreSQL, when `BUNARY_TEST_POSTGRES_URL` is set
//! (`.ci/run` sets it). Each test runs in a schema of its own.

mod conformance;

use bunary_orm::{Db, OrmConfig};
use conformance::{server_url, Harness};

async fn harness() -> Option<Harness> {
    let url = server_url("BUNARY_TEST_POSTGRES_URL", "PostgreSQL")?;
    let admin = Db::connect_url(&url).expect("a PostgreSQL URL");
    let schema = Harness::unique_name();
    admin
        .exec_batch(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"))
        .await
        .expect("create the test schema");
    let mut config = OrmConfig::from_url(&url).unwrap().database;
    config.postgres.as_mut().unwrap().schema = Some(schema.clone());
    config.postgres.as_mut().unwrap().pool_size = Some(4);
    let db = Db::connect(&config).expect("connect");
    Some(Harness::new(db, config, url).with_cleanup(admin, format!("DROP SCHEMA IF EXISTS {schema} CASCADE")))
}

every_suite!(harness);
