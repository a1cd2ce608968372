//! Column-limited loads: `select_partial` and `with(["relation:columns"])`. The models hold
//! their type's empty value where a column was left out, leave it out of their JSON, and
//! refuse to save; the keys relations match on are added, and a relation that needs a key
//! that was left out is an error, never an empty match.

use bunary_orm::prelude::*;
use futures_util::TryStreamExt;

use super::super::Harness;
use super::*;

pub async fn column_limited_loads_and_eager_loads(h: &Harness) -> Result<()> {
    tables(h).await?;
    seed(h, 3).await?;
    RUser::on(&h.db).update(record! { "r_country_id" => 7 }).await?;
    let (db, counter) = counting(h);

    // The model query: only `name` (and the key).
    let users = RUser::on(&db).select_partial(["name"]).oldest_by("id").get().await?;
    assert_eq!(counter.queries.load(Ordering::Relaxed), 1);
    assert_eq!(users.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(), ["user 0", "user 1", "user 2"]);
    assert!(users[0].id > 0 && users[0].r_country_id.is_none() && users[0].secret.is_empty());
    assert_eq!(users[0].state.absent_columns(), ["r_country_id", "secret"]);
    let json = serde_json::to_value(&users[0]).unwrap();
    assert!(json.get("r_country_id").is_none() && json["name"] == "user 0", "{json}");
    let mut user = users[0].clone();
    user.name = "renamed".into();
    let saved = user.save().await;
    assert!(matches!(saved, Err(Error::PartialModel { column: "r_country_id", .. })), "{saved:?}");
    assert_eq!(RUser::on(&h.db).where_("name", "renamed").count().await?, 0, "nothing was written");
    user.refresh().await?;
    assert_eq!((user.name.as_str(), user.r_country_id), ("user 0", Some(7)), "refresh loads it whole");
    assert!(user.state.absent_columns().is_empty());
    user.name = "renamed".into();
    user.save().await?;

    // find, paginate, chunk and cursor read partial models too.
    let found = RUser::on(&h.db).select_partial(["name"]).find_or_fail(user.id).await?;
    assert_eq!((found.name.as_str(), found.r_country_id), ("renamed", None));
    let page = RUser::on(&h.db).select_partial(["r_country_id"]).paginate(PerPage(2), Page(1)).await?;
    assert_eq!((page.total, page.data.len(), page.data[0].r_country_id), (3, 2, Some(7)));
    assert!(page.data[0].name.is_empty());
    let mut seen = 0;
    RUser::on(&h.db)
        .select_partial(["name"])
        .chunk(2, |batch| {
            seen += batch.iter().filter(|u| u.r_country_id.is_none() && !u.name.is_empty()).count();
            async { Ok(true) }
        })
        .await?;
    assert_eq!(seen, 3);
    let streamed: Vec<RUser> = RUser::on(&h.db).select_partial(["name"]).cursor(2).try_collect().await?;
    assert!(streamed.len() == 3 && streamed.iter().all(|u| u.state.is_absent("r_country_id")));

    // Eager loads: the matching keys are added (posts.r_user_id, the pivot's keys).
    counter.queries.store(0, Ordering::Relaxed);
    let users =
        RUser::on(&db).with(["posts:title", "posts.comments:body", "profile:bio"]).oldest_by("id").get().await?;
    assert_eq!(counter.queries.load(Ordering::Relaxed), 4, "users, posts, comments, profiles");
    let posts = users[1].posts.loaded().unwrap();
    assert_eq!(posts.len(), 10);
    assert!(posts.iter().all(|p| p.r_user_id == users[1].id && !p.title.is_empty()));
    assert!(posts[0].state.is_absent("deleted_at"));
    let comments = posts[0].comments.loaded().unwrap();
    assert!(comments.len() == 10 && comments.iter().all(|c| c.r_post_id == posts[0].id && c.author_id.is_none()));
    assert_eq!(users[1].profile.get().map(|p| p.r_user_id), Some(users[1].id));
    let posts = RPost::on(&h.db).with(["tags:name", "author:name"]).oldest_by("id").limit(2).get().await?;
    assert!(posts[0]
        .tags
        .loaded()
        .unwrap()
        .iter()
        .all(|t| ["a", "b"].contains(&t.name.as_str()) && t.deleted_at.is_none()));
    assert!(posts[0].author.get().is_some_and(|a| a.name == "renamed" && a.r_country_id.is_none()));
    let json = serde_json::to_value(&posts[0]).unwrap();
    assert!(json["author"].get("r_country_id").is_none(), "{json}");
    // On models in hand.
    let mut users = RUser::on(&h.db).oldest_by("id").get().await?;
    users.load(["posts:title"]).await?;
    assert!(users[0].posts.loaded().unwrap()[0].state.is_absent("deleted_at"));

    // A nested relation that matches on a column left out: an error, not an empty match.
    let needs_key = RPost::on(&h.db).with(["comments:body", "comments.author"]).get().await;
    assert!(matches!(needs_key, Err(Error::PartialModel { column: "author_id", .. })), "{needs_key:?}");
    let unknown = RPost::on(&h.db).with(["author:nmae"]).get().await;
    assert!(matches!(unknown, Err(Error::ColumnNotFound { .. })), "{unknown:?}");
    Ok(())
}
