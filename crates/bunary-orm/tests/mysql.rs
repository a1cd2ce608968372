//! The conformance suite on MySQL/MariaDB, when `BUNARY_TEST_MYSQL_URL` is set
//! (`.ci/run` sets it). Each test runs in a database of its own.

mod conformance;

use bunary_orm::{Db, OrmConfig};
use conformance::{server_url, Harness};

async fn harness() -> Option<Harness> {
    let url = server_url("BUNARY_TEST_MYSQL_URL", "MySQL")?;
    let admin = Db::connect_url(&url).expect("a MySQL URL");
    let database = Harness::unique_name();
    admin
        .exec_batch(&format!("DROP DATABASE IF EXISTS {database}; CREATE DATABASE {database}"))
        .await
        .expect("create the test database");
    let mut config = OrmConfig::from_url(&url).unwrap().database;
    config.mysql.as_mut().unwrap().database = database.clone();
    config.mysql.as_mut().unwrap().pool_size = Some(4);
    let db = Db::connect(&config).expect("connect");
    Some(Harness::new(db, config, url).with_cleanup(admin, format!("DROP DATABASE IF EXISTS {database}")))
}

every_suite!(harness);
