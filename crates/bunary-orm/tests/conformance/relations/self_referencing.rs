//! Relations of a model to itself (a category's parent, children and links): querying by them
//! needs the related table aliased, loading them does not.

use bunary_orm::prelude::*;

use super::super::Harness;
use super::*;

/// root → a → a1, root → b; root links to b, b links to a1.
async fn tree(h: &Harness) -> Result<()> {
    tables(h).await?;
    let root = RCategory::on(&h.db).create(record! { "name" => "root" }).await?;
    let a = root.children().create(record! { "name" => "a" }).await?;
    let b = root.children().create(record! { "name" => "b" }).await?;
    let a1 = a.children().create(record! { "name" => "a1" }).await?;
    root.links().attach([b.id]).await?;
    b.links().attach([a1.id]).await?;
    Ok(())
}

async fn names(query: ModelQuery<RCategory>) -> Result<Vec<String>> {
    query.oldest_by("id").pluck::<String>("name").await
}

pub async fn self_referencing_relations_query_and_load(h: &Harness) -> Result<()> {
    tree(h).await?;
    let q = || RCategory::on(&h.db);
    assert_eq!(names(q().has("children")).await?, ["root", "a"]);
    assert_eq!(names(q().doesnt_have("children")).await?, ["b", "a1"]);
    assert_eq!(names(q().has("children.children")).await?, ["root"], "nested: a grandchild");
    assert_eq!(names(q().has("children.children.children")).await?, Vec::<String>::new());
    assert_eq!(names(q().where_has("children", |c| c.where_("name", "a1"))).await?, ["a"]);
    assert_eq!(names(q().has("parent")).await?, ["a", "b", "a1"]);
    assert_eq!(names(q().where_relation("parent", "name", "root")).await?, ["a", "b"]);
    assert_eq!(names(q().has("parent.parent")).await?, ["a1"]);
    assert_eq!(names(q().has_count("children", ">=", 2)).await?, ["root"]);
    assert_eq!(names(q().has("links")).await?, ["root", "b"]);
    assert_eq!(names(q().where_has("links", |l| l.where_("name", "a1"))).await?, ["b"]);
    assert_eq!(names(q().has("links.children")).await?, Vec::<String>::new(), "b and a1 have no children");
    assert_eq!(names(q().has("children.links")).await?, ["root"], "b, root's child, links");
    // The user's conditions beside it still name the outer table.
    assert_eq!(names(q().has("children").where_("name", "a")).await?, ["a"]);

    let loaded =
        q().with(["children.children", "parent", "links"]).with_count(["children"]).oldest_by("id").get().await?;
    let child_names =
        |c: &RCategory| -> Vec<String> { c.children.loaded().unwrap().iter().map(|c| c.name.clone()).collect() };
    assert_eq!(child_names(&loaded[0]), ["a", "b"]);
    assert_eq!(child_names(&loaded[0].children.loaded().unwrap()[0]), ["a1"]);
    assert_eq!(loaded[3].parent.get().map(|p| p.name.as_str()), Some("a"));
    assert!(loaded[0].parent.get().is_none());
    assert_eq!(loaded.iter().map(|c| c.children.count()).collect::<Vec<_>>(), [Some(2), Some(1), Some(0), Some(0)]);
    assert_eq!(loaded[2].links.loaded().unwrap()[0].name, "a1");
    Ok(())
}
