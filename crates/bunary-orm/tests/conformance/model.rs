//! Typed models (`#[derive(Model)]`) against a real database. Each test has a database (or
//! schema) of its own, so the tables have fixed names.

use bunary_orm::prelude::*;
use bunary_orm::{Connection, Dialect, Json, QueryProblem};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Harness;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    #[default]
    Member,
    Admin,
}

impl From<Role> for Value {
    fn from(role: Role) -> Value {
        Value::from(match role {
            Role::Member => "member",
            Role::Admin => "admin",
        })
    }
}

impl FromValue for Role {
    fn from_value(value: &Value) -> std::result::Result<Self, bunary_orm::value::DecodeError> {
        match String::from_value(value)?.as_str() {
            "member" => Ok(Role::Member),
            "admin" => Ok(Role::Admin),
            other => Err(bunary_orm::value::DecodeError { expected: "Role", found: other.to_owned() }),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Prefs {
    pub theme: String,
    pub tags: Vec<String>,
}

#[derive(Model, Debug, Clone, Default, PartialEq)]
#[orm(table = "m_users", soft_deletes, fillable("name", "email", "active", "role", "prefs", "password"))]
pub struct User {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub active: bool,
    pub role: Role,
    pub prefs: Json<Prefs>,
    #[orm(hidden)]
    pub password: String,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<NaiveDateTime>,
    pub deleted_at: Option<DateTime<Utc>>,
    #[orm(skip)]
    pub scratch: u32,
    pub state: ModelState,
}

impl User {
    /// A local scope: a plain function.
    pub fn active(q: ModelQuery<User>) -> ModelQuery<User> {
        q.where_("active", true)
    }
}

#[derive(Model, Debug, Clone, Default)]
#[orm(table = "m_tokens", timestamps = false)]
pub struct Token {
    pub id: uuid::Uuid,
    pub label: String,
    pub state: ModelState,
}

async fn tables(h: &Harness) -> Result<()> {
    let (dt, id, uuid) = match h.dialect() {
        Dialect::Sqlite => ("DATETIME", "INTEGER PRIMARY KEY AUTOINCREMENT", "UUID"),
        Dialect::Postgres => ("TIMESTAMP", "BIGSERIAL PRIMARY KEY", "UUID"),
        Dialect::MySql => ("DATETIME(6)", "BIGINT AUTO_INCREMENT PRIMARY KEY", "CHAR(36)"),
    };
    let json = if h.dialect() == Dialect::Postgres { "JSONB" } else { "JSON" };
    h.db.exec(
        &format!(
            "CREATE TABLE m_users (id {id}, name VARCHAR(100) NOT NULL, email VARCHAR(100) NOT NULL UNIQUE, \
             active BOOLEAN NOT NULL, role VARCHAR(20) NOT NULL, prefs {json} NOT NULL, password VARCHAR(100) NOT NULL, \
             created_at {dt} NULL, updated_at {dt} NULL, deleted_at {dt} NULL)"
        ),
        &[],
    )
    .await?;
    h.db.exec(&format!("CREATE TABLE m_tokens (id {uuid} PRIMARY KEY, label VARCHAR(50) NOT NULL)"), &[]).await?;
    Ok(())
}

fn alice(h: &Harness) -> User {
    User {
        name: "Alice".into(),
        email: "alice@example.com".into(),
        active: true,
        role: Role::Admin,
        prefs: Json(Prefs { theme: "dark".into(), tags: vec!["a".into()] }),
        password: "s3cret-hash".into(),
        state: ModelState::on(&h.db),
        ..Default::default()
    }
}

fn bob(h: &Harness) -> User {
    User { name: "Bob".into(), email: "bob@example.com".into(), state: ModelState::on(&h.db), ..Default::default() }
}

pub async fn save_inserts_then_find_loads_every_cast(h: &Harness) -> Result<()> {
    tables(h).await?;
    let mut user = alice(h);
    assert!(!user.exists());
    user.save().await?;
    assert!(user.exists());
    assert_eq!(user.id, 1, "the generated key is read back");
    let found = User::on(&h.db).find(1).await?.expect("user 1");
    assert_eq!(found.name, "Alice");
    assert!(found.active);
    assert_eq!(found.role, Role::Admin);
    assert_eq!(found.prefs.0.tags, ["a"]);
    assert_eq!(found.password, "s3cret-hash", "hidden fields are loaded into the struct");
    assert_eq!(found.created_at, user.created_at);
    assert!(User::on(&h.db).find(999).await?.is_none());
    let missing = User::on(&h.db).find(999).await;
    assert!(matches!(missing, Ok(None)));
    Ok(())
}

pub async fn find_or_fail_is_a_typed_not_found(h: &Harness) -> Result<()> {
    tables(h).await?;
    match User::on(&h.db).find_or_fail(42).await {
        Err(e @ Error::ModelNotFound { model: "User", .. }) => {
            assert!(matches!(&e, Error::ModelNotFound { key: Some(key), .. } if key == "42"), "{e:?}");
            assert_eq!(e.to_string(), "no User with key 42");
        }
        other => panic!("expected ModelNotFound, got {other:?}"),
    }
    // first_or_fail on a model query names the model, as find_or_fail does.
    match User::on(&h.db).where_("id", 42).first_or_fail().await {
        Err(e @ Error::ModelNotFound { model: "User", key: None }) => {
            assert_eq!(e.to_string(), "no User matches the query")
        }
        other => panic!("expected ModelNotFound, got {other:?}"),
    }
    // A dynamic query's is NotFound.
    let table = User::on(&h.db).get_query().query().table.clone().unwrap().name;
    match h.db.table(table.as_str()).where_("id", 42).first_or_fail().await {
        Err(Error::NotFound { .. }) => {}
        other => panic!("expected NotFound, got {other:?}"),
    }
    let mut user = alice(h);
    user.save().await?;
    assert_eq!(User::on(&h.db).find_or_fail(user.id).await?.email, "alice@example.com");
    Ok(())
}

pub async fn save_updates_only_dirty_columns(h: &Harness) -> Result<()> {
    tables(h).await?;
    let mut user = alice(h);
    user.save().await?;
    assert!(!user.is_dirty());
    // Someone else changes the email behind this model's back.
    h.db.table("m_users").where_("id", user.id).update(record! { "email" => "changed@example.com" }).await?;
    user.name = "Alice B.".into();
    assert!(user.is_dirty());
    let dirty = user.get_dirty();
    assert_eq!(dirty.columns().collect::<Vec<_>>(), ["name"]);
    assert!(user.get_changes().is_empty() && !user.was_changed(), "an insert records no changes");
    user.save().await?;
    assert!(user.is_clean() && user.was_changed());
    let changes = user.get_changes();
    assert_eq!(changes.columns().collect::<Vec<_>>(), ["name", "updated_at"], "what the update wrote");
    assert_eq!(changes.get("name"), Some(&Value::from("Alice B.")));
    let fresh = User::on(&h.db).find(user.id).await?.unwrap();
    assert_eq!(fresh.name, "Alice B.");
    assert_eq!(fresh.email, "changed@example.com", "an untouched column is not written back");
    user.refresh().await?;
    assert_eq!(user.email, "changed@example.com");
    assert!(!user.is_dirty());
    assert!(!user.was_changed(), "a load records no changes");
    Ok(())
}

pub async fn models_loaded_together_track_changes_apart(h: &Harness) -> Result<()> {
    tables(h).await?;
    for (name, email) in [("Ann", "ann@example.com"), ("Bob", "bob@example.com"), ("Cy", "cy@example.com")] {
        let mut user = User { name: name.into(), email: email.into(), ..alice(h) };
        user.save().await?;
    }
    let mut users = User::on(&h.db).order_by("id", bunary_orm::Direction::Asc).get().await?;
    assert_eq!(users.len(), 3);
    assert!(users.iter().all(|u| u.exists() && !u.is_dirty()));

    // One model of the result changes; the others stay clean and save nothing.
    users[1].name = "Robert".into();
    assert!(users[1].is_dirty());
    assert!(!users[0].is_dirty() && !users[2].is_dirty());
    let mut copy = users[1].clone();
    users[1].save().await?;
    assert!(!users[1].is_dirty());
    // The clone was taken before the save: it still differs from what it was loaded with.
    assert!(copy.is_dirty());
    copy.email = "robert@example.com".into();
    copy.save().await?;
    let fresh = User::on(&h.db).find_or_fail(copy.id).await?;
    assert_eq!((fresh.name.as_str(), fresh.email.as_str()), ("Robert", "robert@example.com"));

    // A changed key still finds the row it was loaded from.
    let old_id = users[2].id;
    users[2].id = old_id + 100;
    users[2].save().await?;
    assert!(User::on(&h.db).find(old_id).await?.is_none());
    assert_eq!(User::on(&h.db).find_or_fail(old_id + 100).await?.name, "Cy");
    assert_eq!(User::on(&h.db).count().await?, 3);

    // Deleting one model of the result leaves the others in the database.
    users[0].force_delete().await?;
    assert!(!users[0].exists());
    assert!(users[1].exists());
    assert_eq!(User::on(&h.db).count().await?, 2);
    Ok(())
}

/// Integers and floats of every width, bytes and nulls, through a typed load (all rows and by
/// key) and a save.
#[derive(Model, Debug, Clone, Default, PartialEq)]
#[orm(table = "m_measures", timestamps = false)]
pub struct Measure {
    pub id: i64,
    pub small: i16,
    pub medium: i32,
    pub ratio: f32,
    pub score: f64,
    pub data: Vec<u8>,
    pub note: Option<String>,
    pub count: Option<i32>,
    pub state: ModelState,
}

pub async fn numbers_of_every_width_bytes_and_nulls_load_into_their_fields(h: &Harness) -> Result<()> {
    let (id, real, double, bytes) = match h.dialect() {
        Dialect::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", "REAL", "REAL", "BLOB"),
        Dialect::Postgres => ("BIGSERIAL PRIMARY KEY", "REAL", "DOUBLE PRECISION", "BYTEA"),
        Dialect::MySql => ("BIGINT AUTO_INCREMENT PRIMARY KEY", "FLOAT", "DOUBLE", "BLOB"),
    };
    h.db.exec(
        &format!(
            "CREATE TABLE m_measures (id {id}, small SMALLINT NOT NULL, medium INTEGER NOT NULL, \
             ratio {real} NOT NULL, score {double} NOT NULL, data {bytes} NOT NULL, note VARCHAR(50) NULL, \
             count INTEGER NULL)"
        ),
        &[],
    )
    .await?;
    let first = Measure {
        small: i16::MIN,
        medium: i32::MAX,
        ratio: 1.5,
        score: -2.25e-3,
        data: vec![0, 159, 146, 150, 255],
        note: Some("héllo".into()),
        count: Some(-7),
        ..Measure::default()
    };
    let second = Measure { small: 12, medium: -40, ratio: -0.25, score: 1e10, data: Vec::new(), ..Measure::default() };
    for measure in [&first, &second] {
        let mut measure = Measure { state: ModelState::on(&h.db), ..measure.clone() };
        measure.save().await?;
    }
    let loaded = Measure::on(&h.db).order_by("id", bunary_orm::Direction::Asc).get().await?;
    assert_eq!(loaded.len(), 2);
    for (got, want) in loaded.iter().zip([&first, &second]) {
        assert_eq!(Measure { id: 0, state: ModelState::default(), ..got.clone() }, *want);
        assert!(got.exists() && !got.is_dirty());
    }
    // The same model read through another column list (reordered) gets its own layout.
    let reordered = Measure::on(&h.db)
        .select(["count", "note", "data", "score", "ratio", "medium", "small", "id"])
        .order_by("id", bunary_orm::Direction::Asc)
        .get()
        .await?;
    assert_eq!(reordered, loaded);
    assert_eq!(Measure::on(&h.db).order_by("id", bunary_orm::Direction::Asc).get().await?, loaded);
    let mut found = Measure::on(&h.db).find_or_fail(loaded[0].id).await?;
    assert_eq!(found, loaded[0]);
    found.count = None;
    found.save().await?;
    assert_eq!(Measure::on(&h.db).find_or_fail(found.id).await?.count, None);
    Ok(())
}

pub async fn timestamps_are_set_and_advance(h: &Harness) -> Result<()> {
    tables(h).await?;
    let before = bunary_orm::model::now();
    let mut user = alice(h);
    user.save().await?;
    let created = user.created_at.expect("created_at set");
    let updated = user.updated_at.expect("updated_at set");
    assert!(created >= before);
    assert_eq!(created.naive_utc(), updated);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    user.active = false;
    user.save().await?;
    let fresh = User::on(&h.db).find(user.id).await?.unwrap();
    assert_eq!(fresh.created_at, Some(created), "created_at stays");
    assert!(fresh.updated_at.unwrap() > updated, "updated_at advances");
    Ok(())
}

pub async fn hidden_fields_stay_out_of_json_and_rows(h: &Harness) -> Result<()> {
    tables(h).await?;
    let mut user = alice(h);
    user.save().await?;
    let json = serde_json::to_value(&user).unwrap();
    assert!(json.get("password").is_none(), "{json}");
    assert!(json.get("state").is_none() && json.get("scratch").is_none());
    assert_eq!(json["name"], "Alice");
    assert_eq!(json["prefs"]["theme"], "dark");
    let rows = User::on(&h.db).select(["id", "password"]).rows().await?;
    assert_eq!(rows[0].columns(), ["id"], "hidden even when selected");
    assert!(User::on(&h.db).pluck::<String>("password").await.is_err());
    Ok(())
}

pub async fn uuid_keys_are_generated_as_v7_and_kept(h: &Harness) -> Result<()> {
    tables(h).await?;
    let mut generated = Token { label: "generated".into(), state: ModelState::on(&h.db), ..Default::default() };
    generated.save().await?;
    assert!(!generated.id.is_nil());
    assert_eq!(generated.id.get_version_num(), 7);
    let given = uuid::Uuid::now_v7();
    let mut kept = Token { id: given, label: "given".into(), state: ModelState::on(&h.db) };
    kept.save().await?;
    assert_eq!(kept.id, given);
    let found = Token::on(&h.db).find(given).await?.unwrap();
    assert_eq!(found.label, "given");
    assert_eq!(Token::on(&h.db).find(generated.id).await?.unwrap().label, "generated");
    Ok(())
}

pub async fn soft_deletes_hide_restore_and_force_delete(h: &Harness) -> Result<()> {
    tables(h).await?;
    let mut user = alice(h);
    user.save().await?;
    let mut bob = bob(h);
    bob.save().await?;
    user.delete().await?;
    assert!(user.trashed());
    assert_eq!(User::on(&h.db).count().await?, 1, "trashed rows are left out");
    assert!(User::on(&h.db).find(user.id).await?.is_none());
    assert!(User::on(&h.db).with_trashed().find(user.id).await?.is_some(), "each scope has its own statement");
    assert!(User::on(&h.db).only_trashed().find(user.id).await?.is_some());
    assert!(User::on(&h.db).find(user.id).await?.is_none());
    assert_eq!(User::on(&h.db).with_trashed().count().await?, 2);
    let trashed: Vec<User> = User::on(&h.db).only_trashed().get().await?;
    assert_eq!(trashed.len(), 1);
    assert_eq!(trashed[0].name, "Alice");
    user.restore().await?;
    assert!(!user.trashed());
    assert_eq!(User::on(&h.db).count().await?, 2);
    // A builder delete on a soft-deleting model soft deletes too.
    assert_eq!(User::on(&h.db).where_("name", "Bob").delete().await?, 1);
    assert_eq!(User::on(&h.db).only_trashed().count().await?, 1);
    assert_eq!(User::on(&h.db).only_trashed().restore().await?, 1);
    user.force_delete().await?;
    assert!(!user.exists());
    assert_eq!(User::on(&h.db).with_trashed().count().await?, 1);
    assert_eq!(h.db.table("m_users").count().await?, 1, "the row is gone for good");
    Ok(())
}

/// The model query (Eloquent's builder over the query builder): its soft-delete scope holds
/// whatever the caller's conditions say, on every read and write; its updates set `updated_at`.
pub async fn model_queries_keep_their_scope_and_touch_updated_at(h: &Harness) -> Result<()> {
    use futures_util::TryStreamExt;
    tables(h).await?;
    let mut alice = alice(h);
    alice.save().await?;
    let mut bob = bob(h);
    bob.save().await?;
    alice.delete().await?;

    // An `or_where` cannot reach the trashed row, on any read.
    let either = || User::on(&h.db).where_("name", "Alice").or_where("name", "Bob");
    let names = |users: Vec<User>| users.into_iter().map(|u| u.name).collect::<Vec<_>>();
    assert_eq!(names(either().get().await?), ["Bob"]);
    assert_eq!(either().count().await?, 1);
    assert_eq!(either().pluck::<String>("name").await?, ["Bob"]);
    assert_eq!(names(either().paginate(PerPage(10), Page(1)).await?.data), ["Bob"]);
    assert_eq!(names(either().cursor(1).try_collect().await?), ["Bob"]);
    let mut chunked = Vec::new();
    either()
        .chunk(1, |users| {
            chunked.extend(users.into_iter().map(|u| u.name));
            async { Ok(true) }
        })
        .await?;
    assert_eq!(chunked, ["Bob"]);
    assert!(either().where_("name", "Alice").doesnt_exist().await?);
    assert!(either().find(alice.id).await?.is_none(), "a find on a filtered query keeps the scope");
    let grouped = User::on(&h.db).where_group(|q| q.where_("name", "Alice").or_where("active", false));
    assert_eq!(names(grouped.get().await?), ["Bob"]);
    assert_eq!(names(either().with_trashed().oldest_by("id").get().await?), ["Alice", "Bob"]);
    assert_eq!(names(either().only_trashed().get().await?), ["Alice"]);
    assert_eq!(either().to_base().count().await?, 1, "to_base keeps the scope");
    assert_eq!(either().get_query().count().await?, 2, "get_query is the builder without it");

    // Loaded models save back where they came from, and only what changed.
    let mut loaded = either().first_or_fail().await?;
    assert!(loaded.exists() && !loaded.is_dirty());
    loaded.active = true;
    loaded.save().await?;
    assert!(User::on(&h.db).find(bob.id).await?.unwrap().active);

    // Updates through the model query set updated_at; writes keep the scope too.
    let old = NaiveDateTime::parse_from_str("2000-01-01 00:00:00", "%Y-%m-%d %H:%M:%S").unwrap();
    let stamped = || async {
        Ok::<_, Error>(h.db.table("m_users").where_("name", "Bob").value::<NaiveDateTime>("updated_at").await?.unwrap())
    };
    let reset = || async { h.db.table("m_users").update(record! { "updated_at" => old }).await };
    reset().await?;
    assert_eq!(either().update(record! { "active" => false }).await?, 1, "the trashed row is not updated");
    assert!(stamped().await? > old, "update sets updated_at");
    reset().await?;
    assert_eq!(User::on(&h.db).where_("name", "Bob").update(record! { "updated_at" => old }).await?, 1);
    assert_eq!(stamped().await?, old, "an updated_at the caller sets is kept");
    assert_eq!(either().where_("name", "Alice").force_delete().await?, 0, "force_delete keeps the scope");
    assert_eq!(User::on(&h.db).with_trashed().count().await?, 2);
    assert_eq!(either().where_("name", "Bob").delete().await?, 1);
    assert!(stamped().await? > old, "a soft delete through the query sets updated_at");
    assert_eq!(User::on(&h.db).count().await?, 0);
    reset().await?;
    assert_eq!(either().restore().await?, 2, "restore reads trashed rows only");
    assert!(stamped().await? > old, "restore sets updated_at");
    assert_eq!(User::on(&h.db).with_trashed().where_("name", "Alice").force_delete().await?, 1);
    assert_eq!(h.db.table("m_users").count().await?, 1);

    // A decrement that cannot be negated is refused before any SQL.
    let refused = h.db.table("m_users").decrement("id", i64::MIN).await;
    assert!(matches!(refused, Err(Error::OutOfRange { .. })), "{refused:?}");
    let refused = Token::on(&h.db).restore().await;
    assert!(
        matches!(refused, Err(Error::InvalidQuery { problem: QueryProblem::NoSoftDeletes { model: "Token" } })),
        "restore needs soft deletes: {refused:?}"
    );
    Ok(())
}

pub async fn mass_assignment_respects_fillable(h: &Harness) -> Result<()> {
    tables(h).await?;
    let input = serde_json::json!({
        "id": 77, "name": "Mallory", "email": "m@example.com", "active": true, "role": "member",
        "prefs": {"theme": "light", "tags": []}, "password": "x", "created_at": "2001-01-01 00:00:00"
    });
    let user: User = User::on(&h.db).create(Record::try_from(input)?).await?;
    assert_ne!(user.id, 77, "the key is not fillable");
    assert_eq!(user.prefs.0.theme, "light");
    assert!(user.created_at.unwrap().timestamp() > 978_307_200, "timestamps are not fillable");
    let mut copy = user.clone();
    let typo = copy.fill(record! { "nmae" => "x" });
    assert!(
        matches!(typo, Err(Error::InvalidQuery { problem: QueryProblem::UnknownColumn { .. } })),
        "an unknown column is an error, not silence"
    );
    let wrong_type = copy.fill(record! { "active" => "yes" });
    assert!(matches!(wrong_type, Err(Error::Decode { .. })));
    copy.update(record! { "name" => "Mallory Updated" }).await?;
    assert_eq!(User::on(&h.db).find(user.id).await?.unwrap().name, "Mallory Updated");
    Ok(())
}

pub async fn typed_queries_scopes_pagination_and_chunks(h: &Harness) -> Result<()> {
    tables(h).await?;
    for (i, name) in ["Ann", "Ben", "Cid", "Dee", "Eve"].iter().enumerate() {
        let mut u = User {
            name: (*name).into(),
            email: format!("{name}@example.com"),
            active: i % 2 == 0,
            state: ModelState::on(&h.db),
            ..Default::default()
        };
        u.save().await?;
    }
    let active: Vec<User> = User::on(&h.db).scope(User::active).order_by("name", Direction::Desc).get().await?;
    assert_eq!(active.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(), ["Eve", "Cid", "Ann"]);
    let page = User::on(&h.db).oldest_by("id").paginate(PerPage(2), Page(2)).await?;
    assert_eq!((page.total, page.last_page), (5, 3));
    assert_eq!(page.data.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(), ["Cid", "Dee"]);
    let json = serde_json::to_value(&page).unwrap();
    assert!(json["data"][0].get("password").is_none());
    let mut seen = Vec::new();
    User::on(&h.db)
        .chunk(2, |users| {
            seen.extend(users.into_iter().map(|u| u.name));
            async { Ok(true) }
        })
        .await?;
    assert_eq!(seen.len(), 5);
    let first = User::on(&h.db).where_("name", "Ben").first().await?.unwrap();
    assert!(first.exists(), "loaded models know they exist");
    Ok(())
}

pub async fn models_loaded_in_a_transaction_save_inside_it(h: &Harness) -> Result<()> {
    tables(h).await?;
    let mut user = alice(h);
    user.save().await?;
    let result: Result<()> =
        h.db.transaction(|tx| async move {
            let mut u = User::query().on(&tx).find(1).await?.unwrap();
            assert!(matches!(u.state().connection(), Connection::Tx(_)));
            u.name = "Inside".into();
            u.save().await?;
            let mut t = Token { label: "tx".into(), state: ModelState::on(&tx), ..Default::default() };
            t.save().await?;
            Err(Error::other("roll back"))
        })
        .await;
    assert!(result.is_err());
    assert_eq!(User::on(&h.db).find(1).await?.unwrap().name, "Alice");
    assert_eq!(Token::on(&h.db).count().await?, 0);
    Ok(())
}

pub async fn insert_models_is_one_statement_with_timestamps_and_keys(h: &Harness) -> Result<()> {
    tables(h).await?;
    let people = ["Ada", "Bob", "Cy"].map(|name| User {
        name: name.into(),
        email: format!("{}@example.com", name.to_lowercase()),
        role: Role::Member,
        password: "hash".into(),
        ..Default::default()
    });
    assert_eq!(User::on(&h.db).insert_models(people.to_vec()).await?, 3);
    let loaded = User::on(&h.db).order_by("id", Direction::Asc).get().await?;
    assert_eq!(loaded.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(), ["Ada", "Bob", "Cy"]);
    assert!(loaded.iter().all(|u| u.created_at.is_some() && u.updated_at.is_some()), "timestamps are set");
    assert_eq!(loaded.iter().map(|u| u.id).collect::<Vec<_>>(), [1, 2, 3], "the database generated the keys");
    assert_eq!(User::on(&h.db).insert_models(Vec::new()).await?, 0);

    // Mixed keys are refused before anything runs; a failing row inserts none of them.
    let mut keyed = people[0].clone();
    keyed.id = 50;
    keyed.email = "keyed@example.com".into();
    let mixed = User::on(&h.db).insert_models(vec![keyed, people[1].clone()]).await;
    assert!(
        matches!(mixed, Err(Error::InvalidQuery { problem: QueryProblem::MixedKeys { index: 2, has_key: false } })),
        "{mixed:?}"
    );
    let duplicate = User::on(&h.db).insert_models(vec![people[0].clone(), people[0].clone()]).await;
    assert!(duplicate.is_err(), "the email is unique");
    let mut fresh = people[0].clone();
    fresh.email = "fresh@example.com".into();
    let clash = User::on(&h.db).insert_models(vec![fresh, people[1].clone()]).await;
    assert!(clash.is_err(), "bob's email is taken");
    assert_eq!(User::on(&h.db).with_trashed().count().await?, 3, "no row of a failed insert is kept");

    // UUID keys: generated when empty, kept when given.
    let given = uuid::Uuid::now_v7();
    let tokens = vec![
        Token { label: "generated".into(), ..Default::default() },
        Token { id: given, label: "given".into(), ..Default::default() },
    ];
    assert_eq!(Token::on(&h.db).insert_models(tokens).await?, 2);
    assert_eq!(Token::on(&h.db).find(given).await?.unwrap().label, "given");
    let generated = Token::on(&h.db).where_("label", "generated").first().await?.unwrap();
    assert_eq!(generated.id.get_version_num(), 7);
    Ok(())
}

pub async fn a_model_never_saved_is_neither_updated_nor_deleted(h: &Harness) -> Result<()> {
    tables(h).await?;
    let mut fresh = alice(h);
    let updated = fresh.update(record! { "name" => "Changed" }).await;
    assert!(matches!(updated, Err(Error::ModelNotSaved { model: "User", action: "update" })), "{updated:?}");
    assert_eq!(fresh.name, "Alice", "not filled either");
    let deleted = fresh.delete().await;
    assert!(matches!(deleted, Err(Error::ModelNotSaved { model: "User", action: "delete" })), "{deleted:?}");
    assert!(matches!(fresh.force_delete().await, Err(Error::ModelNotSaved { .. })));
    assert!(matches!(fresh.restore().await, Err(Error::ModelNotSaved { .. })));
    assert!(!fresh.exists());
    assert_eq!(User::on(&h.db).with_trashed().count().await?, 0, "nothing was written");
    // Once saved, both work.
    fresh.save().await?;
    fresh.update(record! { "name" => "Changed" }).await?;
    assert_eq!(User::on(&h.db).find_or_fail(fresh.id).await?.name, "Changed");
    fresh.delete().await?;
    assert_eq!(User::on(&h.db).count().await?, 0);
    Ok(())
}

pub async fn partial_selects_of_a_model_are_refused_not_ignored(h: &Harness) -> Result<()> {
    tables(h).await?;
    let mut user = alice(h);
    user.save().await?;
    let excluded = User::on(&h.db).exclude("email").get().await;
    assert!(matches!(excluded, Err(Error::PartialModel { model: "User", column: "email" })), "{excluded:?}");
    let selected = User::on(&h.db).select(["id", "name"]).get().await;
    assert!(matches!(selected, Err(Error::PartialModel { model: "User", .. })), "{selected:?}");
    assert!(matches!(User::on(&h.db).select(["id"]).find(user.id).await, Err(Error::PartialModel { .. })));
    assert!(matches!(User::on(&h.db).exclude("name").first().await, Err(Error::PartialModel { .. })));
    // Chosen columns are read as rows; a whole-table select still loads models.
    let rows = User::on(&h.db).select(["id", "name"]).rows().await?;
    assert_eq!(rows[0].get::<String>("name")?, "Alice");
    assert_eq!(User::on(&h.db).select("m_users.*").get().await?.len(), 1);
    // A column-limited load is asked for by name; a field whose type has no empty value (a
    // user's enum, a Json) must be selected, and a bad column is refused, before any SQL.
    let no_empty = User::on(&h.db).select_partial(["name", "email"]).get().await;
    assert!(matches!(no_empty, Err(Error::PartialModel { model: "User", column: "role" })), "{no_empty:?}");
    let unknown = User::on(&h.db).select_partial(["name", "emial"]).get().await;
    assert!(matches!(unknown, Err(Error::ColumnNotFound { .. })), "{unknown:?}");
    let partial = User::on(&h.db).select_partial(["name", "role", "prefs"]).first_or_fail().await?;
    assert_eq!((partial.name.as_str(), partial.email.as_str(), partial.active), ("Alice", "", false));
    assert!(partial.state.is_absent("email") && !partial.state.is_absent("id"));
    Ok(())
}
