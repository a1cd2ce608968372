//! What a transaction runs once it ends (Eloquent's `DB::afterCommit`, `afterRollBack`):
//! callbacks registered at a nesting depth, kept by a released savepoint for the level around
//! it, settled by a rolled-back savepoint (its after-commit callbacks dropped, its
//! after-rollback ones run), and run in the order they were registered when the outermost
//! transaction commits (after-commit) or rolls back, fails or is dropped (after-rollback).

use std::sync::Mutex;

/// A callback to run once.
type Callback = Box<dyn FnOnce() + Send>;

/// Which end a callback waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum When {
    Commit,
    Rollback,
}

/// The callbacks of one transaction: `(depth, when, callback)`, depth 0 being the outermost
/// level.
#[derive(Default)]
pub(super) struct Callbacks(Mutex<Vec<(u32, When, Callback)>>);

impl Callbacks {
    fn with<T>(&self, f: impl FnOnce(&mut Vec<(u32, When, Callback)>) -> T) -> T {
        // A callback never runs under the lock, so a poisoned lock still holds a sound list.
        let mut list = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut list)
    }

    /// Registers `callback` at `depth`.
    pub(super) fn add(&self, depth: u32, when: When, callback: Callback) {
        self.with(|list| list.push((depth, when, callback)));
    }

    /// The savepoint at `depth` was released: its callbacks now belong to the level around it.
    pub(super) fn released(&self, depth: u32) {
        self.with(|list| {
            for entry in list.iter_mut().filter(|e| e.0 >= depth) {
                entry.0 = depth.saturating_sub(1);
            }
        });
    }

    /// The savepoint at `depth` was rolled back: its after-commit callbacks are dropped, its
    /// after-rollback ones run.
    pub(super) fn rolled_back(&self, depth: u32) {
        let settled = self.with(|list| take(list, |e| e.0 >= depth));
        run(settled, When::Rollback);
    }

    /// The transaction ended: committed, or not (rolled back, failed, dropped).
    pub(super) fn ended(&self, committed: bool) {
        let all = self.with(std::mem::take);
        run(all, if committed { When::Commit } else { When::Rollback });
    }
}

/// Removes the entries for which `settled` holds, in order.
fn take(
    list: &mut Vec<(u32, When, Callback)>,
    settled: impl Fn(&(u32, When, Callback)) -> bool,
) -> Vec<(u32, When, Callback)> {
    let (out, keep): (Vec<_>, Vec<_>) = std::mem::take(list).into_iter().partition(settled);
    *list = keep;
    out
}

/// Runs the callbacks waiting for `when`, in order; drops the others.
fn run(callbacks: Vec<(u32, When, Callback)>, when: When) {
    for (_, waits_for, callback) in callbacks {
        if waits_for == when {
            callback();
        }
    }
}
