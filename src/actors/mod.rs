//! Actors: reads the entities the model found, adds the group names it
//! missed ([`missed`]), and writes, on each, the CAMEO-style code of the
//! political actor it stands for (`IRN`, `IRNGOV`, `IGONAT`), from the
//! dictionaries ([`dictionary`]) and what the document itself says about a
//! name ([`resolve`]), then completes the source and target roles that
//! events are built from ([`roles`]). The scheme is in
//! `datasets/actors/GUIDELINES.md`.

pub mod dictionary;
pub mod missed;
pub mod resolve;
pub mod roles;

pub use dictionary::{fold, Dictionary, DictionaryError};
pub use missed::MissedNameStage;
pub use resolve::{DocActors, Resolver};
pub use roles::EventRoleStage;

use crate::core::Annotated;
use crate::error::StageError;
use crate::pipeline::Stage;

/// The stage that codes actors; it runs after the model stage.
pub struct ActorStage {
    dict: Dictionary,
}

impl ActorStage {
    pub fn new(dict: Dictionary) -> Self {
        ActorStage { dict }
    }
}

impl Stage for ActorStage {
    type Output = Vec<DocActors>;

    fn name(&self) -> &'static str {
        "actors"
    }

    fn predict(&self, batch: &[Annotated]) -> Result<Self::Output, StageError> {
        let resolver = Resolver::new(&self.dict);
        Ok(batch.iter().map(|a| resolver.resolve(a)).collect())
    }

    fn set_annotations(&self, batch: &mut [Annotated], output: Self::Output) {
        for (a, codes) in batch.iter_mut().zip(output) {
            for (s, row) in a.sentences.iter_mut().zip(codes) {
                for (e, code) in s.entities.iter_mut().zip(row) {
                    e.actor = code;
                }
            }
        }
    }
}
