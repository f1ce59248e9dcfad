//! Event roles: reads each sentence's entity roles (from the model) and actor
//! codes, and writes the roles events are built from. The model marks who
//! speaks or acts (source) well, but often calls the actor acted upon or
//! where the action lands `other` ("Uzbekistan opened the bridge to deliver
//! grain to Afghanistan"); the event coders' convention, and the PLOVER
//! records' gold roles, make it the target. So in a sentence with a source
//! and no target, every other coded actor that is not the source's own
//! country or organisation becomes a target. Nothing else changes.

use crate::core::{ActorCode, Annotated, Role};
use crate::error::StageError;
use crate::pipeline::Stage;

/// Roles by document, sentence and entity, where they change.
pub type RoleChanges = Vec<Vec<(usize, usize)>>;

/// The stage that completes roles for events; it runs after [`super::ActorStage`].
#[derive(Default)]
pub struct EventRoleStage;

impl EventRoleStage {
    /// The entities (sentence, entity) of one document that become targets.
    pub fn targets_to_add(a: &Annotated) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (si, s) in a.sentences.iter().enumerate() {
            let has = |r: Role| s.entities.iter().any(|e| e.role == Some(r));
            if !has(Role::Source) || has(Role::Target) {
                continue;
            }
            let sources: Vec<&str> =
                s.entities.iter().filter(|e| e.role == Some(Role::Source)).filter_map(|e| e.actor.as_ref()).map(ActorCode::primary).collect();
            for (ei, e) in s.entities.iter().enumerate() {
                if e.role == Some(Role::Other) && e.actor.as_ref().is_some_and(|c| !sources.contains(&c.primary())) {
                    out.push((si, ei));
                }
            }
        }
        out
    }
}

impl Stage for EventRoleStage {
    type Output = RoleChanges;

    fn name(&self) -> &'static str {
        "event roles"
    }

    fn predict(&self, batch: &[Annotated]) -> Result<Self::Output, StageError> {
        Ok(batch.iter().map(Self::targets_to_add).collect())
    }

    fn set_annotations(&self, batch: &mut [Annotated], output: Self::Output) {
        for (a, changes) in batch.iter_mut().zip(output) {
            for (si, ei) in changes {
                a.sentences[si].entities[ei].role = Some(Role::Target);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Document, Entity, EntityKind, Origin, Sentence, Span};

    fn sentence(entities: &[(Role, &str)]) -> Sentence {
        let mut s = Sentence::new(Span::new(0, 0));
        for (role, code) in entities {
            s.entities.push(Entity {
                span: Span::new(0, 0),
                kind: EntityKind::Loc,
                confidence: 1.0,
                role: Some(*role),
                stance: None,
                actor: ActorCode::parse(code),
            });
        }
        s
    }

    /// A sentence's entities (role, actor code) and the targets expected.
    type Case<'a> = (&'a [(Role, &'a str)], &'a [(usize, usize)]);

    #[test]
    fn coded_bystanders_of_a_sourced_sentence_become_targets() {
        use Role::*;
        let cases: &[Case] = &[
            // Uzbekistan opened the bridge to Afghanistan.
            (&[(Source, "UZB"), (Other, "AFG")], &[(0, 1)]),
            // Romania and Poland both.
            (&[(Source, "IGOEEC"), (Other, "ROU"), (Other, "POL")], &[(0, 1), (0, 2)]),
            // A target already: nothing changes.
            (&[(Source, "ISR"), (Target, "IRN"), (Other, "USA")], &[]),
            // No source: nothing to aim from.
            (&[(Other, "ISR"), (Other, "IRN")], &[]),
            // The source's own capital, and uncoded names, stay other.
            (&[(Source, "IRN"), (Other, "IRNGOV"), (Other, ""), (Other, "TUR")], &[(0, 3)]),
            // An uncoded source still has coded bystanders.
            (&[(Source, ""), (Other, "SYR")], &[(0, 1)]),
        ];
        for (entities, want) in cases {
            let mut a = Annotated::new(Document::new("d", "", Origin { path: None, line: None }));
            a.sentences = vec![sentence(entities)];
            assert_eq!(EventRoleStage::targets_to_add(&a), *want, "{entities:?}");
        }
    }
}
