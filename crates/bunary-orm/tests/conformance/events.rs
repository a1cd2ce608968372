//! Model events and observers (issue 15): Laravel's order, cancelling "-ing" hooks, failing
//! hooks rolling the write back, hooks querying inside the write's transaction, soft deletes,
//! restores and force deletes, quiet saves, and a hooked save dropped at each await point.
//!
//! Each test has model types of its own: observers are registered per type, and the tests of a
//! suite run side by side.

use std::sync::{Arc, Mutex};

use bunary_orm::model::{Event, Flow, Observer};
use bunary_orm::prelude::*;
use bunary_orm::schema::Schema;
use bunary_orm::Connection;

use super::Harness;

/// What the observers saw, in order: `"saving:title"`.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn push(&self, event: &str, title: &str) {
        self.0.lock().unwrap().push(format!("{event}:{title}"));
    }

    /// What was logged since the last call, and forgets it.
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// Logs every event of a model with a `title`; cancels at the event named in the title
/// (`"cancel creating"`), fails after the one named there (`"fail saved"`), and writes an
/// audit row from `created` through the model's own connection.
struct Recorder {
    log: Log,
}

trait Titled: Entity {
    fn title(&self) -> &str;
}

impl Recorder {
    async fn before<M: Titled>(&self, event: Event, model: &M) -> Result<Flow> {
        self.log.push(event.name(), model.title());
        Ok(if model.title() == format!("cancel {event}") { Flow::Cancel } else { Flow::Continue })
    }

    async fn after<M: Titled>(&self, event: Event, model: &M) -> Result<()> {
        self.log.push(event.name(), model.title());
        if event == Event::Created {
            let connection = model.state().connection().clone();
            let key = model.key();
            bunary_orm::Model::on(connection).table("ev_audit").insert(record! { "post_id" => key }).await?;
            if let Connection::Db(db) = model.state().connection() {
                let log = self.log.clone();
                let title = model.title().to_owned();
                db.after_commit(move || log.push("committed", &title));
            }
        }
        if model.title() == format!("fail {event}") {
            return Err(Error::Other(format!("{event} hook failed").into()));
        }
        Ok(())
    }
}

macro_rules! recorder_for {
    ($model:ty) => {
        impl Titled for $model {
            fn title(&self) -> &str {
                &self.title
            }
        }

        impl Observer<$model> for Recorder {
            async fn retrieved(&self, m: &mut $model) -> Result<()> {
                self.after(Event::Retrieved, m).await
            }
            async fn saving(&self, m: &mut $model) -> Result<Flow> {
                self.before(Event::Saving, m).await
            }
            async fn saved(&self, m: &mut $model) -> Result<()> {
                self.after(Event::Saved, m).await
            }
            async fn creating(&self, m: &mut $model) -> Result<Flow> {
                self.before(Event::Creating, m).await
            }
            async fn created(&self, m: &mut $model) -> Result<()> {
                self.after(Event::Created, m).await
            }
            async fn updating(&self, m: &mut $model) -> Result<Flow> {
                self.before(Event::Updating, m).await
            }
            async fn updated(&self, m: &mut $model) -> Result<()> {
                self.after(Event::Updated, m).await
            }
            async fn deleting(&self, m: &mut $model) -> Result<Flow> {
                self.before(Event::Deleting, m).await
            }
            async fn deleted(&self, m: &mut $model) -> Result<()> {
                self.after(Event::Deleted, m).await
            }
            async fn trashed(&self, m: &mut $model) -> Result<()> {
                self.after(Event::Trashed, m).await
            }
            async fn restoring(&self, m: &mut $model) -> Result<Flow> {
                self.before(Event::Restoring, m).await
            }
            async fn restored(&self, m: &mut $model) -> Result<()> {
                self.after(Event::Restored, m).await
            }
            async fn force_deleting(&self, m: &mut $model) -> Result<Flow> {
                self.before(Event::ForceDeleting, m).await
            }
            async fn force_deleted(&self, m: &mut $model) -> Result<()> {
                self.after(Event::ForceDeleted, m).await
            }
            fn replicating(&self, copy: &mut $model) -> Result<()> {
                self.log.push("replicating", &copy.title);
                Ok(())
            }
        }
    };
}

macro_rules! post_model {
    ($name:ident) => {
        #[derive(Model, Debug, Clone, Default)]
        #[orm(table = "ev_posts", timestamps = false)]
        pub struct $name {
            pub id: i64,
            pub title: String,
            pub state: ModelState,
        }
        recorder_for!($name);
    };
    ($name:ident, soft_deletes) => {
        #[derive(Model, Debug, Clone, Default)]
        #[orm(table = "ev_posts", timestamps = false, soft_deletes)]
        pub struct $name {
            pub id: i64,
            pub title: String,
            pub deleted_at: Option<chrono::DateTime<chrono::Utc>>,
            pub state: ModelState,
        }
        recorder_for!($name);
    };
}

post_model!(OrderPost);
post_model!(FailPost);
post_model!(SoftPost, soft_deletes);
post_model!(QuietPost);
post_model!(DropPost);

/// A model whose `observed_by` observer fills a column: registered by the derive.
#[derive(Model, Debug, Clone, Default)]
#[orm(table = "ev_posts", timestamps = false, observed_by(Shout))]
pub struct LoudPost {
    pub id: i64,
    pub title: String,
    pub state: ModelState,
}

#[derive(Default)]
pub struct Shout;

impl Observer<LoudPost> for Shout {
    async fn saving(&self, post: &mut LoudPost) -> Result<Flow> {
        post.title = post.title.to_uppercase();
        Ok(Flow::Continue)
    }
}

async fn tables(h: &Harness) -> Result<()> {
    let schema = Schema::on(&h.db);
    schema
        .create_table("ev_posts", |t| {
            t.id();
            t.string("title", 50);
            t.soft_deletes();
        })
        .await?;
    schema
        .create_table("ev_audit", |t| {
            t.id();
            t.big_integer("post_id");
        })
        .await
}

fn new<M: Entity + Default>(h: &Harness, title: &str) -> Result<M> {
    let mut model = M::default();
    model.state_mut().set_connection(&h.db);
    model.set_value("title", title.into())?;
    Ok(model)
}

async fn audits(h: &Harness) -> Result<i64> {
    h.db.table("ev_audit").count().await
}

pub async fn save_and_delete_fire_in_laravels_order_and_ing_hooks_cancel(h: &Harness) -> Result<()> {
    tables(h).await?;
    let log = Log::default();
    OrderPost::observe(Recorder { log: log.clone() });

    let mut post: OrderPost = new(h, "a")?;
    post.save().await?;
    assert_eq!(log.take(), ["saving:a", "creating:a", "created:a", "saved:a", "committed:a"]);
    post.title = "b".into();
    post.save().await?;
    assert_eq!(log.take(), ["saving:b", "updating:b", "updated:b", "saved:b"]);
    post.save().await?;
    assert_eq!(log.take(), ["saving:b", "saved:b"], "an unchanged model fires no update events");

    let mut found = OrderPost::on(&h.db).find_or_fail(post.id).await?;
    assert_eq!(log.take(), ["retrieved:b"]);
    found.increment("id", 0).await?;
    assert_eq!(log.take(), ["updating:b", "updated:b"], "an instance's increment is an update");
    OrderPost::on(&h.db).get().await?;
    assert_eq!(log.take(), ["retrieved:b"]);
    let copy = found.replicate(&[])?;
    assert_eq!((log.take(), copy.exists()), (vec!["replicating:b".to_owned()], false));

    // Each "-ing" hook cancels: nothing written, a typed error naming the event.
    for event in ["saving", "creating"] {
        let mut cancelled: OrderPost = new(h, &format!("cancel {event}"))?;
        let result = cancelled.save().await;
        assert!(
            matches!(&result, Err(Error::EventCancelled { model: "OrderPost", event: e }) if *e == event),
            "{result:?}"
        );
        assert!(!cancelled.exists() && cancelled.id == 0);
    }
    log.take();
    found.title = "cancel updating".into();
    assert!(matches!(found.save().await, Err(Error::EventCancelled { event: "updating", .. })));
    assert!(found.is_dirty(), "the change is still to save");
    found.title = "cancel deleting".into();
    found.save().await?;
    assert!(matches!(found.delete().await, Err(Error::EventCancelled { event: "deleting", .. })));
    assert!(found.exists());
    assert_eq!(OrderPost::on(&h.db).count().await?, 1, "only the first post was written");
    log.take();
    found.title = "gone".into();
    found.save().await?;
    found.delete().await?;
    assert_eq!(
        log.take(),
        ["saving:gone", "updating:gone", "updated:gone", "saved:gone", "deleting:gone", "deleted:gone"]
    );
    assert_eq!(OrderPost::on(&h.db).count().await?, 0);
    OrderPost::flush_observers();

    // observed_by: registered by the derive, on first use.
    let loud = LoudPost::on(&h.db).create(record! { "title" => "quiet please" }).await?;
    assert_eq!(loud.title, "QUIET PLEASE");
    assert_eq!(LoudPost::on(&h.db).find_or_fail(loud.id).await?.title, "QUIET PLEASE");
    Ok(())
}

pub async fn a_failing_hook_rolls_the_write_back_with_what_hooks_wrote(h: &Harness) -> Result<()> {
    tables(h).await?;
    let log = Log::default();
    FailPost::observe(Recorder { log: log.clone() });

    // `created` wrote an audit row in the save's transaction; `saved` fails: both are gone.
    let mut post: FailPost = new(h, "fail saved")?;
    let result = post.save().await;
    assert!(matches!(&result, Err(Error::Other(e)) if e.to_string() == "saved hook failed"), "{result:?}");
    assert!(!post.exists() && post.id == 0, "a new model stays new");
    assert_eq!((FailPost::on(&h.db).count().await?, audits(h).await?), (0, 0));
    assert!(!log.take().contains(&"committed:fail saved".to_owned()), "after_commit is discarded");
    post.title = "ok".into();
    post.save().await?;
    assert_eq!((FailPost::on(&h.db).count().await?, audits(h).await?), (1, 1));
    assert!(log.take().contains(&"committed:ok".to_owned()));

    // A failing `updated` leaves the row as it was and the change still to save.
    post.title = "fail updated".into();
    assert!(post.save().await.is_err());
    assert!(post.is_dirty() && post.exists());
    assert_eq!(FailPost::on(&h.db).find_or_fail(post.id).await?.title, "ok");
    // A failing `deleted` keeps the row.
    post.title = "fail deleted".into();
    bunary_orm::without_events(post.save()).await?;
    assert!(post.delete().await.is_err());
    assert!(post.exists());
    assert_eq!(FailPost::on(&h.db).count().await?, 1);

    // Inside a transaction, the save is a savepoint: the outer work goes on and commits.
    let db = h.db.clone();
    h.db.transaction(|tx| async move {
        let mut inner = FailPost { title: "fail created".into(), state: ModelState::on(&tx), ..Default::default() };
        assert!(inner.save().await.is_err());
        assert!(!inner.exists());
        let mut kept = FailPost { title: "kept".into(), state: ModelState::on(&tx), ..Default::default() };
        kept.save().await?;
        assert_eq!(db.transaction_level(), 1);
        Ok::<_, Error>(())
    })
    .await?;
    let titles = FailPost::on(&h.db).oldest_by("id").pluck::<String>("title").await?;
    assert_eq!(titles, ["fail deleted", "kept"]);
    assert_eq!(audits(h).await?, 2, "the failed insert's audit row went with its savepoint");
    FailPost::flush_observers();
    Ok(())
}

pub async fn observers_see_soft_deletes_restores_and_force_deletes(h: &Harness) -> Result<()> {
    tables(h).await?;
    let log = Log::default();
    SoftPost::observe(Recorder { log: log.clone() });
    let mut post: SoftPost = new(h, "p")?;
    post.save().await?;
    log.take();

    post.delete().await?;
    assert_eq!(log.take(), ["deleting:p", "trashed:p", "deleted:p"]);
    assert!(post.trashed());
    post.title = "cancel restoring".into();
    bunary_orm::without_events(post.save()).await?;
    assert!(matches!(post.restore().await, Err(Error::EventCancelled { event: "restoring", .. })));
    assert!(post.trashed());
    assert_eq!(SoftPost::on(&h.db).count().await?, 0, "still trashed in the database");
    assert_eq!(log.take(), ["restoring:cancel restoring"]);
    post.title = "p".into();
    post.save_quietly().await?;
    post.restore().await?;
    assert_eq!(log.take(), ["restoring:p", "restored:p"]);
    assert!(!post.trashed());

    // A failing `deleted` after a soft delete: the row is not trashed, nor is the model.
    post.title = "fail deleted".into();
    post.save_quietly().await?;
    assert!(post.delete().await.is_err());
    assert!(!post.trashed(), "deleted_at put back");
    assert_eq!(SoftPost::on(&h.db).count().await?, 1);
    log.take();

    post.title = "cancel forceDeleting".into();
    post.save_quietly().await?;
    assert!(matches!(post.force_delete().await, Err(Error::EventCancelled { event: "forceDeleting", .. })));
    post.title = "q".into();
    post.save_quietly().await?;
    log.take();
    post.force_delete().await?;
    assert_eq!(log.take(), ["forceDeleting:q", "deleting:q", "deleted:q", "forceDeleted:q"]);
    assert_eq!(SoftPost::on(&h.db).with_trashed().count().await?, 0);
    assert!(!post.exists());
    SoftPost::flush_observers();
    Ok(())
}

pub async fn quiet_writes_fire_nothing_and_destroy_skips_cancelled(h: &Harness) -> Result<()> {
    tables(h).await?;
    let log = Log::default();
    QuietPost::observe(Recorder { log: log.clone() });
    let mut post: QuietPost = new(h, "cancel deleting")?;
    post.save_quietly().await?;
    let mut other: QuietPost = new(h, "x")?;
    bunary_orm::without_events(async {
        other.save().await?;
        QuietPost::on(&h.db).get().await?;
        other.title = "y".into();
        other.save().await
    })
    .await?;
    assert!(log.take().is_empty(), "no event inside without_events");
    assert_eq!(audits(h).await?, 0);

    // destroy loads and deletes one by one with events: the cancelled one is not counted.
    let deleted = QuietPost::on(&h.db).destroy([post.id, other.id]).await?;
    assert_eq!(deleted, 1);
    assert_eq!(QuietPost::on(&h.db).pluck::<String>("title").await?, ["cancel deleting"]);
    let events = log.take();
    assert!(events.contains(&"deleted:y".to_owned()) && !events.contains(&"deleted:cancel deleting".to_owned()));
    post.delete_quietly().await?;
    assert!(log.take().is_empty());
    assert_eq!(QuietPost::on(&h.db).count().await?, 0);
    QuietPost::flush_observers();
    Ok(())
}

/// A hooked save dropped after each of its await points in turn: the model is new and no row
/// is written (unless the drop came while COMMIT was in flight), or the save finished; never a
/// model that thinks it is saved without its row, nor a post without its hook's audit row.
pub async fn a_hooked_save_dropped_at_any_point_leaves_no_half_save(h: &Harness) -> Result<()> {
    tables(h).await?;
    let log = Log::default();
    DropPost::observe(Recorder { log: log.clone() });
    let mut polls = 1;
    loop {
        let title = format!("drop {polls}");
        let mut post: DropPost = new(h, &title)?;
        let finished = {
            let mut saving = Box::pin(post.save());
            let mut finished = false;
            for _ in 0..polls {
                if futures_util::poll!(saving.as_mut()).is_ready() {
                    finished = true;
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
            finished
        };
        let stored = DropPost::on(&h.db).where_("title", title.as_str()).count().await?;
        if finished {
            assert!(post.exists() && stored == 1);
            break;
        }
        let events = log.take();
        if stored == 1 {
            // Only a drop while COMMIT was in flight, after every hook ran, may have committed:
            // the client cannot know, and the model is left new (see `Observer`).
            assert!(
                events.contains(&format!("saved:{title}")),
                "dropped after {polls} polls before the commit: {events:?}"
            );
            assert!(!post.exists());
        } else {
            assert!(!post.exists() && post.id == 0 && stored == 0, "dropped after {polls} polls: {stored} rows");
        }
        polls += 1;
        assert!(polls < 500, "the save never finished");
    }
    // Each post stored has its audit row, written in its transaction; no audit row without one.
    assert_eq!(audits(h).await?, DropPost::on(&h.db).count().await?);
    DropPost::flush_observers();
    Ok(())
}
