//! Checksums of applied migrations: which changed since they ran, and accepting the change
//! (`migrate:accept`).

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::Result;

use super::migrator::Migrator;
use super::repository::AppliedMigration;
use super::source::Migration;

impl Migrator {
    /// Records the current checksum of every applied migration whose file changed since it ran
    /// (`migrate:accept`): the change is then taken as what ran. Returns their names.
    ///
    /// # Errors
    /// As [`Migrator::migrations`]; the database's error.
    pub async fn accept_changes(&self) -> Result<Vec<String>> {
        let migrations = self.migrations()?;
        let db = self.db().await?;
        let repo = self.repository(&db)?;
        self.locked(&db, || async {
            repo.ensure_table().await?;
            let changed = changed_since_applied(&migrations, &repo.list_applied().await?);
            for (name, sum) in &changed {
                repo.set_checksum(name, sum).await?;
            }
            self.commit_each(&db).await?;
            Ok(changed.into_iter().map(|(name, _)| name).collect())
        })
        .await
    }
}

/// The applied migrations whose checksum now differs from the recorded one, with the new
/// checksum (a side without one is never compared).
pub(super) fn changed_since_applied(
    migrations: &[Arc<dyn Migration>],
    applied: &[AppliedMigration],
) -> Vec<(String, String)> {
    let recorded: HashMap<&str, &str> =
        applied.iter().filter_map(|a| Some((a.name.as_str(), a.checksum.as_deref()?))).collect();
    migrations
        .iter()
        .filter_map(|m| {
            let now = m.checksum()?;
            let then = recorded.get(m.name())?;
            (*then != now).then(|| (m.name().to_owned(), now))
        })
        .collect()
}
