//! Review in the browser: reads the annotate CSV (and the corpus it came
//! from), serves one document at a time for reviewers to accept or correct
//! ([`server`], with the page in `page.html`), stores every decision in
//! SQLite ([`store`]), shows each reviewer their own corrections
//! ([`state`]), and writes finished documents as gold for `detente eval`
//! with the reviewers' agreement ([`export`]).

pub mod export;
pub mod server;
pub mod state;
pub mod store;
