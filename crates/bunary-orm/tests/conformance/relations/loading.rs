//! Eager loading, relation queries and writes, aggregates, through and polymorphic relations.

use bunary_orm::prelude::*;
use bunary_orm::{MorphTarget, QueryProblem};
use futures_util::TryStreamExt;

use super::super::Harness;
use super::*;

pub async fn eager_loading_runs_a_fixed_number_of_queries(h: &Harness) -> Result<()> {
    tables(h).await?;
    let (db, counter) = counting(h);
    let mut seeded = 0;
    for n in [1usize, 10, 100] {
        seed(h, n - seeded).await?;
        seeded = n;
        counter.queries.store(0, Ordering::Relaxed);
        let users = RUser::on(&db)
            .with(["posts", "posts.comments", "posts.comments.author", "profile", "posts.author", "posts.tags"])
            .get()
            .await?;
        // users, posts, comments, comment authors, post authors, post tags (through the pivot), profiles.
        assert_eq!(counter.queries.load(Ordering::Relaxed), 7, "{n} users: one query per relation per level");
        assert_eq!(users.len(), n);
        for user in &users {
            let posts = user.posts.loaded().expect("posts loaded");
            assert_eq!(posts.len(), 10);
            assert_eq!(user.profile.get().map(|p| p.r_user_id), Some(user.id));
            for post in posts {
                assert_eq!(post.r_user_id, user.id);
                assert_eq!(post.author.get().map(|a| a.id), Some(user.id));
                let mut tags: Vec<i64> = post.tags.loaded().expect("tags loaded").iter().map(|t| t.id).collect();
                tags.sort_unstable();
                assert_eq!(tags, [1, 2]);
                let comments = post.comments.loaded().expect("comments loaded");
                assert_eq!(comments.len(), 10);
                assert!(comments.iter().all(|c| c.r_post_id == post.id && c.author.get().is_some()));
            }
        }
    }
    Ok(())
}

pub async fn relations_are_queries_that_write_keys_and_keep_scopes(h: &Harness) -> Result<()> {
    tables(h).await?;
    let ada = RUser::on(&h.db).create(record! { "name" => "Ada", "secret" => "x" }).await?;
    let bob = RUser::on(&h.db).create(record! { "name" => "Bob", "secret" => "y" }).await?;
    // Writes through a relation set the foreign key.
    let first = ada.posts().create(record! { "title" => "first" }).await?;
    assert_eq!(first.r_user_id, ada.id);
    let mut second = RPost { title: "second".into(), ..Default::default() };
    ada.posts().save(&mut second).await?;
    assert_eq!(second.r_user_id, ada.id);
    assert!(second.exists());
    let many = bob.posts().create_many([record! { "title" => "b1" }, record! { "title" => "b2" }]).await?;
    assert!(many.iter().all(|p| p.r_user_id == bob.id));
    // A relation is a query: constraints, order, counts, and the related model's scopes.
    assert_eq!(ada.posts().count().await?, 2);
    assert_eq!(ada.posts().where_("title", "second").count().await?, 1);
    let latest = ada.posts().latest_by("id").first_or_fail().await?;
    assert_eq!(latest.title, "second");
    let mut gone = latest.clone();
    gone.delete().await?;
    assert_eq!(ada.posts().count().await?, 1, "a soft-deleted post is left out");
    assert_eq!(ada.posts().with_trashed().count().await?, 2);
    let users = RUser::on(&h.db).with(["posts"]).oldest_by("id").get().await?;
    assert_eq!(users[0].posts.loaded().map(<[RPost]>::len), Some(1), "eager loads keep the scope too");
    // belongs-to as a query.
    let author = first.author().first_or_fail().await?;
    assert_eq!(author.name, "Ada");
    // A model that was never saved has no related rows.
    let nobody = RUser { state: ModelState::on(&h.db), ..Default::default() };
    assert_eq!(nobody.posts().count().await?, 0);
    Ok(())
}

pub async fn loaded_relations_serialise_and_missing_ones_are_none(h: &Harness) -> Result<()> {
    tables(h).await?;
    let ada = RUser::on(&h.db).create(record! { "name" => "Ada", "secret" => "hidden" }).await?;
    let post = ada.posts().create(record! { "title" => "hello" }).await?;
    RComment::on(&h.db)
        .create(record! { "r_post_id" => post.id, "body" => "orphan", "author_id" => Option::<i64>::None })
        .await?;
    let loaded = RPost::on(&h.db).with(["author", "comments.author"]).find_or_fail(post.id).await?;
    let json = serde_json::to_value(&loaded).unwrap();
    assert_eq!(json["author"]["name"], "Ada");
    assert!(json["author"].get("secret").is_none(), "hidden columns of related models stay hidden");
    assert_eq!(json["comments"][0]["body"], "orphan");
    assert!(json["comments"][0]["author"].is_null(), "a missing parent is null");
    assert!(matches!(loaded.comments.loaded().unwrap()[0].author.loaded(), Some(None)), "loaded, and there is none");
    let plain = RPost::on(&h.db).find_or_fail(post.id).await?;
    assert!(plain.author.loaded().is_none() && plain.author.get().is_none(), "not loaded: no hidden query");
    let json = serde_json::to_value(&plain).unwrap();
    assert!(json.get("author").is_none() && json.get("comments").is_none(), "relations not loaded are left out");
    let profile_less = RUser::on(&h.db).with(["profile"]).find_or_fail(ada.id).await?;
    assert!(matches!(profile_less.profile.loaded(), Some(None)));
    Ok(())
}

pub async fn relation_errors_are_typed_and_come_before_sql(h: &Harness) -> Result<()> {
    tables(h).await?;
    let (db, counter) = counting(h);
    let typo = RPost::on(&db).with(["autor"]).get().await;
    match typo {
        Err(Error::UnknownRelation { model: "RPost", relation, known }) => {
            assert_eq!(relation, "autor");
            assert_eq!(known, ["comments", "author", "tags"]);
        }
        other => panic!("expected UnknownRelation, got {other:?}"),
    }
    let nested = RUser::on(&db).with(["posts.commnets"]).get().await;
    assert!(matches!(nested, Err(Error::UnknownRelation { model: "RPost", .. })), "{nested:?}");
    assert_eq!(counter.queries.load(Ordering::Relaxed), 0, "refused before any SQL");
    // No parents: no query for their relations.
    let none = RUser::on(&db).where_("name", "nobody").with(["posts", "profile"]).get().await?;
    assert!(none.is_empty());
    assert_eq!(counter.queries.load(Ordering::Relaxed), 1, "only the parents' query");
    // A relation whose key is not a column fails at first use, never returns nothing.
    RMember::on(&h.db).create(record! { "name" => "m" }).await?;
    let broken = RMember::on(&h.db).with(["broken"]).get().await;
    assert!(
        matches!(&broken, Err(Error::InvalidRelation { relation: "broken", column, .. }) if column == "no_such_column"),
        "{broken:?}"
    );
    let member = RMember::on(&h.db).first_or_fail().await?;
    assert!(matches!(member.broken().get().await, Err(Error::InvalidRelation { .. })));
    Ok(())
}

pub async fn uuid_keys_and_keys_named_by_hand(h: &Harness) -> Result<()> {
    tables(h).await?;
    let team = RTeam::on(&h.db).create(record! { "name" => "core" }).await?;
    assert!(!team.id.is_nil());
    team.members().create_many([record! { "name" => "a" }, record! { "name" => "b" }]).await?;
    RMember::on(&h.db).create(record! { "name" => "free agent" }).await?;
    let teams = RTeam::on(&h.db).with(["members"]).get().await?;
    assert_eq!(teams[0].members.loaded().map(<[RMember]>::len), Some(2));
    let members = RMember::on(&h.db).with(["team"]).oldest_by("id").get().await?;
    assert_eq!(members[0].team.get().map(|t| t.id), Some(team.id));
    assert!(matches!(members[2].team.loaded(), Some(None)), "a null foreign key has no parent");
    assert_eq!(members[2].team().count().await?, 0, "and its relation query finds none");
    let defaulted = RMember::on(&h.db).with(["team_or_default"]).oldest_by("id").get().await?;
    assert_eq!(defaulted[0].team_or_default.get().map(|t| t.id), Some(team.id));
    let stand_in = defaulted[2].team_or_default.get().expect("a default team");
    assert!(stand_in.id.is_nil() && !stand_in.exists(), "with_default: a new, unsaved model");
    Ok(())
}

pub async fn load_onto_models_in_hand_and_associate(h: &Harness) -> Result<()> {
    tables(h).await?;
    seed(h, 3).await?;
    let (db, counter) = counting(h);
    let mut users = RUser::on(&db).oldest_by("id").get().await?;
    counter.queries.store(0, Ordering::Relaxed);
    users.load(["posts.comments", "profile"]).await?;
    assert_eq!(counter.queries.load(Ordering::Relaxed), 3, "posts, comments, profiles");
    assert!(users.iter().all(|u| u.posts.loaded().is_some_and(|p| p.len() == 10)));
    users.load_missing(["posts", "profile"]).await?;
    assert_eq!(counter.queries.load(Ordering::Relaxed), 3, "nothing missing, nothing run");
    let mut one = RUser::on(&db).find_or_fail(users[0].id).await?;
    one.load_missing(["profile"]).await?;
    assert!(one.profile.get().is_some());
    assert!(matches!(one.load(["nope"]).await, Err(Error::UnknownRelation { .. })));

    // associate / dissociate set the foreign key (and the relation); save writes it.
    let mut post = RPost::on(&db).where_("r_user_id", users[0].id).first_or_fail().await?;
    post.associate_author(&users[1])?;
    assert_eq!(post.r_user_id, users[1].id);
    assert_eq!(post.author.get().map(|a| a.id), Some(users[1].id));
    post.save().await?;
    assert_eq!(RPost::on(&db).find_or_fail(post.id).await?.r_user_id, users[1].id);
    let mut comment = RComment::on(&db).first_or_fail().await?;
    comment.dissociate_author()?;
    assert_eq!(comment.author_id, None);
    comment.save().await?;
    assert!(comment.author().first().await?.is_none());
    assert!(matches!(post.dissociate_author(), Err(Error::Decode { .. })), "a foreign key that cannot be empty");
    Ok(())
}

pub async fn many_to_many_attach_detach_sync_toggle_and_eager_load(h: &Harness) -> Result<()> {
    tables(h).await?;
    let ada = RUser::on(&h.db).create(record! { "name" => "Ada", "secret" => "x" }).await?;
    let post = ada.posts().create(record! { "title" => "tagged" }).await?;
    let other = ada.posts().create(record! { "title" => "other" }).await?;
    let tags =
        RTag::on(&h.db).create_many(["rust", "sql", "orm", "gone"].map(|name| record! { "name" => name })).await?;
    let id = |i: usize| tags[i].id;
    assert_eq!(post.tags().attach([id(0), id(1)]).await?, 2);
    assert_eq!(post.tags().count().await?, 2);
    let names: Vec<String> = post.tags().oldest_by("r_tags.id").pluck("name").await?;
    assert_eq!(names, ["rust", "sql"]);
    // sync: exactly these; sync_without_detaching adds; toggle flips.
    let changes = post.tags().sync([id(1), id(2)]).await?;
    assert_eq!(changes.attached, [Value::from(id(2))]);
    assert_eq!(changes.detached, [Value::from(id(0))]);
    let changes = post.tags().sync_without_detaching([id(0), id(1)]).await?;
    assert_eq!((changes.attached, changes.detached), (vec![Value::from(id(0))], vec![]));
    let changes = post.tags().toggle([id(0), id(3)]).await?;
    assert_eq!((changes.attached, changes.detached), (vec![Value::from(id(3))], vec![Value::from(id(0))]));
    assert_eq!(post.tags().detach([id(2)]).await?, 1);
    other.tags().attach([id(1)]).await?;
    // The related model's scope holds through the pivot: a trashed tag is left out.
    let mut gone = tags[3].clone();
    gone.delete().await?;
    assert_eq!(post.tags().count().await?, 1, "sql only: the trashed tag is left out");
    // Eager loads: both directions, one query per level.
    let (db, counter) = counting(h);
    let posts = RPost::on(&db).with(["tags.posts"]).oldest_by("id").get().await?;
    assert_eq!(counter.queries.load(Ordering::Relaxed), 3, "posts, their tags, the tags' posts");
    let tag_names = |p: &RPost| p.tags.loaded().unwrap().iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    assert_eq!(tag_names(&posts[0]), ["sql"]);
    assert_eq!(tag_names(&posts[1]), ["sql"]);
    let sql = &posts[0].tags.loaded().unwrap()[0];
    assert_eq!(sql.posts.loaded().map(<[RPost]>::len), Some(2), "nested through the pivot the other way");
    assert!(sql.exists() && !sql.is_dirty(), "related models are loaded models");
    // Writing the pivot needs a many-to-many relation's query.
    let refused = RTag::on(&h.db).attach([1]).await;
    assert!(matches!(refused, Err(Error::InvalidQuery { problem: QueryProblem::NotManyToMany { .. } })), "{refused:?}");
    assert_eq!(post.tags().detach_all().await?, 2, "the trashed tag's pivot row goes too");
    assert_eq!(post.tags().with_trashed().count().await?, 0);
    Ok(())
}

pub async fn querying_by_relations_with_exists_subqueries(h: &Harness) -> Result<()> {
    tables(h).await?;
    let ada = RUser::on(&h.db).create(record! { "name" => "Ada", "secret" => "x" }).await?;
    let bob = RUser::on(&h.db).create(record! { "name" => "Bob", "secret" => "x" }).await?;
    let cy = RUser::on(&h.db).create(record! { "name" => "Cy", "secret" => "x" }).await?;
    let ada_post = ada.posts().create(record! { "title" => "rust" }).await?;
    ada.posts().create(record! { "title" => "sql" }).await?;
    let mut bob_post = bob.posts().create(record! { "title" => "gone" }).await?;
    bob_post.delete().await?;
    RComment::on(&h.db).create(record! { "r_post_id" => ada_post.id, "body" => "nice", "author_id" => cy.id }).await?;
    let tag = RTag::on(&h.db).create(record! { "name" => "lang" }).await?;
    ada_post.tags().attach([tag.id]).await?;

    let names = |users: Vec<RUser>| users.into_iter().map(|u| u.name).collect::<Vec<_>>();
    let q = || RUser::on(&h.db).oldest_by("id");
    assert_eq!(names(q().has("posts").get().await?), ["Ada"], "Bob's only post is trashed");
    assert_eq!(names(q().doesnt_have("posts").get().await?), ["Bob", "Cy"]);
    assert_eq!(names(q().has_count("posts", ">=", 2).get().await?), ["Ada"]);
    assert_eq!(names(q().has("posts.comments").get().await?), ["Ada"], "nested");
    assert_eq!(names(q().has("posts.tags").get().await?), ["Ada"], "through a pivot");
    assert_eq!(names(q().where_has("posts", |p| p.where_("title", "sql")).get().await?), ["Ada"]);
    assert_eq!(names(q().where_relation("posts", "title", "gone").get().await?), Vec::<String>::new());
    // An `or_where` inside the constraint cannot escape the correlation or the scope.
    let loose = q().where_has("posts", |p| p.where_("title", "nothing").or_where("title", "gone")).get().await?;
    assert!(loose.is_empty(), "{:?}", names(loose));
    assert_eq!(names(q().where_doesnt_have("posts", |p| p.where_("title", "rust")).get().await?), ["Bob", "Cy"]);
    // belongs-to and the other way round.
    let commented = RPost::on(&h.db).has("comments").where_has("author", |u| u.where_("name", "Ada")).count().await?;
    assert_eq!(commented, 1);
    assert_eq!(RComment::on(&h.db).where_relation("author", "name", "Cy").count().await?, 1);
    assert_eq!(RTag::on(&h.db).has("posts").count().await?, 1);
    assert_eq!(names(q().has("profile").or_has("posts").get().await?), ["Ada"]);
    // A typo is a typed error before any SQL.
    let (db, counter) = counting(h);
    let typo = RUser::on(&db).has("post").get().await;
    assert!(matches!(typo, Err(Error::UnknownRelation { model: "RUser", .. })), "{typo:?}");
    let nested_typo = RUser::on(&db).where_has("posts.coments", |q| q).get().await;
    assert!(matches!(nested_typo, Err(Error::UnknownRelation { model: "RPost", .. })), "{nested_typo:?}");
    assert_eq!(counter.queries.load(Ordering::Relaxed), 0);
    Ok(())
}

pub async fn relation_aggregates_load_in_one_query_each(h: &Harness) -> Result<()> {
    tables(h).await?;
    seed(h, 3).await?;
    let mut trashed = RPost::on(&h.db).oldest_by("id").first_or_fail().await?;
    trashed.delete().await?;
    let (db, counter) = counting(h);
    let users = RUser::on(&db)
        .with_count(["posts"])
        .with_exists(["posts"])
        .with_max("posts", "id")
        .with_sum("posts", "id")
        .oldest_by("id")
        .get()
        .await?;
    assert_eq!(counter.queries.load(Ordering::Relaxed), 5, "the users, then one grouped query per aggregate");
    assert_eq!(
        users.iter().map(|u| u.posts.count()).collect::<Vec<_>>(),
        [Some(9), Some(10), Some(10)],
        "a trashed post is not counted"
    );
    assert!(users.iter().all(|u| u.posts.exists() == Some(true)));
    assert!(users[0].posts.loaded().is_none(), "counting loads no posts");
    let last_of_first = RPost::on(&h.db).where_("r_user_id", users[0].id).max::<i64>("id").await?;
    assert_eq!(users[0].posts.max("id").map(|v| v.to_string()), Some(last_of_first.to_string()));
    assert!(users[0].posts.sum("id").is_some());
    let json = serde_json::to_value(&users[0]).unwrap();
    assert_eq!(json["posts_count"], 9, "the count serialises as Eloquent's attribute");
    // No related row: a count of 0, a sum of NULL.
    let lonely = RUser::on(&h.db).create(record! { "name" => "lonely", "secret" => "x" }).await?;
    let found = RUser::on(&h.db).with_count(["posts"]).with_sum("posts", "id").find_or_fail(lonely.id).await?;
    assert_eq!(found.posts.count(), Some(0));
    assert_eq!(found.posts.sum("id"), Some(&Value::Null));
    // Through a pivot, and typed errors.
    let tags = RTag::on(&h.db).with_count(["posts"]).oldest_by("id").get().await?;
    assert_eq!(tags.iter().map(|t| t.posts.count()).collect::<Vec<_>>(), [Some(29), Some(29), Some(0)]);
    let single = RPost::on(&h.db).with_count(["author"]).get().await;
    assert!(matches!(single, Err(Error::InvalidQuery { problem: QueryProblem::NotAList { .. } })), "{single:?}");
    let bad_column = RUser::on(&h.db).with_sum("posts", "id; DROP TABLE r_posts").get().await;
    assert!(matches!(bad_column, Err(Error::InvalidIdentifier { .. })), "{bad_column:?}");
    let typo = RUser::on(&h.db).with_count(["post"]).get().await;
    assert!(matches!(typo, Err(Error::UnknownRelation { .. })));
    Ok(())
}

pub async fn constrained_eager_loads_keep_their_keys_and_scopes(h: &Harness) -> Result<()> {
    tables(h).await?;
    seed(h, 2).await?;
    let (db, counter) = counting(h);
    let users = RUser::on(&db)
        .with_constraint("posts", |q| q.where_("title", "post 0.1").or_where("title", "post 1.2"))
        .with_constraint("posts.comments", |q| q.where_("body", "comment 3"))
        .with(["posts.tags"])
        .with_constraint("posts.tags", |q| q.where_("name", "b"))
        .oldest_by("id")
        .get()
        .await?;
    assert_eq!(counter.queries.load(Ordering::Relaxed), 4, "users, posts, comments, tags");
    let titles = |u: &RUser| u.posts.loaded().unwrap().iter().map(|p| p.title.clone()).collect::<Vec<_>>();
    // The constraint's or_where does not escape the parent keys: each user gets only its own post.
    assert_eq!(titles(&users[0]), ["post 0.1"]);
    assert_eq!(titles(&users[1]), ["post 1.2"]);
    for post in users.iter().flat_map(|u| u.posts.loaded().unwrap()) {
        let bodies: Vec<&str> = post.comments.loaded().unwrap().iter().map(|c| c.body.as_str()).collect();
        assert_eq!(bodies, ["comment 3"], "the nested constraint");
        let tags: Vec<&str> = post.tags.loaded().unwrap().iter().map(|t| t.name.as_str()).collect();
        assert_eq!(tags, ["b"], "a constraint through the pivot");
    }
    // A constraint that would reach trashed rows does not: the related model's scope holds.
    let mut post = RPost::on(&h.db).where_("title", "post 0.1").first_or_fail().await?;
    post.delete().await?;
    let again = RUser::on(&h.db)
        .with_constraint("posts", |q| q.where_("title", "post 0.1").or_where_not_null("deleted_at"))
        .oldest_by("id")
        .get()
        .await?;
    assert_eq!(again[0].posts.loaded().map(<[RPost]>::len), Some(0), "the trashed post stays out");
    let typo = RUser::on(&h.db).with_constraint("postz", |q| q).get().await;
    assert!(matches!(typo, Err(Error::UnknownRelation { .. })));
    // chunk and cursor load each batch's relations (one query per relation per batch).
    let mut seen = Vec::new();
    RUser::on(&h.db)
        .with(["posts"])
        .with_count(["posts"])
        .chunk(1, |users| {
            seen.extend(users.iter().map(|u| (u.posts.loaded().map(<[RPost]>::len), u.posts.count())));
            async { Ok(true) }
        })
        .await?;
    assert_eq!(seen, [(Some(9), Some(9)), (Some(10), Some(10))]);
    let streamed: Vec<RUser> = RUser::on(&h.db).with(["profile"]).cursor(1).try_collect().await?;
    assert!(streamed.len() == 2 && streamed.iter().all(|u| u.profile.get().is_some()));
    let refused = RUser::on(&h.db).with(["nope"]).chunk(1, |_| async { Ok(true) }).await;
    assert!(matches!(refused, Err(Error::UnknownRelation { .. })));
    Ok(())
}

pub async fn has_many_and_has_one_through_an_intermediate_model(h: &Harness) -> Result<()> {
    tables(h).await?;
    let uk = RCountry::on(&h.db).create(record! { "name" => "uk" }).await?;
    let fr = RCountry::on(&h.db).create(record! { "name" => "fr" }).await?;
    let empty = RCountry::on(&h.db).create(record! { "name" => "empty" }).await?;
    let ada = RUser::on(&h.db).create(record! { "name" => "Ada", "secret" => "x", "r_country_id" => uk.id }).await?;
    let alan = RUser::on(&h.db).create(record! { "name" => "Alan", "secret" => "x", "r_country_id" => uk.id }).await?;
    let marie =
        RUser::on(&h.db).create(record! { "name" => "Marie", "secret" => "x", "r_country_id" => fr.id }).await?;
    ada.posts().create_many([record! { "title" => "a1" }, record! { "title" => "a2" }]).await?;
    alan.posts().create(record! { "title" => "t1" }).await?;
    let mut gone = marie.posts().create(record! { "title" => "m1" }).await?;
    gone.delete().await?;

    let (db, counter) = counting(h);
    let countries = RCountry::on(&db).with(["posts", "a_post"]).oldest_by("id").get().await?;
    assert_eq!(counter.queries.load(Ordering::Relaxed), 3, "countries, their posts, their first posts");
    let titles = |c: &RCountry| {
        let mut t: Vec<String> = c.posts.loaded().unwrap().iter().map(|p| p.title.clone()).collect();
        t.sort();
        t
    };
    assert_eq!(titles(&countries[0]), ["a1", "a2", "t1"]);
    assert!(titles(&countries[1]).is_empty(), "a trashed post is left out");
    assert!(titles(&countries[2]).is_empty());
    assert!(countries[0].a_post.get().is_some() && matches!(countries[2].a_post.loaded(), Some(None)));
    // As a query, and in has / where_has.
    assert_eq!(uk.posts().count().await?, 3);
    assert_eq!(uk.posts().where_("title", "t1").count().await?, 1);
    let with_posts: Vec<String> = RCountry::on(&h.db).has("posts").pluck("name").await?;
    assert_eq!(with_posts, ["uk"]);
    let names: Vec<String> = RCountry::on(&h.db).where_has("posts", |q| q.where_("title", "m1")).pluck("name").await?;
    assert!(names.is_empty(), "trashed: {names:?}");
    assert_eq!(empty.posts().count().await?, 0);
    // Aggregates through the intermediate model: one grouped query, the scopes kept.
    let counted = RCountry::on(&h.db).with_count(["posts"]).with_max("posts", "id").oldest_by("id").get().await?;
    assert_eq!(counted.iter().map(|c| c.posts.count()).collect::<Vec<_>>(), [Some(3), Some(0), Some(0)]);
    assert!(counted[0].posts.max("id").is_some_and(|v| !v.is_null()));
    assert_eq!(serde_json::to_value(&counted[0]).unwrap()["posts_count"], 3);
    Ok(())
}

pub async fn pivot_columns_are_written_and_read_back(h: &Harness) -> Result<()> {
    tables(h).await?;
    let ada = RUser::on(&h.db).create(record! { "name" => "Ada", "secret" => "x" }).await?;
    let core = RTeam::on(&h.db).create(record! { "name" => "core" }).await?;
    let docs = RTeam::on(&h.db).create(record! { "name" => "docs" }).await?;
    ada.teams().attach_with(core.id, record! { "role" => "lead" }).await?;
    ada.teams().attach([docs.id]).await?;
    let loaded = RUser::on(&h.db).with(["teams"]).find_or_fail(ada.id).await?;
    let roles: Vec<(String, Option<String>)> = loaded
        .teams
        .with_pivots()
        .map(|(team, pivot)| {
            (team.name.clone(), pivot.get("role").and_then(|v| Option::<String>::from_value(v).ok().flatten()))
        })
        .collect::<Vec<_>>();
    let mut roles = roles;
    roles.sort();
    assert_eq!(roles, [("core".to_owned(), Some("lead".to_owned())), ("docs".to_owned(), None)]);
    assert!(loaded.teams.pivot(0).and_then(|p| p.get("created_at")).is_some_and(|v| !v.is_null()), "pivot timestamps");
    assert_eq!(ada.teams().update_existing_pivot(docs.id, record! { "role" => "writer" }).await?, 1);
    let writers: Vec<String> = ada.teams().where_pivot("role", "writer").pluck("name").await?;
    assert_eq!(writers, ["docs"]);
    let ordered: Vec<String> = ada.teams().order_by_pivot("role", Direction::Asc).pluck("name").await?;
    assert_eq!(ordered, ["core", "docs"], "lead before writer");
    let refused = RTeam::on(&h.db).where_pivot("role", "x").get().await;
    assert!(matches!(refused, Err(Error::InvalidQuery { problem: QueryProblem::NotManyToMany { .. } })));
    // sync with pivot values: unchanged keys are left alone, changed ones reported as updated
    // (UUID keys compare equal however the pivot column stores them).
    let ops = RTeam::on(&h.db).create(record! { "name" => "ops" }).await?;
    let changes = ada
        .teams()
        .sync_with_pivot([
            (core.id, record! { "role" => "lead" }),
            (docs.id, record! { "role" => "editor" }),
            (ops.id, record! { "role" => "oncall" }),
        ])
        .await?;
    assert_eq!(changes.attached, [Value::from(ops.id)]);
    assert_eq!(changes.updated, [Value::from(docs.id)], "core's role did not change");
    assert!(changes.detached.is_empty());
    // A sync whose attach fails leaves the pivot as it was: its detach is undone with it.
    let failed = ada.teams().sync_with_pivot([(ops.id, record! { "no_such_column" => 1 })]).await;
    assert!(matches!(failed, Err(Error::Database { .. })), "{failed:?}");
    assert_eq!(ada.teams().count().await?, 3, "nothing was detached");
    let changes = ada.teams().sync([ops.id]).await?;
    assert_eq!(changes.detached.len(), 2);
    assert!(changes.attached.is_empty() && changes.updated.is_empty());
    let left: Vec<String> = ada.teams().pluck("name").await?;
    assert_eq!(left, ["ops"]);
    Ok(())
}

pub async fn a_child_that_touches_updates_its_parent(h: &Harness) -> Result<()> {
    tables(h).await?;
    let thread = RThread::on(&h.db).create(record! { "title" => "t" }).await?;
    let old = chrono::NaiveDateTime::parse_from_str("2000-01-01 00:00:00", "%Y-%m-%d %H:%M:%S").unwrap();
    let stamped = || async { Ok::<_, Error>(RThread::on(&h.db).find_or_fail(thread.id).await?.updated_at.unwrap()) };
    let reset = || async { h.db.table("r_threads").update(record! { "updated_at" => old }).await };
    reset().await?;
    let mut reply = thread.replies().create(record! { "body" => "first" }).await?;
    assert!(stamped().await? > old, "an insert touches the parent");
    reset().await?;
    reply.save().await?;
    assert_eq!(stamped().await?, old, "a save that writes nothing touches nothing");
    reply.body = "edited".into();
    reply.save().await?;
    assert!(stamped().await? > old, "an update touches the parent");
    reset().await?;
    reply.delete().await?;
    assert!(stamped().await? > old, "a delete touches the parent");
    Ok(())
}

pub async fn polymorphic_has_many_and_has_one(h: &Harness) -> Result<()> {
    tables(h).await?;
    let user = RUser::on(&h.db).create(record! { "name" => "Ada", "secret" => "x" }).await?;
    let thread = RThread::on(&h.db).create(record! { "title" => "t" }).await?;
    assert_eq!(user.id, thread.id, "the same key on two parents: only the type tells them apart");
    let note = user.notes().create(record! { "body" => "on a user" }).await?;
    assert_eq!((note.notable_type.as_str(), note.notable_id), ("r_user", user.id), "a morph name, not a Rust path");
    thread.notes().create_many([record! { "body" => "on a thread" }, record! { "body" => "again" }]).await?;
    let (db, counter) = counting(h);
    let users = RUser::on(&db).with(["notes"]).get().await?;
    let threads = RThread::on(&db).with(["notes", "first_note"]).with_count(["notes"]).get().await?;
    assert_eq!(
        counter.queries.load(Ordering::Relaxed),
        6,
        "users and their notes; threads, notes, first notes, counts"
    );
    assert_eq!(users[0].notes.loaded().map(<[RNote]>::len), Some(1));
    assert_eq!(threads[0].notes.loaded().map(<[RNote]>::len), Some(2));
    assert_eq!(threads[0].notes.count(), Some(2));
    assert!(threads[0].first_note.get().is_some_and(|n| n.notable_type == "thread"));
    assert_eq!(user.notes().count().await?, 1);
    assert_eq!(RThread::on(&h.db).where_has("notes", |q| q.where_("body", "on a user")).count().await?, 0);
    assert_eq!(RUser::on(&h.db).has("notes").count().await?, 1);

    // The inverse: each note's parent, by type; one query for the notes, one per type.
    counter.queries.store(0, Ordering::Relaxed);
    let notes = RNote::on(&db).with(["notable"]).oldest_by("id").get().await?;
    assert_eq!(counter.queries.load(Ordering::Relaxed), 3);
    assert!(matches!(notes[0].notable.get(), Some(Notable::User(u)) if u.name == "Ada"));
    assert!(matches!(notes[1].notable.get(), Some(Notable::Thread(t)) if t.title == "t"));
    let json = serde_json::to_value(&notes[1]).unwrap();
    assert_eq!(json["notable"]["title"], "t", "a loaded morph_to serialises as its model");
    assert_eq!(Notable::names(), ["r_user", "thread"]);
    // A type the target does not list is a typed error, and morph_to has no subquery.
    h.db.table("r_notes")
        .insert(record! { "notable_type" => "App\\Models\\Ghost", "notable_id" => 1, "body" => "?" })
        .await?;
    let unknown = RNote::on(&h.db).with(["notable"]).get().await;
    assert!(
        matches!(unknown, Err(Error::InvalidQuery { problem: QueryProblem::UnknownMorphType { .. } })),
        "{unknown:?}"
    );
    let has = RNote::on(&h.db).has("notable").get().await;
    assert!(matches!(has, Err(Error::InvalidQuery { problem: QueryProblem::NotForMorphTo { .. } })), "{has:?}");
    Ok(())
}
