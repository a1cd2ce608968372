//! Beyond the basics of a `morph_to`: constrained and nested eager loads (a path known to
//! some of its models only), and querying by it (`has_morph`, `where_has_morph`, …).

use bunary_orm::prelude::*;
use bunary_orm::QueryProblem;

use super::super::Harness;
use super::*;

/// Ada (a user with a post) and a thread with a reply, each with two notes; a note whose
/// user is gone.
async fn notes(h: &Harness) -> Result<()> {
    tables(h).await?;
    let ada = RUser::on(&h.db).create(record! { "name" => "Ada", "secret" => "x" }).await?;
    ada.posts().create(record! { "title" => "Engines" }).await?;
    let gone = RUser::on(&h.db).create(record! { "name" => "Gone", "secret" => "x" }).await?;
    let thread = RThread::on(&h.db).create(record! { "title" => "Welcome" }).await?;
    thread.replies().create(record! { "body" => "hi" }).await?;
    ada.notes().create_many([record! { "body" => "ada 1" }, record! { "body" => "ada 2" }]).await?;
    thread.notes().create_many([record! { "body" => "thread 1" }, record! { "body" => "thread 2" }]).await?;
    gone.notes().create(record! { "body" => "orphan" }).await?;
    RUser::on(&h.db).where_("id", gone.id).delete().await?;
    Ok(())
}

pub async fn morph_to_loads_nested_paths_and_constraints(h: &Harness) -> Result<()> {
    notes(h).await?;
    let (db, counter) = counting(h);
    // `posts` is a user's relation, `replies` a thread's: each type loads the paths it knows.
    let loaded = RNote::on(&db).with(["notable.posts", "notable.replies"]).oldest_by("id").get().await?;
    assert_eq!(counter.queries.load(Ordering::Relaxed), 5, "notes; users, their posts; threads, their replies");
    let Some(Notable::User(ada)) = loaded[0].notable.get() else { panic!("{:?}", loaded[0].notable) };
    assert_eq!(ada.posts.loaded().map(|p| p[0].title.as_str()), Some("Engines"));
    let Some(Notable::Thread(thread)) = loaded[2].notable.get() else { panic!("{:?}", loaded[2].notable) };
    assert_eq!(thread.replies.loaded().map(|r| r[0].body.as_str()), Some("hi"));
    assert!(loaded[4].notable.get().is_none(), "the orphan's user is gone");
    // A path no model knows is a typed error before any SQL.
    counter.queries.store(0, Ordering::Relaxed);
    let typo = RNote::on(&db).with(["notable.postz"]).get().await;
    assert!(matches!(typo, Err(Error::UnknownRelation { .. })), "{typo:?}");
    assert_eq!(counter.queries.load(Ordering::Relaxed), 0);
    // The constraint of the morph_to applies to every model's query; its own constraints too.
    let constrained = RNote::on(&db)
        .with_constraint("notable", |q| q.where_op("id", "<", 0))
        .with_constraint("notable.posts", |q| q.where_("title", "none"))
        .oldest_by("id")
        .get()
        .await?;
    assert!(constrained.iter().all(|n| n.notable.get().is_none()), "no parent has a negative id");
    let posts_filtered =
        RNote::on(&db).with_constraint("notable.posts", |q| q.where_("title", "none")).first_or_fail().await?;
    let Some(Notable::User(ada)) = posts_filtered.notable.get() else { panic!() };
    assert_eq!(ada.posts.loaded().map(<[RPost]>::len), Some(0));
    // load on models in hand.
    let mut notes = RNote::on(&h.db).oldest_by("id").get().await?;
    notes.load(["notable.replies"]).await?;
    assert!(matches!(notes[2].notable.get(), Some(Notable::Thread(t)) if t.replies.loaded().is_some()));
    Ok(())
}

pub async fn querying_by_a_morph_to(h: &Harness) -> Result<()> {
    notes(h).await?;
    let bodies = |q: ModelQuery<RNote>| async move { q.oldest_by("id").pluck::<String>("body").await };
    let q = || RNote::on(&h.db);
    assert_eq!(bodies(q().has_morph("notable", ["r_user"])).await?, ["ada 1", "ada 2"], "the orphan's user is gone");
    assert_eq!(bodies(q().has_morph("notable", ["*"])).await?, ["ada 1", "ada 2", "thread 1", "thread 2"]);
    assert_eq!(bodies(q().doesnt_have_morph("notable", ["r_user"])).await?, ["orphan"]);
    let welcome = q().where_has_morph("notable", ["*"], |p, kind| match kind {
        "thread" => p.where_("title", "Welcome"),
        _ => p.where_("name", "nobody"),
    });
    assert_eq!(bodies(welcome).await?, ["thread 1", "thread 2"]);
    let not_ada = q().where_doesnt_have_morph("notable", ["r_user", "thread"], |p, kind| match kind {
        "r_user" => p.where_("name", "Ada"),
        _ => p,
    });
    assert_eq!(bodies(not_ada).await?, ["orphan"]);
    // Beside the user's own conditions, joined with AND.
    assert_eq!(
        bodies(q().has_morph("notable", ["*"]).where_("body", "ada 2").or_where("body", "thread 1")).await?,
        ["ada 2", "thread 1"]
    );
    assert_eq!(bodies(q().where_("body", "orphan").has_morph("notable", ["*"])).await?, Vec::<String>::new());
    // Typed errors, before any SQL.
    let unknown = q().has_morph("notable", ["ghost"]).get().await;
    assert!(
        matches!(unknown, Err(Error::InvalidQuery { problem: QueryProblem::UnknownMorphType { .. } })),
        "{unknown:?}"
    );
    let not_morph = RUser::on(&h.db).has_morph("posts", ["*"]).get().await;
    assert!(
        matches!(not_morph, Err(Error::InvalidQuery { problem: QueryProblem::NotMorphTo { .. } })),
        "{not_morph:?}"
    );
    let typo = q().has_morph("notabel", ["*"]).get().await;
    assert!(matches!(typo, Err(Error::UnknownRelation { .. })), "{typo:?}");
    Ok(())
}
