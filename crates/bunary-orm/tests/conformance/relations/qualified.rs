//! Relations whose tables, pivot and intermediate table are schema-qualified
//! (`app.post_tag`): the columns are qualified by the bare table name, the tables by the
//! whole one. The schema's name differs by database, so each suite file declares the test
//! with its own names: `qualified_relations!(harness, setup: "…", users: "app.q_users", …)`.

/// Declares the models on the given tables and a test of them on `$make`'s harness.
#[macro_export]
macro_rules! qualified_relations {
    ($make:ident, setup: $setup:tt, users: $users:tt, posts: $posts:tt, tags: $tags:tt, pivot: $pivot:tt, countries: $countries:tt) => {
        mod qualified_relations {
            use bunary_orm::prelude::*;
            use bunary_orm::schema::Schema;

            #[derive(Model, Debug, Clone, Default)]
            #[orm(table = $countries, timestamps = false)]
            pub struct QCountry {
                pub id: i64,
                pub name: String,
                #[orm(through = "QUser")]
                pub posts: HasMany<QPost>,
                pub state: ModelState,
            }

            #[derive(Model, Debug, Clone, Default)]
            #[orm(table = $users, timestamps = false)]
            pub struct QUser {
                pub id: i64,
                pub q_country_id: i64,
                pub posts: HasMany<QPost>,
                pub state: ModelState,
            }

            #[derive(Model, Debug, Clone, Default)]
            #[orm(table = $posts, timestamps = false)]
            pub struct QPost {
                pub id: i64,
                pub q_user_id: i64,
                pub title: String,
                #[orm(table = $pivot)]
                pub tags: BelongsToMany<QTag>,
                pub state: ModelState,
            }

            #[derive(Model, Debug, Clone, Default)]
            #[orm(table = $tags, timestamps = false)]
            pub struct QTag {
                pub id: i64,
                pub name: String,
                #[orm(table = $pivot)]
                pub posts: BelongsToMany<QPost>,
                pub state: ModelState,
            }

            async fn run(db: &bunary_orm::Db) -> Result<()> {
                if !$setup.is_empty() {
                    db.exec_batch($setup).await?;
                }
                let schema = Schema::on(db);
                for table in [$pivot, $posts, $tags, $users, $countries] {
                    schema.drop_table_if_exists(table).await?;
                }
                schema
                    .create_table($countries, |t| {
                        t.id();
                        t.string("name", 50);
                    })
                    .await?;
                schema
                    .create_table($users, |t| {
                        t.id();
                        t.big_integer("q_country_id");
                    })
                    .await?;
                schema
                    .create_table($posts, |t| {
                        t.id();
                        t.big_integer("q_user_id");
                        t.string("title", 50);
                    })
                    .await?;
                schema
                    .create_table($tags, |t| {
                        t.id();
                        t.string("name", 50);
                    })
                    .await?;
                schema
                    .create_table($pivot, |t| {
                        t.big_integer("q_post_id");
                        t.big_integer("q_tag_id");
                    })
                    .await?;

                let country = QCountry::on(db).create(record! { "name" => "NL" }).await?;
                let user = QUser::on(db).create(record! { "q_country_id" => country.id }).await?;
                let post = user.posts().create(record! { "title" => "p" }).await?;
                user.posts().create(record! { "title" => "untagged" }).await?;
                let a = QTag::on(db).create(record! { "name" => "a" }).await?;
                let b = QTag::on(db).create(record! { "name" => "b" }).await?;
                post.tags().attach([a.id, b.id]).await?;

                let posts = QPost::on(db).with(["tags"]).with_count(["tags"]).oldest_by("id").get().await?;
                assert_eq!(posts[0].tags.loaded().map(<[QTag]>::len), Some(2));
                assert_eq!((posts[0].tags.count(), posts[1].tags.count()), (Some(2), Some(0)));
                assert_eq!(QPost::on(db).has("tags").count().await?, 1);
                assert_eq!(QPost::on(db).where_has("tags", |q| q.where_("name", "b")).count().await?, 1);
                assert_eq!(post.tags().pluck::<String>("name").await?.len(), 2);
                let changes = post.tags().sync([b.id]).await?;
                assert_eq!(changes.detached.len(), 1);
                let tags = QTag::on(db).with(["posts"]).oldest_by("id").get().await?;
                assert_eq!(
                    tags.iter().map(|t| t.posts.loaded().map(<[QPost]>::len)).collect::<Vec<_>>(),
                    [Some(0), Some(1)]
                );

                // Through a schema-qualified intermediate table.
                let countries = QCountry::on(db).with(["posts"]).with_count(["posts"]).get().await?;
                assert_eq!(countries[0].posts.loaded().map(<[QPost]>::len), Some(2));
                assert_eq!(countries[0].posts.count(), Some(2));
                assert_eq!(QCountry::on(db).where_has("posts", |q| q.where_("title", "p")).count().await?, 1);
                assert_eq!(country.posts().count().await?, 2);

                for table in [$pivot, $posts, $tags, $users, $countries] {
                    schema.drop_table_if_exists(table).await?;
                }
                Ok(())
            }

            #[tokio::test]
            async fn schema_qualified_tables_pivots_and_intermediates() {
                if let Some(h) = super::$make().await {
                    run(&h.db).await.unwrap();
                    h.cleanup().await;
                }
            }
        }
    };
}
