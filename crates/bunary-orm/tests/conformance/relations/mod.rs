//! Relations (has-many, has-one, belongs-to): eager loading in a fixed number of queries,
//! relation queries and writes, serialisation, and typed errors. Each test has a database (or
//! schema) of its own, so the tables have fixed names.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use bunary_orm::prelude::*;
use bunary_orm::row::RowSink;
use bunary_orm::schema::Schema;
use bunary_orm::{DatabaseDriver, Dialect, ExecResult, MorphTarget, MorphTo, TransactionConnection};
use chrono::{DateTime, Utc};

use super::Harness;

mod loading;
mod morph;
mod partial;
mod qualified;
mod self_referencing;

pub use self::loading::*;
pub use self::morph::*;
pub use self::partial::*;
pub use self::self_referencing::*;

#[derive(Model, Debug, Clone, Default)]
#[orm(table = "r_users", timestamps = false)]
pub struct RUser {
    pub id: i64,
    pub name: String,
    pub r_country_id: Option<i64>,
    #[orm(hidden)]
    pub secret: String,
    pub posts: HasMany<RPost>,
    pub profile: HasOne<RProfile>,
    /// A pivot with columns of its own and timestamps.
    #[orm(
        table = "r_memberships",
        foreign_pivot_key = "r_user_id",
        related_pivot_key = "r_team_id",
        pivot("role"),
        pivot_timestamps
    )]
    pub teams: BelongsToMany<RTeam>,
    /// Polymorphic: notes name their parent by `notable_id` and `notable_type` (`r_user`).
    #[orm(morph = "notable")]
    pub notes: HasMany<RNote>,
    pub state: ModelState,
}

#[derive(Model, Debug, Clone, Default)]
#[orm(table = "r_notes", timestamps = false)]
pub struct RNote {
    pub id: i64,
    pub notable_type: String,
    pub notable_id: i64,
    pub body: String,
    /// The inverse: a user or a thread, by `notable_type`.
    #[orm(morph = "notable")]
    pub notable: MorphTo<Notable>,
    pub state: ModelState,
}

/// What a note may belong to.
#[derive(MorphTarget, Debug, Clone)]
pub enum Notable {
    User(RUser),
    Thread(RThread),
}

#[derive(Model, Debug, Clone, Default)]
#[orm(table = "r_posts", timestamps = false, soft_deletes)]
pub struct RPost {
    pub id: i64,
    pub r_user_id: i64,
    pub title: String,
    pub deleted_at: Option<DateTime<Utc>>,
    pub comments: HasMany<RComment>,
    #[orm(foreign_key = "r_user_id")]
    pub author: BelongsTo<RUser>,
    pub tags: BelongsToMany<RTag>,
    pub state: ModelState,
}

/// Many-to-many through the pivot `r_post_r_tag` (Laravel's name: the two snake names in
/// alphabetical order), soft-deleting.
#[derive(Model, Debug, Clone, Default)]
#[orm(table = "r_tags", timestamps = false, soft_deletes)]
pub struct RTag {
    pub id: i64,
    pub name: String,
    pub deleted_at: Option<DateTime<Utc>>,
    #[orm(table = "r_post_r_tag")]
    pub posts: BelongsToMany<RPost>,
    pub state: ModelState,
}

#[derive(Model, Debug, Clone, Default)]
#[orm(table = "r_comments", timestamps = false)]
pub struct RComment {
    pub id: i64,
    pub r_post_id: i64,
    pub author_id: Option<i64>,
    pub body: String,
    pub author: BelongsTo<RUser>,
    pub state: ModelState,
}

#[derive(Model, Debug, Clone, Default)]
#[orm(table = "r_profiles", timestamps = false)]
pub struct RProfile {
    pub id: i64,
    pub r_user_id: i64,
    pub bio: String,
    pub state: ModelState,
}

/// Relations through an intermediate model: countries → users (`r_country_id`) → posts
/// (`r_user_id`).
#[derive(Model, Debug, Clone, Default)]
#[orm(table = "r_countries", timestamps = false)]
pub struct RCountry {
    pub id: i64,
    pub name: String,
    #[orm(through = "RUser")]
    pub posts: HasMany<RPost>,
    #[orm(through = "RUser")]
    pub a_post: HasOne<RPost>,
    pub state: ModelState,
}

/// A parent with timestamps, and a child that touches it when saved or deleted.
#[derive(Model, Debug, Clone, Default)]
#[orm(table = "r_threads", morph_name = "thread")]
pub struct RThread {
    pub id: i64,
    pub title: String,
    pub created_at: Option<chrono::NaiveDateTime>,
    pub updated_at: Option<chrono::NaiveDateTime>,
    pub replies: HasMany<RReply>,
    #[orm(morph = "notable")]
    pub notes: HasMany<RNote>,
    #[orm(morph = "notable")]
    pub first_note: HasOne<RNote>,
    pub state: ModelState,
}

#[derive(Model, Debug, Clone, Default)]
#[orm(table = "r_replies", timestamps = false)]
pub struct RReply {
    pub id: i64,
    pub r_thread_id: i64,
    pub body: String,
    #[orm(foreign_key = "r_thread_id", touches)]
    pub thread: BelongsTo<RThread>,
    pub state: ModelState,
}

/// UUID keys and keys named by hand.
#[derive(Model, Debug, Clone, Default)]
#[orm(table = "r_teams", timestamps = false)]
pub struct RTeam {
    pub id: uuid::Uuid,
    pub name: String,
    #[orm(foreign_key = "team_uuid")]
    pub members: HasMany<RMember>,
    pub state: ModelState,
}

#[derive(Model, Debug, Clone, Default)]
#[orm(table = "r_members", timestamps = false)]
pub struct RMember {
    pub id: i64,
    pub team_uuid: Option<uuid::Uuid>,
    pub name: String,
    #[orm(foreign_key = "team_uuid")]
    pub team: BelongsTo<RTeam>,
    /// The team, or a default one (`Default::default()`, not saved) when there is none.
    #[orm(foreign_key = "team_uuid", with_default)]
    pub team_or_default: BelongsTo<RTeam>,
    /// A relation whose foreign key is not a column: an error at first use.
    #[orm(foreign_key = "no_such_column")]
    pub broken: BelongsTo<RTeam>,
    pub state: ModelState,
}

/// Self-referencing: a category's parent, children and links are categories.
#[derive(Model, Debug, Clone, Default)]
#[orm(table = "r_categories", timestamps = false)]
pub struct RCategory {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    #[orm(foreign_key = "parent_id")]
    pub children: HasMany<RCategory>,
    #[orm(foreign_key = "parent_id")]
    pub parent: BelongsTo<RCategory>,
    #[orm(table = "r_category_links", foreign_pivot_key = "from_id", related_pivot_key = "to_id")]
    pub links: BelongsToMany<RCategory>,
    pub state: ModelState,
}

async fn tables(h: &Harness) -> Result<()> {
    let schema = Schema::on(&h.db);
    schema
        .create_table("r_categories", |t| {
            t.id();
            t.big_integer("parent_id").nullable();
            t.string("name", 100);
        })
        .await?;
    schema
        .create_table("r_category_links", |t| {
            t.big_integer("from_id");
            t.big_integer("to_id");
        })
        .await?;
    schema
        .create_table("r_users", |t| {
            t.id();
            t.string("name", 100);
            t.string("secret", 100);
            t.big_integer("r_country_id").nullable();
        })
        .await?;
    schema
        .create_table("r_threads", |t| {
            t.id();
            t.string("title", 100);
            t.timestamps();
        })
        .await?;
    schema
        .create_table("r_notes", |t| {
            t.id();
            t.string("notable_type", 50);
            t.big_integer("notable_id");
            t.string("body", 100);
        })
        .await?;
    schema
        .create_table("r_replies", |t| {
            t.id();
            t.big_integer("r_thread_id");
            t.string("body", 100);
        })
        .await?;
    schema
        .create_table("r_countries", |t| {
            t.id();
            t.string("name", 100);
        })
        .await?;
    schema
        .create_table("r_posts", |t| {
            t.id();
            t.big_integer("r_user_id").index();
            t.string("title", 100);
            t.soft_deletes();
        })
        .await?;
    schema
        .create_table("r_comments", |t| {
            t.id();
            t.big_integer("r_post_id").index();
            t.big_integer("author_id").nullable();
            t.string("body", 100);
        })
        .await?;
    schema
        .create_table("r_profiles", |t| {
            t.id();
            t.big_integer("r_user_id");
            t.string("bio", 100);
        })
        .await?;
    schema
        .create_table("r_tags", |t| {
            t.id();
            t.string("name", 100);
            t.soft_deletes();
        })
        .await?;
    schema
        .create_table("r_post_r_tag", |t| {
            t.big_integer("r_post_id");
            t.big_integer("r_tag_id");
            t.unique(["r_post_id", "r_tag_id"]);
        })
        .await?;
    schema
        .create_table("r_teams", |t| {
            t.uuid("id").primary();
            t.string("name", 100);
        })
        .await?;
    schema
        .create_table("r_memberships", |t| {
            t.big_integer("r_user_id");
            t.uuid("r_team_id");
            t.string("role", 50).nullable();
            t.timestamps();
        })
        .await?;
    schema
        .create_table("r_members", |t| {
            t.id();
            t.uuid("team_uuid").nullable();
            t.string("name", 100);
        })
        .await?;
    Ok(())
}

/// A driver that counts the queries that return rows, around the suite's own.
struct Counting {
    inner: Arc<dyn DatabaseDriver>,
    queries: AtomicUsize,
}

#[async_trait]
impl DatabaseDriver for Counting {
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn dialect(&self) -> Dialect {
        self.inner.dialect()
    }
    async fn query_into(&self, sql: &str, params: &[Value], sink: &mut (dyn RowSink + Send)) -> Result<()> {
        self.queries.fetch_add(1, Ordering::Relaxed);
        self.inner.query_into(sql, params, sink).await
    }
    fn query_into_now(&self, sql: &str, params: &[Value], sink: &mut (dyn RowSink + Send)) -> Option<Result<()>> {
        let done = self.inner.query_into_now(sql, params, sink);
        if done.is_some() {
            self.queries.fetch_add(1, Ordering::Relaxed);
        }
        done
    }
    fn exec_now(&self, sql: &str, params: &[Value]) -> Option<Result<ExecResult>> {
        self.inner.exec_now(sql, params)
    }
    async fn exec(&self, sql: &str, params: &[Value]) -> Result<ExecResult> {
        self.inner.exec(sql, params).await
    }
    async fn exec_batch(&self, sql: &str) -> Result<()> {
        self.inner.exec_batch(sql).await
    }
    async fn begin(&self) -> Result<Box<dyn TransactionConnection>> {
        self.inner.begin().await
    }
    async fn close(&self) -> Result<()> {
        Ok(())
    }
}

fn counting(h: &Harness) -> (Db, Arc<Counting>) {
    let counter = Arc::new(Counting { inner: Arc::clone(h.db.driver()), queries: AtomicUsize::new(0) });
    (Db::from_driver(counter.clone()), counter)
}

/// `users` users, each with 10 posts of 10 comments (written by the first user) and a profile.
async fn seed(h: &Harness, users: usize) -> Result<()> {
    let first_user = RUser::on(&h.db).max::<Option<i64>>("id").await?.unwrap_or(0) + 1;
    let first_post = RPost::on(&h.db).with_trashed().max::<Option<i64>>("id").await?.unwrap_or(0) + 1;
    let names: Vec<Record> = (0..users).map(|i| record! { "name" => format!("user {i}"), "secret" => "s" }).collect();
    RUser::on(&h.db).insert_many(names).await?;
    let mut posts = Vec::new();
    let mut profiles = Vec::new();
    for u in 0..users as i64 {
        profiles.push(record! { "r_user_id" => first_user + u, "bio" => format!("bio {u}") });
        for p in 0..10 {
            posts.push(record! { "r_user_id" => first_user + u, "title" => format!("post {u}.{p}") });
        }
    }
    RProfile::on(&h.db).insert_many(profiles).await?;
    for chunk in posts.chunks(500) {
        RPost::on(&h.db).insert_many(chunk.to_vec()).await?;
    }
    let mut comments = Vec::new();
    for post in 0..(users * 10) as i64 {
        for c in 0..10 {
            comments.push(
                record! { "r_post_id" => first_post + post, "author_id" => first_user, "body" => format!("comment {c}") },
            );
        }
    }
    for chunk in comments.chunks(500) {
        RComment::on(&h.db).insert_many(chunk.to_vec()).await?;
    }
    // Three tags; every post has the first two.
    if RTag::on(&h.db).count().await? == 0 {
        RTag::on(&h.db).insert_many(["a", "b", "c"].map(|n| record! { "name" => n }).to_vec()).await?;
    }
    let pivot: Vec<Record> = (0..(users * 10) as i64)
        .flat_map(|post| [1i64, 2].map(|tag| record! { "r_post_id" => first_post + post, "r_tag_id" => tag }))
        .collect();
    for chunk in pivot.chunks(500) {
        h.db.table("r_post_r_tag").insert_many(chunk.to_vec()).await?;
    }
    Ok(())
}
