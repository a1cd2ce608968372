//! Serialisation control and column names (issue 15): hidden and visible, per-serialisation
//! `make_hidden`/`make_visible`, appended values, serde's field attributes, dates as ISO 8601,
//! and the compiler-checked column names, on models loaded from each database.

use bunary_orm::prelude::*;
use bunary_orm::schema::Schema;
use serde_json::json;

use super::Harness;

fn two_places<S: serde::Serializer>(score: &f64, serializer: S) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_str(&format!("{score:.2}"))
}

#[derive(Model, Debug, Clone, Default)]
#[orm(table = "s_users", soft_deletes, appends("display_name"))]
#[serde(rename_all = "camelCase")]
pub struct SUser {
    pub id: i64,
    pub first_name: String,
    #[serde(rename = "mail")]
    pub email: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    #[serde(serialize_with = "two_places")]
    pub score: f64,
    #[serde(skip)]
    pub secret: String,
    #[orm(hidden)]
    pub password: String,
    pub created_at: Option<chrono::NaiveDateTime>,
    pub updated_at: Option<chrono::NaiveDateTime>,
    pub deleted_at: Option<chrono::DateTime<chrono::Utc>>,
    pub state: ModelState,
}

impl SUser {
    pub fn display_name(&self) -> String {
        match &self.nickname {
            Some(nick) => format!("{} ({nick})", self.first_name),
            None => self.first_name.clone(),
        }
    }
}

/// The same table, showing only two columns (Eloquent's `$visible`).
#[derive(Model, Debug, Clone, Default)]
#[orm(table = "s_users", visible("id", "first_name"))]
pub struct SCard {
    pub id: i64,
    pub first_name: String,
    pub email: String,
    pub score: f64,
    pub secret: String,
    pub password: String,
    pub created_at: Option<chrono::NaiveDateTime>,
    pub updated_at: Option<chrono::NaiveDateTime>,
    pub deleted_at: Option<chrono::DateTime<chrono::Utc>>,
    pub state: ModelState,
}

async fn tables(h: &Harness) -> Result<()> {
    Schema::on(&h.db)
        .create_table("s_users", |t| {
            t.id();
            t.string("first_name", 50);
            t.string("email", 100);
            t.string("nickname", 50).nullable();
            t.double("score");
            t.string("secret", 50);
            t.string("password", 100);
            t.timestamps();
            t.soft_deletes();
        })
        .await
}

pub async fn models_serialise_as_their_attributes_and_serde_say(h: &Harness) -> Result<()> {
    tables(h).await?;
    let columns = SUser::columns();
    assert_eq!((columns.first_name, columns.email, columns.created_at), ("first_name", "email", "created_at"));
    let mut ada = SUser::on(&h.db)
        .create(record! {
            columns.first_name => "Ada", columns.email => "ada@example.com", columns.score => 1.5,
            columns.secret => "s3", columns.password => "pw",
        })
        .await?;
    ada.delete().await?;
    let ada = SUser::on(&h.db).with_trashed().where_(columns.email, "ada@example.com").first_or_fail().await?;
    assert_eq!(ada.secret, "s3", "loaded, only not serialised");
    let value = serde_json::to_value(&ada).unwrap();
    let object = value.as_object().unwrap();
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, ["createdAt", "deletedAt", "displayName", "firstName", "id", "mail", "score", "updatedAt"]);
    assert_eq!(value["mail"], "ada@example.com");
    assert_eq!(value["score"], "1.50", "serialize_with");
    assert_eq!(value["displayName"], "Ada", "appended");
    // Dates as ISO 8601: a naive timestamp (stored in UTC) and a UTC one with its `Z`.
    let created = value["createdAt"].as_str().unwrap();
    assert!(chrono::NaiveDateTime::parse_from_str(created, "%Y-%m-%dT%H:%M:%S%.f").is_ok(), "{created}");
    let deleted = value["deletedAt"].as_str().unwrap();
    assert!(deleted.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(deleted).is_ok(), "{deleted}");

    // Per serialisation: hide a visible column, show a hidden one; the model is not changed.
    let shown = serde_json::to_value(ada.make_hidden(&["email", "display_name"]).make_visible(&["password"])).unwrap();
    assert!(shown.get("mail").is_none() && shown.get("displayName").is_none());
    assert_eq!(shown["password"], "pw");
    assert_eq!(serde_json::to_value(&ada).unwrap(), value, "the model itself is unchanged");

    // `skip_serializing_if`.
    let mut nick = ada.clone();
    nick.nickname = Some("AL".into());
    let with_nick = serde_json::to_value(&nick).unwrap();
    assert_eq!((with_nick["nickname"].as_str(), with_nick["displayName"].as_str()), (Some("AL"), Some("Ada (AL)")));

    // `visible`: only the listed columns.
    let card = SCard::on(&h.db).with_trashed().find_or_fail(ada.id).await?;
    assert_eq!(serde_json::to_value(&card).unwrap(), json!({"id": ada.id, "first_name": "Ada"}));
    let more = serde_json::to_value(card.make_visible(&["email"])).unwrap();
    assert_eq!(more, json!({"id": ada.id, "first_name": "Ada", "email": "ada@example.com"}));
    Ok(())
}
