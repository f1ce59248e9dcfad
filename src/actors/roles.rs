//! Event roles: reads each sentence's entity roles (from the model) and actor
//! codes, and writes the roles events are built from. The model marks who
//! speaks or acts (source) well, but often calls the actor acted upon or
//! where the action lands `other` ("Uzbekistan opened the bridge to deliver
//! grain to Afghanistan"); the event coders' convention, and the PLOVER
//! records' gold roles, make it the target. So in a sentence with a source
//! and no target, every other coded actor that is not the source's own
//! country or organisation (a state and its government are one; its judges
//! and its government two) becomes a target. Before that, a passive clause
//! ("a camp was attacked by Burundian militiamen") turns round: the agent
//! after "by" is the source and the sourced subject before the verb the
//! target, which the model, trained mostly on active sentences, gets
//! backwards. Nothing else changes.

use crate::core::{ActorCode, Annotated, Role, Sentence};
use crate::error::StageError;
use crate::pipeline::Stage;

/// Roles by document: (sentence, entity, new role) where they change.
pub type RoleChanges = Vec<Vec<(usize, usize, Role)>>;

/// The stage that completes roles for events; it runs after [`super::ActorStage`].
#[derive(Default)]
pub struct EventRoleStage;

impl EventRoleStage {
    /// The role changes of one document.
    pub fn changes(a: &Annotated) -> Vec<(usize, usize, Role)> {
        let mut out = Vec::new();
        // A sentence without entities has no roles to change.
        for (si, s) in a.sentences.iter().enumerate().filter(|(_, s)| !s.entities.is_empty()) {
            let mut roles: Vec<Option<Role>> = s.entities.iter().map(|e| e.role).collect();
            turn_passive_round(&a.doc.text, s, &mut roles);
            add_targets(s, &mut roles);
            for (ei, (e, role)) in s.entities.iter().zip(roles).enumerate() {
                if let (Some(r), true) = (role, role != e.role) {
                    out.push((si, ei, r));
                }
            }
        }
        out
    }
}

/// Auxiliaries that make a participle after them passive.
const PASSIVE_AUXILIARIES: [&str; 7] = ["was", "were", "been", "being", "is", "are", "be"];

/// "X was attacked by Y": Y becomes the source, and X, if the model made it
/// the source, the target. Only a participle right after an auxiliary (an
/// adverb between is allowed) and an entity right after "by" (a determiner or
/// adjective between is allowed) count.
fn turn_passive_round(text: &str, s: &Sentence, roles: &mut [Option<Role>]) {
    let sentence = &text[s.span];
    let base = s.span.start;
    // Words with their byte offsets in the document.
    let words: Vec<(usize, &str)> =
        sentence.split_whitespace().map(|w| (base + (w.as_ptr() as usize - sentence.as_ptr() as usize), w)).collect();
    let lower = |w: &str| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    for (i, &(by_at, w)) in words.iter().enumerate() {
        if i < 2 || !w.trim_matches(|c: char| !c.is_alphanumeric()).eq_ignore_ascii_case("by") {
            continue;
        }
        let participle = lower(words[i - 1].1);
        if !(participle.ends_with("ed") || participle.ends_with("en") || participle.ends_with("wn")) {
            continue;
        }
        let aux_at = (i.saturating_sub(3)..i - 1).rev().find(|&j| PASSIVE_AUXILIARIES.contains(&lower(words[j].1).as_str()));
        let Some(aux) = aux_at else { continue };
        let aux_start = words[aux].0;
        // The agent: the first entity that starts within three words after "by".
        let limit = words.get(i + 4).map_or(s.span.end, |w| w.0);
        let Some(agent) = s.entities.iter().position(|e| e.span.start > by_at && e.span.start < limit) else { continue };
        let mut turned = false;
        for (ei, e) in s.entities.iter().enumerate() {
            if e.span.end <= aux_start && roles[ei] == Some(Role::Source) {
                roles[ei] = Some(Role::Target);
                turned = true;
            }
        }
        if turned || roles[agent] != Some(Role::Source) {
            roles[agent] = Some(Role::Source);
        }
        break;
    }
}

/// In a sentence with a source and no target, the coded actors that are
/// not the source's own country or organisation, or the same part of it,
/// become targets.
fn add_targets(s: &Sentence, roles: &mut [Option<Role>]) {
    let has = |roles: &[Option<Role>], r: Role| roles.contains(&Some(r));
    if !has(roles, Role::Source) || has(roles, Role::Target) {
        return;
    }
    let sources: Vec<&ActorCode> =
        s.entities.iter().zip(roles.iter()).filter(|(_, r)| **r == Some(Role::Source)).filter_map(|(e, _)| e.actor.as_ref()).collect();
    // A state and its government are one actor; two parts of a state (a
    // judge and the government's officials) are two.
    let own = |c: &ActorCode| {
        sources
            .iter()
            .any(|s| s.primary() == c.primary() && (s.roles().next().is_none() || c.roles().next().is_none() || s.as_str() == c.as_str()))
    };
    for (e, role) in s.entities.iter().zip(roles.iter_mut()) {
        if *role == Some(Role::Other) && e.actor.as_ref().is_some_and(|c| !own(c)) {
            *role = Some(Role::Target);
        }
    }
}

impl Stage for EventRoleStage {
    type Output = RoleChanges;

    fn name(&self) -> &'static str {
        "event roles"
    }

    fn predict(&self, batch: &[Annotated]) -> Result<Self::Output, StageError> {
        Ok(batch.iter().map(Self::changes).collect())
    }

    fn set_annotations(&self, batch: &mut [Annotated], output: Self::Output) {
        for (a, changes) in batch.iter_mut().zip(output) {
            for (si, ei, role) in changes {
                a.sentences[si].entities[ei].role = Some(role);
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
            // Another part of the source's state is another actor: a
            // Chilean judge investigates Chilean government officials.
            (&[(Source, "CHLJUD"), (Other, "CHLGOV"), (Other, "CHL")], &[(0, 1)]),
        ];
        for (entities, want) in cases {
            let mut a = Annotated::new(Document::new("d", "", Origin { path: None, line: None }));
            a.sentences = vec![sentence(entities)];
            let got: Vec<(usize, usize)> = EventRoleStage::changes(&a)
                .into_iter()
                .map(|(s, e, r)| {
                    assert_eq!(r, Target);
                    (s, e)
                })
                .collect();
            assert_eq!(got, *want, "{entities:?}");
        }
    }

    /// A one-sentence document with entities at the given names, each with
    /// the model's role; returns the roles after the stage.
    fn roles_after(text: &str, entities: &[(&str, Role)]) -> Vec<Role> {
        let mut a = Annotated::new(Document::new("d", text, Origin { path: None, line: None }));
        let mut s = Sentence::new(Span::new(0, text.len()));
        for (name, role) in entities {
            let start = text.find(name).expect("name in text");
            s.entities.push(Entity {
                span: Span::new(start, start + name.len()),
                kind: EntityKind::Loc,
                confidence: 1.0,
                role: Some(*role),
                stance: None,
                actor: None,
            });
        }
        a.sentences = vec![s];
        for (_, ei, role) in EventRoleStage::changes(&a) {
            a.sentences[0].entities[ei].role = Some(role);
        }
        a.sentences[0].entities.iter().map(|e| e.role.unwrap()).collect()
    }

    /// A sentence, its entities with the model's roles, and the roles after.
    type PassiveCase<'a> = (&'a str, &'a [(&'a str, Role)], &'a [Role]);

    #[test]
    fn a_passive_clause_turns_round() {
        use Role::*;
        let cases: &[PassiveCase] = &[
            (
                "A camp for Congolese refugees was attacked by Burundian militiamen armed with machetes.",
                &[("Congolese", Source), ("Burundian", Target)],
                &[Target, Source],
            ),
            // The agent may follow a determiner; a subject the model left
            // other stays other.
            ("Kabul was shelled by the Taliban.", &[("Kabul", Other), ("Taliban", Other)], &[Other, Source]),
            ("The prime minister has been indicted by the U.N. court.", &[("U.N.", Target)], &[Source]),
            // Active sentences, and "by" that is no agent, stay as they are.
            ("Turkey attacked Syria by air.", &[("Turkey", Source), ("Syria", Target)], &[Source, Target]),
            ("Iran stood by Syria.", &[("Iran", Source), ("Syria", Other)], &[Source, Other]),
            ("The Syrian-backed militia fought Israel.", &[("Syrian", Other), ("Israel", Other)], &[Other, Other]),
        ];
        for (text, entities, want) in cases {
            assert_eq!(roles_after(text, entities), *want, "{text}");
        }
    }
}
