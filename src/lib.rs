//! detente: reads corpora of news articles and labels who is named and who is
//! conciliatory or threatening toward whom.
//!
//! The stages run in this order over batches of documents: [`split`]
//! (sentences), then the model stage ([`label`]: entities, stance, roles),
//! then [`actors`] (actor codes), then [`write`] (the review CSV).
//! [`core`] owns the data model that all of them share.

pub mod actors;
pub mod core;
pub mod engine;
pub mod error;
pub mod eval;
pub mod label;
pub mod pipeline;
pub mod read;
pub mod review;
pub mod split;
pub mod summarize;
pub mod write;
