//! Schema introspection on each database (issue 20): columns, indexes and foreign keys as the
//! database reports them, and the `has_*` questions by name or by columns.

use bunary_orm::schema::{ForeignAction, Schema};
use bunary_orm::Result;

use super::Harness;

pub async fn columns_indexes_and_foreign_keys_read_back(h: &Harness) -> Result<()> {
    let schema = Schema::on(&h.db);
    schema
        .create_table("i_users", |t| {
            t.id();
            t.string("email", 100).unique();
            t.string("name", 50).nullable().default("anonymous");
        })
        .await?;
    schema
        .create_table("i_posts", |t| {
            t.id();
            t.foreign_id("i_user_id").constrained_on("i_users", "id").cascade_on_delete();
            t.string("title", 200);
            t.integer("views").default(0);
            t.index(["i_user_id", "title"]).name("i_posts_by_author");
        })
        .await?;
    let columns = schema.get_columns("i_users").await?;
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "email", "name"]);
    assert!(columns[0].auto_increment && !columns[1].auto_increment);
    assert!(!columns[1].nullable && columns[2].nullable);
    assert!(columns[1].type_name.to_lowercase().contains("char"), "{}", columns[1].type_name);
    assert!(columns[2].default.as_deref().is_some_and(|d| d.contains("anonymous")), "{:?}", columns[2].default);
    assert!(schema.has_columns("i_users", ["email", "name"]).await?);
    assert!(!schema.has_columns("i_users", ["email", "nope"]).await?);
    assert!(schema.get_columns("i_nothing").await?.is_empty());

    let indexes = schema.get_indexes("i_users").await?;
    let email = indexes.iter().find(|i| i.columns == ["email"]).expect("the unique index");
    assert!(email.unique && !email.primary && email.name == "i_users_email_unique");
    assert!(indexes.iter().any(|i| i.primary && i.columns == ["id"]), "{indexes:?}");
    assert!(schema.has_index("i_posts", "i_posts_by_author").await?);
    assert!(schema.has_index("i_posts", ["i_user_id", "title"]).await?);
    assert!(!schema.has_index("i_posts", ["title", "i_user_id"]).await?, "columns in order");

    let keys = schema.get_foreign_keys("i_posts").await?;
    assert_eq!(keys.len(), 1);
    let key = &keys[0];
    assert_eq!(key.name.as_deref(), Some("i_posts_i_user_id_foreign"));
    assert_eq!((key.columns.as_slice(), key.foreign_table.as_str()), (&["i_user_id".to_owned()][..], "i_users"));
    assert_eq!(key.foreign_columns, ["id"]);
    assert_eq!(key.on_delete, Some(ForeignAction::Cascade));
    // No action given: MariaDB reports its default as RESTRICT (the same as NO ACTION there).
    assert!(matches!(key.on_update, None | Some(ForeignAction::Restrict)), "{:?}", key.on_update);
    assert!(schema.has_foreign_key("i_posts", ["i_user_id"]).await?);
    assert!(schema.has_foreign_key("i_posts", "i_posts_i_user_id_foreign").await?);
    schema.table("i_posts", |t| t.drop_foreign(["i_user_id"])).await?;
    assert!(!schema.has_foreign_key("i_posts", ["i_user_id"]).await?);
    // A hostile name is refused before any SQL.
    assert!(schema.get_columns("i_users; DROP TABLE i_users").await.is_err());
    assert!(schema.has_table("i_users").await?);
    Ok(())
}
