//! The actor resolver: reads a document's entities (with the text around
//! them) and gives each the actor code it stands for, or none. Only the
//! document is read: a name learned from a title or apposition ("Iranian
//! Foreign Minister Abbas Araghchi", "Hakan Fidan, Turkey's foreign
//! minister") codes the bare name ("Araghchi") anywhere in the same
//! document, headline included, and nowhere else.

use std::collections::{HashMap, HashSet};

use super::dictionary::{fold, Dictionary, Entry, NameKind};
use crate::core::{ActorCode, Annotated, Entity, EntityKind, Sentence};

/// How far around a name a title or apposition is looked for, in words.
const CONTEXT_WORDS: usize = 8;

/// Codes of one document, by sentence and entity.
pub type DocActors = Vec<Vec<Option<ActorCode>>>;

/// Resolves the entities of a document against a dictionary.
pub struct Resolver<'a> {
    dict: &'a Dictionary,
}

impl<'a> Resolver<'a> {
    pub fn new(dict: &'a Dictionary) -> Self {
        Resolver { dict }
    }

    pub fn resolve(&self, a: &Annotated) -> DocActors {
        let day = a.doc.date.as_deref();
        let text = a.doc.text.as_str();
        let sports = is_sports_report(text);
        // First what each mention says by itself or with its own title, then
        // the names learned from those for the mentions that said nothing.
        // Each name is folded once; both passes read it.
        let folded: Vec<Vec<String>> = a.sentences.iter().map(|s| s.entities.iter().map(|e| fold(&text[e.span])).collect()).collect();
        let mut codes: DocActors = Vec::with_capacity(a.sentences.len());
        let mut learned = Memory::default();
        let mut acronyms: HashMap<String, ActorCode> = HashMap::new();
        for (s, names) in a.sentences.iter().zip(&folded) {
            let mut row = Vec::with_capacity(s.entities.len());
            for (j, (e, key)) in s.entities.iter().zip(names).enumerate() {
                let (before, after) = around(text, s, e);
                let mut code = self.own_code(e, &text[e.span], key, before, after, day);
                if code.is_none() && e.kind == EntityKind::Org && j > 0 {
                    code = self.institution_of_owner(text, &s.entities[j - 1], e, &names[j - 1], key, day);
                }
                if sports && !(j > 0 && self.in_place_chain(text, &s.entities[j - 1], e, &names[j - 1], day)) && !is_place_phrase(before) {
                    code = code.filter(|_| self.plays_no_sport(e.kind, key, day));
                }
                if let (Some(c), EntityKind::Per) = (&code, e.kind) {
                    learned.teach(key, c);
                }
                row.push(code);
            }
            self.place_then_region(text, &s.entities, names, &mut row, day);
            acronym_in_brackets(text, &s.entities, &mut row, &mut acronyms);
            self.name_in_pieces(text, &s.entities, &mut row, day);
            codes.push(row);
        }
        // The first and last words of the document's people: a bare
        // "Paris" after "Valeska Paris" is her, whatever tag it got.
        let mut person_words: HashSet<String> = HashSet::new();
        let mut surnames: HashSet<String> = HashSet::new();
        let entities = || a.sentences.iter().zip(&folded).flat_map(|(s, names)| s.entities.iter().zip(names));
        for (_, key) in entities().filter(|(e, _)| e.kind == EntityKind::Per) {
            let words: Vec<&str> = key.split(' ').collect();
            if let [first, .., last] = words.as_slice() {
                person_words.insert(first.to_string());
                person_words.insert(last.to_string());
                surnames.insert(last.to_string());
            }
        }
        // "the North" after "North Korea"; "Labour" in a British story.
        let mut places_by_first_word: HashMap<&str, Option<ActorCode>> = HashMap::new();
        for ((e, key), code) in entities().zip(codes.iter().flatten()) {
            if let (Some(c), Some((first, _)), false) = (code, key.split_once(' '), e.kind == EntityKind::Per) {
                places_by_first_word
                    .entry(first)
                    .and_modify(|k| {
                        if k.as_ref() != Some(c) {
                            *k = None
                        }
                    })
                    .or_insert_with(|| Some(c.clone()));
            }
        }
        let home = if sports { None } else { home_country(codes.iter().flatten().flatten()) };
        // The countries the document names as something other than a
        // party's home: a party table's "New People Party" (Russia) in a
        // Hong Kong story that never names Russia is Hong Kong's.
        let named: HashSet<String> =
            codes.iter().flatten().flatten().filter(|c| !c.has_role("PTY")).map(|c| c.primary().to_string()).collect();
        let party = ActorCode::parse("PTY").expect("a role code");
        // "Both Republicans and Democrats" needs no other word of the US.
        let both_us_parties = [["republican", "republicans"], ["democrat", "democrats"]]
            .iter()
            .all(|party| entities().any(|(_, k)| party.contains(&k.as_str())));
        // The one state a short text names ("The Honduran electoral council
        // reports that presidential candidates X and Y..."): a title
        // without a state is its, as a home's would be.
        let doc_state = sole_state(codes.iter().flatten().flatten());
        let sole_state: Vec<Option<ActorCode>> = codes.iter().map(|row| sole_state(row.iter().flatten())).collect();
        let sentence_of = a.sentences.iter().enumerate().flat_map(|(i, s)| std::iter::repeat_n(i, s.entities.len()));
        for (((e, key), code), sentence) in entities().zip(codes.iter_mut().flatten()).zip(sentence_of) {
            if e.kind == EntityKind::Per {
                continue;
            }
            if let (None, Some(c)) = (code.as_ref(), acronyms.get(key)) {
                *code = Some(c.clone());
            } else if !key.contains(' ') && person_words.contains(key) {
                // "Israel" after "Israel Katz" is still the country: a
                // given name alone is not how news names a person.
                let state_name = !surnames.contains(key) && self.dict.lookup(key, day).is_some_and(|n| n.kind.is_state());
                *code = learned.recall(key).or_else(|| code.take().filter(|_| state_name));
            } else if code.is_none() && COMPASS.contains(&key.as_str()) {
                *code = places_by_first_word.get(key.as_str()).cloned().flatten();
            } else if code.is_none() && is_party_name(key) {
                // "Senate Republicans" in a text that names only the US as
                // one of its countries.
                let us = (named.contains("USA") || both_us_parties) && US_PARTY_WORDS.contains(&key.as_str());
                *code = home.clone().or_else(|| us.then(|| ActorCode::parse("USA").expect("a code"))).map(|h| h.with_role(&party));
            } else if let (None, Some((_, states))) = (code.as_ref(), SHARED_DEMONYMS.iter().find(|(d, _)| d == key)) {
                // "Congolese troops" in a story that names the DRC.
                let mut named_states = states.iter().filter(|c| named.contains(**c));
                if let (Some(state), None) = (named_states.next(), named_states.next()) {
                    let (_, after) = around(text, &a.sentences[sentence], e);
                    let state = ActorCode::parse(state).expect("a code");
                    *code = Some(self.role_after(after).map_or(state.clone(), |role| state.with_role(role)));
                }
            } else if code.is_none() && key == "house" && home.as_ref().map_or(named.contains("USA"), |h| h.primary() == "USA") {
                // "the House" of a US story is the House of Representatives.
                *code = ActorCode::parse("USALEG");
            } else if code.is_none() && e.kind == EntityKind::Org {
                // "the Legislative Council", "the Supreme Court": a state
                // institution named without its state is the document's,
                // or, in a document with no home, that of the one state its
                // sentence names ("Mali's opposition ... the Constitutional
                // Court").
                *code = self.state_part_named(key).and_then(|role| Some(home.as_ref().or(sole_state[sentence].as_ref())?.with_role(role)));
            } else if let (Some(c), Some(h)) = (code.as_ref(), home.as_ref()) {
                if c.has_role("PTY") && c.primary() != h.primary() && !named.contains(c.primary()) {
                    *code = Some(h.with_role(&party));
                } else if c.primary() != h.primary() && SHARED_BODY_NAMES.contains(&key.as_str()) {
                    // "the House of Commons" of a Canadian story is Canada's.
                    let role = c.roles().next().and_then(ActorCode::parse);
                    *code = role.map(|role| h.with_role(&role));
                }
            }
        }
        // People: a party next to the name ("DAB's Ben Chan", "Alvin Yeung
        // of the Civic Party") is their affiliation, and teaches the name.
        // In a sports report only the tables speak for people (see
        // plays_no_sport).
        for (s, (row, names)) in a.sentences.iter().zip(codes.iter_mut().zip(&folded)).filter(|_| !sports) {
            for i in 0..s.entities.len() {
                if s.entities[i].kind != EntityKind::Per || row[i].is_some() {
                    continue;
                }
                let affiliation = party_next_to(text, &s.entities, row, i).or_else(|| self.organisation_next_to(text, &s.entities, row, i));
                if let Some(c) = affiliation {
                    learned.teach(&names[i], &c);
                    row[i] = Some(c);
                }
            }
        }
        for (s, (row, names)) in a.sentences.iter().zip(codes.iter_mut().zip(&folded)) {
            for ((e, key), code) in s.entities.iter().zip(names).zip(row.iter_mut()) {
                if e.kind != EntityKind::Per || code.is_some() {
                    continue;
                }
                *code = learned.recall(key).or_else(|| {
                    // "Education Minister Stefania Giannini" in an Italian
                    // story: an office title without a state is the
                    // document's state.
                    let (before, after) = around(text, s, e);
                    let c = home.as_ref().or(doc_state.as_ref()).zip(self.bare_title(before, after)).map(|(h, role)| h.with_role(role))?;
                    learned.teach(key, &c);
                    Some(c)
                });
            }
        }
        // Names learned by the passes above also speak for their earlier
        // bare mentions ("McDonnell's tenure" before "governor Bob
        // McDonnell"), whatever tag the entity model gave them.
        for ((e, key), code) in entities().zip(codes.iter_mut().flatten()) {
            if code.is_none() && (e.kind == EntityKind::Per || (!key.contains(' ') && person_words.contains(key))) {
                *code = learned.recall(key);
            }
        }
        codes
    }

    /// A state body, party or international organisation coded next to
    /// person `i`, with the person's title between: "NASA Administrator
    /// Charles Bolden", "Labour's Shadow Home Secretary Yvette Cooper",
    /// "Republican Party nominee Ken Cuccinelli", "the head of NATO, Hoop
    /// Scheffer", "Jeff Rathke, the State Department Spokesperson", "Fuad
    /// Basya, spokesman for the Indonesian military".
    fn organisation_next_to(&self, text: &str, entities: &[Entity], row: &[Option<ActorCode>], i: usize) -> Option<ActorCode> {
        // "former U.S. president Jimmy Carter" holds no office.
        let mut before: Vec<&str> = text[..entities[i].span.start].split_whitespace().rev().take(CONTEXT_WORDS).collect();
        before.reverse();
        if is_former(&before, "") {
            return None;
        }
        let body = |j: usize| {
            let c = row[j].as_ref()?;
            // "Russia's U.N. Ambassador X" is Russia's: only the body's own
            // officials ("UN envoy", "NATO spokesman") are the IGO.
            let igo = c.primary().starts_with("IGO") && {
                let (first, last) = if j < i { (&entities[j], &entities[i]) } else { (&entities[i], &entities[j]) };
                let word_after = if j > i { text[last.span.end..].split_whitespace().next().unwrap_or("") } else { "" };
                let title = format!("{} {word_after}", &text[first.span.end..last.span.start]).to_lowercase();
                !["ambassador", "representative", "delegate"].iter().any(|w| title.contains(w))
            };
            // "ISIS leader X": a transnational militant group is a body too.
            let ok = entities[j].kind != EntityKind::Per
                && (igo
                    || c.primary().starts_with("IMG")
                    || c.roles().any(|r| matches!(r, "PTY" | "REB" | "INS" | "OPP") || is_state_role(r)));
            ok.then(|| c.clone())
        };
        if i > 0 {
            let raw = text[entities[i - 1].span.end..entities[i].span.start].trim();
            let owned = ["'s ", "’s "].iter().find_map(|p| raw.strip_prefix(p));
            let between = owned.unwrap_or(raw);
            // "White House press secretary X": a body the entity model
            // tagged as a place counts when its code is a state part.
            if entities[i - 1].kind != EntityKind::Per && self.is_title(between) {
                if let Some(c) = body(i - 1) {
                    return Some(c);
                }
            }
            // "Obama's national security advisor James Jones", "Putin's
            // spokesman Dmitry Peskov": an office holder's own staff.
            if entities[i - 1].kind == EntityKind::Per && owned.is_some() {
                let boss = row[i - 1].as_ref().filter(|c| c.roles().any(is_state_role));
                if let Some(c) = boss.filter(|_| self.is_title(between)) {
                    return Some(c.clone());
                }
            }
            // "the National Citizen Party, led by Nahid Islam".
            if matches!(between, "led by" | ", led by") && entities[i - 1].kind == EntityKind::Org {
                if let Some(c) = body(i - 1) {
                    return Some(c);
                }
            }
            // "the head of NATO, Hoop Scheffer", "The leader of the Houthis
            // Abdul-Malik al-Houthi": the title before the body.
            if matches!(between, "," | "") && entities[i - 1].kind == EntityKind::Org {
                let before = text[..entities[i - 1].span.start].trim_end();
                let before = before.strip_suffix(" the").unwrap_or(before);
                if let Some(title) = before.strip_suffix(" of") {
                    let words: Vec<&str> = title.split_whitespace().collect();
                    let titled = (1..=3.min(words.len())).any(|n| self.is_title(&words[words.len() - n..].join(" ")));
                    if titled {
                        if let Some(c) = body(i - 1) {
                            return Some(c);
                        }
                    }
                }
            }
        }
        if i + 1 < entities.len() {
            let between = &text[entities[i].span.end..entities[i + 1].span.start];
            let rest = between.trim_start().strip_prefix(',')?.trim();
            let rest = ["the ", "a ", "an "].iter().find_map(|p| rest.strip_prefix(p)).unwrap_or(rest);
            let rest = [" of the", " for the", " at the", " of", " for", " at"].iter().find_map(|p| rest.strip_suffix(p)).unwrap_or(rest);
            // "Jeff Rathke, the State Department Spokesperson": the title
            // follows the body.
            let after = &text[entities[i + 1].span.end..];
            let after = ["'s", "’s"].iter().find_map(|p| after.strip_prefix(p)).unwrap_or(after);
            let title_after = after.split_whitespace().next().map(|w| w.trim_end_matches([',', '.', ';', ':']));
            let titled = if rest.is_empty() { title_after.is_some_and(|w| self.is_title(w)) } else { self.is_title(rest) };
            if titled && !rest.contains(',') {
                // "Qasem Soleimani, head of Iran's Quds Force": the body
                // after its state's possessive.
                let owned_body = || {
                    let next = entities.get(i + 2).filter(|e| e.kind != EntityKind::Per)?;
                    is_possessive(&text[entities[i + 1].span.end..next.span.start]).then(|| body(i + 2)).flatten()
                };
                return body(i + 1).or_else(owned_body);
            }
        }
        None
    }

    /// "Russia's Foreign Ministry", "Somalia's Transitional National
    /// Government": a state institution after its state's possessive.
    fn institution_of_owner(
        &self,
        text: &str,
        owner: &Entity,
        e: &Entity,
        owner_key: &str,
        key: &str,
        day: Option<&str>,
    ) -> Option<ActorCode> {
        if !is_possessive(&text[owner.span.end..e.span.start]) {
            return None;
        }
        let state = self.entry(owner_key, owner.kind, day).filter(|p| p.kind.is_state())?.code.without_roles();
        let words: Vec<&str> = key.split(' ').collect();
        self.role_inside(&words).filter(|r| is_state_part(r)).map(|r| state.with_role(r))
    }

    /// The part of a state an organisation's name says it is: the whole
    /// name ("Supreme Court"), or the role its head ends in ("Irving Police
    /// Department"; the head of "National Conference of State Legislatures"
    /// is "National Conference"). A last word alone of GOV ("Student
    /// Government", "Trump Administration") ends too many names that are
    /// not the state's.
    fn state_part_named(&self, folded: &str) -> Option<&ActorCode> {
        let head = folded.split_once(" of ").map_or(folded, |(h, _)| h);
        let words: Vec<&str> = head.split(' ').collect();
        let suffix = || {
            (1..=self.dict.agent_words().min(words.len())).rev().find_map(|n| {
                self.dict.agent(&words[words.len() - n..].join(" ")).filter(|r| n > 1 || n == words.len() || r.as_str() != "GOV")
            })
        };
        self.dict.agent(folded).or_else(suffix).filter(|r| is_state_part(r))
    }

    /// Whether `e` continues a chain of places after `prev` ("Preston,
    /// Victoria, Australia"), which names a place even in a sports report;
    /// a list of countries ("Sweden, Belgium") is of teams.
    fn in_place_chain(&self, text: &str, prev: &Entity, e: &Entity, prev_key: &str, day: Option<&str>) -> bool {
        place_then_comma(text, prev, e)
            && self.entry(prev_key, prev.kind, day).is_none_or(|p| !matches!(p.kind, NameKind::Country | NameKind::Demonym))
    }

    /// "Cambridge, Massachusetts", "Preston, Victoria, Australia", "Mayba in
    /// Lubero Territory", "the Cal Miskaad mountains of the Bari Region",
    /// "Bint Jbeil, Shebaa, and Shaqra, in southern Lebanon": a place the
    /// tables do not know (or know in several countries) that the text puts
    /// in a region or country is in that country. Right to left, so a chain
    /// or a list passes the country back.
    fn place_then_region(&self, text: &str, entities: &[Entity], names: &[String], row: &mut [Option<ActorCode>], day: Option<&str>) {
        let mut placed = vec![false; entities.len()];
        for i in (0..entities.len().saturating_sub(1)).rev() {
            let (e, next) = (&entities[i], &entities[i + 1]);
            if e.kind != EntityKind::Loc || next.kind != EntityKind::Loc {
                continue;
            }
            let Some(link) = place_link(&text[e.span.end..next.span.start]) else { continue };
            // "Santo Domingo, Ecuador": a city of another country's name is
            // the one the text says.
            if let (Some(own), Some(holder)) = (&row[i], &row[i + 1]) {
                let city = self.entry(&names[i], e.kind, day).is_some_and(|n| matches!(n.kind, NameKind::City | NameKind::Capital));
                let state = self.entry(&names[i + 1], next.kind, day).is_some_and(|n| n.kind == NameKind::Country);
                if link == PlaceLink::Comma && city && state && own.primary() != holder.primary() {
                    row[i] = Some(holder.without_roles());
                }
                continue;
            }
            if row[i].is_some() {
                continue;
            }
            // A country the sports rule left empty stays empty.
            if self.entry(&names[i], e.kind, day).is_some_and(|n| matches!(n.kind, NameKind::Country | NameKind::Demonym)) {
                continue;
            }
            // A building or site is no actor (GUIDELINES): "Kazan
            // International Airport in Kazan"; nor is a sea.
            if is_site(&names[i]) || is_water(&names[i]) || COMPASS_ADJECTIVES.iter().any(|w| names[i].starts_with(w)) {
                continue;
            }
            // A list of places the text placed shares their place; a list
            // of known ones ("Eastern Europe, Poland and Czechoslovakia") is
            // no chain.
            let listed = placed[i + 1];
            let rest = text[next.span.end..].trim_start().trim_start_matches(',').trim_start();
            let known_list = link == PlaceLink::Comma && (rest.starts_with("and ") || rest.starts_with("or "));
            if !listed && (link == PlaceLink::And || known_list) {
                continue;
            }
            // A region or country, or a place this pass has just placed; a
            // city only where the text places it in turn ("Barajevo,
            // Belgrade, Serbia"); what a city holds ("the Adler Planetarium
            // in Chicago") is more often a site than a place.
            let city_placed = || link == PlaceLink::Comma && entities.get(i + 2).is_some_and(|third| place_then_comma(text, next, third));
            let place = listed
                || match self.entry(&names[i + 1], next.kind, day) {
                    Some(n) => {
                        matches!(n.kind, NameKind::Country | NameKind::Region)
                            || (matches!(n.kind, NameKind::City | NameKind::Capital) && city_placed())
                    }
                    None => row[i + 1].is_some(),
                };
            if place {
                row[i] = row[i + 1].as_ref().map(|c| c.without_roles());
                placed[i] = true;
            }
        }
    }

    /// "Colombian defence minister Pedro Sánchez" is not Spain's Pedro
    /// Sánchez: a title after a demonym of another state than the table's
    /// row for the name speaks for the person. ("Iran envoy X" may be an
    /// envoy to Iran, so only a demonym counts.)
    fn other_states_title(&self, entry: &Entry, before: &str, after: &str, day: Option<&str>) -> Option<ActorCode> {
        let titled = self.titled(before, after, day).filter(|t| t.primary() != entry.code.primary())?;
        let words: Vec<&str> = before.split_whitespace().collect();
        let demonym = words[words.len().saturating_sub(4)..].iter().any(|w| {
            let folded = fold(w.trim_matches(|c: char| !c.is_alphanumeric()));
            self.dict.lookup(&folded, day).is_some_and(|n| n.kind == NameKind::Demonym && n.code.primary() == titled.primary())
        });
        demonym.then_some(titled)
    }

    /// "Democratic Republic of the" + "Congo", "Lower" + "Juba", "Mohammed"
    /// bin "Salman": a place, international organisation or person the
    /// entity model cut in two; both pieces are it.
    fn name_in_pieces(&self, text: &str, entities: &[Entity], row: &mut [Option<ActorCode>], day: Option<&str>) {
        for i in 1..entities.len() {
            let (a, b) = (&entities[i - 1], &entities[i]);
            let between = &text[a.span.end..b.span.start];
            // "Mohammed" bin "Salman": a person cut at a lower-case particle.
            let people = a.kind == EntityKind::Per && b.kind == EntityKind::Per;
            let particle = people && matches!(between, " bin " | " bint " | " ibn " | " al " | " de " | " da " | " van " | " von ");
            if (row[i - 1].is_some() && row[i].is_some()) || !(particle || matches!(between, "" | " " | " of " | " of the ")) {
                continue;
            }
            let whole = fold(&text[a.span.start..b.span.end]);
            let fits = |n: &&Entry| {
                if people {
                    n.kind == NameKind::Person
                } else {
                    n.kind == NameKind::Igo || (n.kind.is_place() && n.kind != NameKind::Demonym)
                }
            };
            if let Some(entry) = self.dict.lookup(&whole, day).filter(fits) {
                row[i - 1] = Some(entry.code.clone());
                row[i] = Some(entry.code.clone());
            }
        }
    }

    /// "African Union Transition Mission", "UN Intergovernmental Panel on
    /// Climate Change": a body named after the international organisation
    /// it belongs to ("NATO Summit" is an event). A one-word head counts
    /// only as an acronym ("UN").
    fn igo_named_first(&self, name: &str, day: Option<&str>) -> Option<ActorCode> {
        let words: Vec<&str> = name.split_whitespace().collect();
        if words.last().is_some_and(|w| IGO_EVENT_WORDS.contains(&w.to_lowercase().as_str())) {
            return None;
        }
        (1..words.len()).rev().find_map(|n| {
            if n == 1 && !words[0].chars().all(|c| c.is_ascii_uppercase()) {
                return None;
            }
            self.dict.lookup(&fold(&words[..n].join(" ")), day).filter(|e| e.kind == NameKind::Igo).map(|e| e.code.clone())
        })
    }

    /// "Islamic Revolutionary Guard Corps Navy": a branch of a body the
    /// tables know is that body.
    fn branch_of(&self, folded: &str, day: Option<&str>) -> Option<ActorCode> {
        let words: Vec<&str> = folded.split(' ').collect();
        (1..words.len()).rev().find_map(|n| {
            if !BRANCHES.contains(&words[n..].join(" ").as_str()) {
                return None;
            }
            let entry = self.dict.lookup(&words[..n].join(" "), day)?;
            matches!(entry.kind, NameKind::Group | NameKind::Org).then(|| entry.code.clone())
        })
    }

    /// One to four words that are a person's title or office.
    fn is_title(&self, words: &str) -> bool {
        if self.dict.agent(&fold(words)).is_some_and(is_state_part) {
            return true;
        }
        let words: Vec<&str> = words.split_whitespace().collect();
        if words.is_empty() || words.len() > 4 {
            return false;
        }
        // A title is capitalised or made of title words: "today welcomed
        // President" is a clause, not a title.
        let title_word = |w: &&str| {
            w.starts_with(char::is_uppercase)
                || matches!(*w, "of" | "for" | "and")
                || fold(w).split(' ').any(|p| TITLE_HEADS.contains(&p))
                || self.dict.agent(&fold(w)).is_some()
        };
        if !words.iter().all(title_word) {
            return false;
        }
        // "secretary-general" folds to two words.
        let last = fold(words[words.len() - 1]);
        last.split(' ').any(|p| TITLE_HEADS.contains(&p))
            || (1..=words.len()).any(|n| self.dict.agent(&fold(&words[words.len() - n..].join(" "))).is_some_and(is_state_part))
    }

    /// An office title without a state right before a name ("Crown
    /// prosecutor Mark Tedeschi") or as its apposition ("Fuad Basya, military
    /// spokesman,"). Titles that companies and clubs have too ("president",
    /// "leader", "spokesman") count only with a qualifier word.
    fn bare_title(&self, before: &str, after: &str) -> Option<&ActorCode> {
        let before: Vec<&str> = before.split_whitespace().collect();
        if is_former(&before[before.len().saturating_sub(CONTEXT_WORDS)..], after) {
            return None;
        }
        let max = self.dict.agent_words().min(before.len());
        if let Some(role) = (1..=max).rev().find_map(|n| self.office(&before[before.len() - n..])) {
            return Some(role);
        }
        // "appoints X as prime minister".
        if let Some(taken) = office_taken(after) {
            let title: Vec<&str> = taken.into_iter().skip_while(|w| matches!(*w, "the" | "a" | "new" | "acting")).collect();
            if let Some(role) = self.office(&title) {
                return Some(role);
            }
        }
        // Only a closed apposition: an open one runs into the clause.
        let (mut title, true) = apposition(after)? else { return None };
        if title.first().is_some_and(|w| w.eq_ignore_ascii_case("the") || w.eq_ignore_ascii_case("a")) {
            title.remove(0);
        }
        self.office(&title)
    }

    /// The role of an office title of one or more words.
    fn office(&self, title: &[&str]) -> Option<&ActorCode> {
        if title.is_empty() || title.len() > self.dict.agent_words() {
            return None;
        }
        let folded = fold(&title.join(" "));
        if title.len() == 1 && !PUBLIC_OFFICES.contains(&folded.as_str()) || STATE_ONLY_TITLES.contains(&folded.as_str()) {
            return None;
        }
        self.dict.agent(&folded).filter(|r| is_state_part(r))
    }

    /// Whether a mention keeps its code in a sports report: a country there
    /// is a team ("Sweden beat England"), and "Sweden captain Andreas
    /// Granqvist" is a player, so only what the tables themselves say of a
    /// person (an office holder) stands.
    fn plays_no_sport(&self, kind: EntityKind, folded: &str, day: Option<&str>) -> bool {
        match self.entry(folded, kind, day) {
            Some(entry) => entry.kind != NameKind::Country,
            None => kind != EntityKind::Per,
        }
    }

    /// The code a mention gets from the dictionary and its own context.
    fn own_code(&self, e: &Entity, name: &str, folded: &str, before: &str, after: &str, day: Option<&str>) -> Option<ActorCode> {
        // "Hamas-run", "Saudi-led", "Moscow-based": the actor before the hyphen.
        if let Some(head) = compound_head(name) {
            return self.dict.lookup(&fold(head), day).map(|e| e.code.clone());
        }
        if e.kind != EntityKind::Per && self.dict.lookup(folded, day).is_none() {
            // "Copenhagen Airport", "Evin Prison": a site the tables do not
            // name is no actor (GUIDELINES), whatever place it is named for.
            if is_site(folded) {
                return None;
            }
            if let Some(code) = self.unwrapped_place(folded, day) {
                return Some(code);
            }
        }
        if let Some(code) = day.is_none().then(|| self.dict.state_of_changing_roles(folded)).flatten() {
            return Some(code);
        }
        if let Some(entry) = self.entry(folded, e.kind, day) {
            if entry.kind == NameKind::Demonym && is_language(before, after) {
                return None;
            }
            if entry.kind.is_state() {
                // "the Iranian army", "Iran's foreign ministry".
                if let Some(role) = self.role_after(after) {
                    return Some(entry.code.with_role(role));
                }
            }
            if e.kind == EntityKind::Per {
                if let Some(code) = self.other_states_title(entry, before, after, day) {
                    return Some(code);
                }
            }
            return Some(entry.code.clone());
        }
        if e.kind == EntityKind::Per {
            // A title inside the entity ("Gen. Dan Caine") is context, and
            // the rest is the name.
            let raw: Vec<&str> = name.split_whitespace().collect();
            for k in (1..=self.dict.agent_words().min(raw.len().saturating_sub(1))).rev() {
                if let Some(role) = self.dict.agent(&fold(&raw[..k].join(" "))) {
                    let rest = fold(&raw[k..].join(" "));
                    if let Some(entry) = self.entry(&rest, e.kind, day) {
                        return Some(entry.code.clone());
                    }
                    if let Some(code) = self.undated_office(&rest, before, after, day, Some(role)) {
                        return Some(code);
                    }
                    return self.titled(&format!("{before} {}", raw[..k].join(" ")), after, day);
                }
            }
            return self.undated_office(folded, before, after, day, None).or_else(|| self.titled(before, after, day));
        }
        // "President Bouteflika's government", tagged as a place.
        self.undated_office(folded, before, after, day, None)
            .or_else(|| self.state_and_role_inside(folded, day))
            .or_else(|| (e.kind == EntityKind::Org).then(|| self.igo_named_first(name, day)).flatten())
            .or_else(|| self.branch_of(folded, day))
            .or_else(|| self.cut_short(folded, after, day))
    }

    /// An organisation's name the entity model cut short: "Islamic" of
    /// "Islamic State positions". One or two capitalised words that follow
    /// at once and complete a group's or organisation's name.
    fn cut_short(&self, folded: &str, after: &str, day: Option<&str>) -> Option<ActorCode> {
        if !after.starts_with(' ') {
            return None;
        }
        let next: Vec<&str> = after.split_whitespace().take(2).take_while(|w| w.starts_with(char::is_uppercase)).collect();
        (1..=next.len()).rev().find_map(|n| {
            let name = format!("{folded} {}", fold(&next[..n].join(" ")));
            let entry = self.dict.lookup(&name, day)?;
            matches!(entry.kind, NameKind::Group | NameKind::Igo | NameKind::Org | NameKind::Ngo).then(|| entry.code.clone())
        })
    }

    /// A titled name in a text without a date ("President Mubarak said",
    /// "Kofi Annan, UN secretary-general,"): the one office the tables know
    /// for the name, or the one of the title's role ("Prime Minister
    /// Theresa May" was an MP before and after). `inner` is the role of a
    /// title inside the entity; without one the title is looked for before
    /// the name and in its apposition. With a date the tables answer for
    /// the day, and "former" blocks it.
    fn undated_office(&self, folded: &str, before: &str, after: &str, day: Option<&str>, inner: Option<&ActorCode>) -> Option<ActorCode> {
        let before: Vec<&str> = before.split_whitespace().collect();
        if day.is_some() || is_former(&before, after) {
            return None;
        }
        let role_before =
            || (1..=self.dict.agent_words().min(before.len())).find_map(|n| self.dict.agent(&fold(&before[before.len() - n..].join(" "))));
        let role_after = || {
            let Some((words, true)) = apposition(after) else { return None };
            let titled = (1..=words.len()).any(|n| self.is_title(&words[words.len() - n..].join(" ")));
            titled.then(|| (1..=words.len()).rev().find_map(|n| self.dict.agent(&fold(&words[words.len() - n..].join(" ")))))
        };
        // A title of no known role in the apposition still asks for the
        // one office of every period.
        let role = inner.or_else(role_before).map(Some).or_else(role_after)?;
        self.dict.only_code(folded, role).cloned()
    }

    /// "State of Texas" is Texas. ("pro-Iranian" is not Iran: a stance
    /// toward an actor is left alone.)
    fn unwrapped_place(&self, folded: &str, day: Option<&str>) -> Option<ActorCode> {
        if let Some(rest) = ["state of ", "province of ", "region of "].iter().find_map(|p| folded.strip_prefix(p)) {
            return self.dict.lookup(rest, day).filter(|e| matches!(e.kind, NameKind::Region | NameKind::City)).map(|e| e.code.clone());
        }
        // "eastern Democratic Republic of the Congo", "southern Lebanon": a
        // part of a place is in it (never its government).
        if let Some(rest) =
            COMPASS_ADJECTIVES.iter().filter(|p| p.ends_with("ern ") || **p == "central ").find_map(|p| folded.strip_prefix(p))
        {
            if let Some(e) = self.dict.lookup(rest, day).filter(|e| e.kind.is_place() && e.kind != NameKind::Demonym) {
                return Some(e.code.without_roles());
            }
        }
        // "North Kivu Province", "Meta Department": a region the tables
        // know by its name alone (a city of the same name may be elsewhere:
        // "Bari Region" is Somalia's, Bari a city in Italy).
        let (rest, kind) = DIVISION_KINDS.iter().find_map(|p| Some((folded.strip_suffix(p)?, *p)))?;
        // "Khartoum State", "Myawaddy District": a division named after its
        // city; not a region or governorate ("Bari Region" is not Italy's
        // Bari, "Mount Lebanon Governorate" not Pennsylvania's town).
        let entry = self.dict.lookup(rest, day)?;
        let city_named = matches!(entry.kind, NameKind::City | NameKind::Capital)
            && matches!(kind, " state" | " district" | " county" | " municipality" | " oblast");
        (entry.kind == NameKind::Region || city_named).then(|| entry.code.without_roles())
    }

    fn entry(&self, folded: &str, kind: EntityKind, day: Option<&str>) -> Option<&Entry> {
        self.dict.lookup(folded, day).filter(|e| !(kind == EntityKind::Per && e.kind.is_place()))
    }

    /// A state named by one to three words (with or without a possessive).
    fn state(&self, words: &[&str], day: Option<&str>) -> Option<&ActorCode> {
        let folded = fold(&words.join(" "));
        self.dict.lookup(&folded, day).filter(|e| e.kind.is_state()).map(|e| &e.code)
    }

    /// The role a title or role word at the start of `after` gives.
    fn role_after(&self, after: &str) -> Option<&ActorCode> {
        let after = ["'s", "’s", "'", "’"].iter().find_map(|p| after.strip_prefix(p)).unwrap_or(after);
        let words = words(after, self.dict.agent_words());
        (1..=words.len()).rev().find_map(|n| self.dict.agent(&fold(&words[..n].join(" "))))
    }

    /// A person's code from the title before the name ("Turkish President
    /// Erdoğan", "Turkey's foreign minister, Hakan Fidan") or an
    /// apposition after it ("Hakan Fidan, Turkey's foreign minister").
    fn titled(&self, before: &str, after: &str, day: Option<&str>) -> Option<ActorCode> {
        let before = before.trim_end().trim_end_matches(',').trim_end();
        let words: Vec<&str> = before.split_whitespace().collect();
        let mut words = &words[words.len().saturating_sub(CONTEXT_WORDS)..];
        // "Iranian ambassador to Pakistan X" is Iran's: the state after "to"
        // is where the envoy serves.
        if let Some(to) = words.iter().rposition(|w| *w == "to").filter(|&to| to > 0 && words.len() - to <= 4) {
            let envoy = matches!(fold(words[to - 1]).as_str(), "ambassador" | "envoy" | "representative");
            if envoy && self.state(&words[to + 1..], day).is_some() {
                words = &words[..to];
            }
        }
        if is_former(words, after) {
            return None;
        }
        if let Some(code) = self.state_then_title(words, day, true) {
            return Some(code);
        }
        if let Some(code) = self.title_of_place(words, day, false) {
            return Some(code);
        }
        // "X is sworn in as President of Costa Rica", "appoints X as the
        // first Israeli ambassador": the office the sentence gives (not
        // "is elected": the elected take office later).
        if let Some(words) = office_taken(after) {
            let words: Vec<&str> = words.iter().copied().skip_while(|w| matches!(*w, "the" | "a" | "first" | "new")).collect();
            let code = self.shortest_state_title(&words, day).or_else(|| {
                let of = words.iter().position(|w| *w == "of")?;
                self.dict.agent(&fold(&words[..of].join(" "))).filter(|r| is_state_part(r))?;
                self.title_of_place(&words, day, true)
            });
            if code.is_some() {
                return code;
            }
        }
        // Without a closing comma the apposition runs into the clause
        // ("Fidan, the Turkish foreign minister said"): the shortest
        // STATE TITLE from its start is it.
        let (words, closed) = apposition(after)?;
        self.shortest_state_title(&words, day)
            // "Youssef Chahed, the Prime Minister of Tunisia,"; not "X,
            // Libertarian Party nominee for Governor of Virginia".
            .or_else(|| {
                let of = words.iter().position(|w| *w == "of")?;
                // "the mayor of Konotop" too: an office, not "X, Libertarian
                // Party nominee for Governor of Virginia".
                let head: Vec<&str> = words[..of].iter().filter(|w| !matches!(**w, "the" | "a")).copied().collect();
                let titled = head.iter().all(|w| w.starts_with(char::is_uppercase))
                    || (!head.is_empty() && self.dict.agent(&fold(&head.join(" "))).is_some_and(is_state_part));
                (closed && titled).then(|| self.title_of_place(&words, day, false)).flatten()
            })
    }

    /// The shortest `STATE TITLE` from the start of `words` (an apposition,
    /// an office taken), which may run on into the clause.
    fn shortest_state_title(&self, words: &[&str], day: Option<&str>) -> Option<ActorCode> {
        (2..=words.len()).find_map(|n| self.state_then_title(&words[..n], day, false))
    }

    /// `[the] STATE['s] TITLE` at the end of `words` (before a name) or as
    /// the whole of `words` (an apposition).
    fn state_then_title(&self, words: &[&str], day: Option<&str>, at_end: bool) -> Option<ActorCode> {
        let max_title = self.dict.agent_words().min(words.len());
        for t in (1..=max_title).rev() {
            let (head, title) = words.split_at(words.len() - t);
            let folded_title = fold(&title.join(" "));
            let Some(role) = self.dict.agent(&folded_title) else { continue };
            // "Indonesia's security minister", "U.S. District Judge": up to
            // two lower-case words, or one capitalised, between a state and
            // an office only a state has.
            let public = t > 1 || PUBLIC_OFFICES.contains(&folded_title.as_str());
            let lower: Vec<&str> = head
                .iter()
                .rev()
                .take_while(|w| w.chars().all(|c| c.is_ascii_lowercase()) && !matches!(**w, "the" | "of" | "and"))
                .take(2)
                .copied()
                .collect();
            let capitalised = head.last().is_some_and(|w| w.starts_with(char::is_uppercase) && w.chars().all(char::is_alphabetic));
            // "Iranian foreign ministry spokesperson": a title any body has,
            // of a state body named in lower case.
            let of_state_body = lower.iter().any(|w| self.dict.agent(w).is_some_and(is_state_part))
                || (lower.len() == 2 && self.dict.agent(&format!("{} {}", lower[1], lower[0])).is_some_and(is_state_part));
            let skips = if public {
                lower.len().max(usize::from(capitalised))
            } else if of_state_body {
                lower.len()
            } else {
                0
            };
            for skip in 0..=skips {
                let head = &head[..head.len() - skip];
                for c in (1..=3.min(head.len())).rev() {
                    let state_words = &head[head.len() - c..];
                    let rest = &head[..head.len() - c];
                    // In an apposition the state and title are all there is.
                    if !(at_end || rest.is_empty() || (rest.len() == 1 && rest[0].eq_ignore_ascii_case("the"))) {
                        continue;
                    }
                    if let Some(code) = self.state(state_words, day) {
                        return Some(code.with_role(role));
                    }
                    // "El Paso mayor", "Seoul city Mayor": a city's or
                    // region's own office is its country's.
                    if let Some(place) = self.place(state_words, day).filter(|_| public && is_state_part(role)) {
                        return Some(place.without_roles().with_role(role));
                    }
                }
            }
        }
        None
    }

    /// A city, capital or region named by one to three words.
    fn place(&self, words: &[&str], day: Option<&str>) -> Option<&ActorCode> {
        let folded = fold(&words.join(" "));
        self.dict.lookup(&folded, day).filter(|e| matches!(e.kind, NameKind::City | NameKind::Capital | NameKind::Region)).map(|e| &e.code)
    }

    /// `TITLE of [the] PLACE [region]` at the end of `words`: "Governor of
    /// Washington", "the president of the Lombardy region".
    fn title_of_place(&self, words: &[&str], day: Option<&str>, taken: bool) -> Option<ActorCode> {
        let of = words.iter().rposition(|w| *w == "of")?;
        let mut place: Vec<&str> = words[of + 1..].to_vec();
        if place.first().is_some_and(|w| w.eq_ignore_ascii_case("the")) {
            place.remove(0);
        }
        if place.last().is_some_and(|w| matches!(*w, "region" | "province" | "state" | "city")) {
            place.pop();
        }
        if place.is_empty() || place.len() > 3 {
            return None;
        }
        let entry = self.dict.lookup(&fold(&place.join(" ")), day)?;
        // The longest title: "Governor General of Canada" is no general. A
        // title that other bodies have too is a state's when the sentence
        // says it is taken ("is sworn in as president of Costa Rica").
        let state_title = |n: usize| {
            let folded = fold(&words[of - n..of].join(" "));
            (taken && entry.kind == NameKind::Country && !STATE_ONLY_TITLES.contains(&folded.as_str()))
                .then(|| self.dict.agent(&folded).filter(|r| is_state_part(r)))
                .flatten()
        };
        let role = (1..=3.min(of)).rev().find_map(|n| self.office(&words[of - n..of]).or_else(|| state_title(n)))?;
        entry.kind.is_place().then(|| entry.code.without_roles().with_role(role))
    }

    /// "Turkish Foreign Ministry", "Israel Defense Forces": a state and a
    /// name with a role word in it, inside one entity.
    fn state_and_role_inside(&self, folded: &str, day: Option<&str>) -> Option<ActorCode> {
        let words: Vec<&str> = folded.split(' ').collect();
        // "UN Mission", "NATO forces": an international organisation's own
        // body or staff.
        for c in (1..=3.min(words.len().saturating_sub(1))).rev() {
            if let Some(igo) = self.dict.lookup(&words[..c].join(" "), day).filter(|e| e.kind == NameKind::Igo) {
                let rest = &words[c..];
                if rest.len() <= 2 && rest.iter().all(|w| IGO_BODY_WORDS.contains(w) || self.dict.agent(w).is_some()) {
                    return Some(igo.code.clone());
                }
            }
        }
        // "Syrian Muslims", "Bosnian Serbs": a people of a state.
        if let [state, people] = words.as_slice() {
            if let Some(code) = self.state(&[state], day).filter(|_| PEOPLE_WORDS.contains(people)) {
                return Some(code.without_roles());
            }
        }
        // "Federal Government of Somalia", "State Councillor of China".
        if let Some((head, tail)) = folded.rsplit_once(" of ") {
            let tail = tail.strip_prefix("the ").unwrap_or(tail);
            if let Some(state) = self.state(&[tail], day) {
                let head: Vec<&str> = head.split(' ').collect();
                return self.role_inside(&head).filter(|r| is_state_part(r)).map(|r| state.without_roles().with_role(r));
            }
        }
        for c in (1..=3.min(words.len().saturating_sub(1))).rev() {
            let Some(state) = self.state(&words[..c], day) else { continue };
            // "United Kingdom Home Office": the state's own institution.
            if let Some(inst) = self.dict.lookup(&words[c..].join(" "), day).filter(|e| e.code.primary() == state.primary()) {
                return Some(inst.code.clone());
            }
            // "Honduran National Electoral Council", "U.S. Office of Foreign
            // Assets Control": a state word before a body the tables do not
            // know, named by its kind.
            let head = words.last().and_then(|w| INSTITUTION_HEADS.iter().find(|(h, _)| h == w));
            let role = || head.and_then(|(_, r)| ActorCode::parse(r));
            return self.role_inside(&words[c..]).cloned().or_else(role).map(|r| state.with_role(&r));
        }
        // "Irving Police Department", "Los Angeles Sheriff's office": a
        // city's or region's own police or government is its country's.
        for c in (1..=3.min(words.len().saturating_sub(1))).rev() {
            let Some(place) = self.dict.lookup(&words[..c].join(" "), day) else { continue };
            if !matches!(place.kind, NameKind::City | NameKind::Region | NameKind::Capital) {
                continue;
            }
            let role = self.role_inside(&words[c..]).filter(|r| is_state_part(r))?;
            return Some(place.code.without_roles().with_role(role));
        }
        None
    }

    /// The role word of a name, which may end it ("Israel Defense Forces")
    /// or head it ("U.S. Army Corps of Engineers"): the longest one
    /// anywhere in `words`, leftmost first.
    fn role_inside(&self, words: &[&str]) -> Option<&ActorCode> {
        (1..=self.dict.agent_words().min(words.len())).rev().find_map(|n| words.windows(n).find_map(|w| self.dict.agent(&w.join(" "))))
    }
}

/// States whose people's names, in English news too, put the family name
/// first (Japan's are written in Western order).
const FAMILY_NAME_FIRST: [&str; 6] = ["CHN", "HKG", "KOR", "MAC", "PRK", "TWN"];

/// Whether a folded name ends in a word for a site ("Kazan International
/// Airport"), which is no actor.
fn is_site(folded: &str) -> bool {
    folded.rsplit(' ').next().is_some_and(|w| FACILITIES.contains(&w))
}

/// Whether a folded name begins or ends in a word for a sea ("Bay of
/// Bengal", "Red Sea").
fn is_water(folded: &str) -> bool {
    [folded.split(' ').next(), folded.rsplit(' ').next()].into_iter().flatten().any(|w| WATERS.contains(&w))
}

/// Last words of a site's name: a place of that kind is not an actor.
#[rustfmt::skip]
const FACILITIES: &[&str] = &[
    "airport", "airbase", "avenue", "base", "bridge", "cathedral", "center", "centre", "church", "college", "gardens", "hall", "hospital",
    "hotel", "junction", "mosque", "museum", "palace", "park", "plant", "plaza", "port", "prison", "road", "school", "square", "stadium",
    "station", "street", "temple", "tower", "university",
];

/// Whether the text between two names makes the first own the second
/// ("Iran's Quds Force").
fn is_possessive(between: &str) -> bool {
    matches!(between.trim(), "'s" | "’s")
}

/// How the words between two places relate them.
#[derive(Clone, Copy, PartialEq)]
enum PlaceLink {
    /// "Barajevo, Belgrade": the second may hold the first.
    Comma,
    /// "Minembwe in South Kivu", "the Cal Miskaad mountains of the Bari
    /// Region": the second holds the first.
    Inside,
    /// "Shebaa, and Shaqra": two of a list.
    And,
}

/// The link the words between two places make, if any: a kind of place
/// ("mountains", "refugee camp") may come first, and a compass word
/// ("southern") last.
fn place_link(between: &str) -> Option<PlaceLink> {
    let lower = between.trim().to_lowercase();
    let mut rest = lower.as_str();
    let mut kinded = false;
    if let Some(r) = PLACE_KINDS.iter().find_map(|k| rest.strip_prefix(k).filter(|r| r.is_empty() || r.starts_with([' ', ',']))) {
        rest = r.trim_start();
        kinded = true;
    }
    if let Some((head, last)) = rest.rsplit_once(' ') {
        if COMPASS_ADJECTIVES.iter().any(|c| c.trim_end() == last) {
            rest = head;
        }
    }
    match rest {
        "," => Some(if kinded { PlaceLink::Inside } else { PlaceLink::Comma }),
        "in" | "in the" | ", in" | ", in the" => Some(PlaceLink::Inside),
        "of" | "of the" if kinded => Some(PlaceLink::Inside),
        "and" | ", and" | "or" | ", or" if !kinded => Some(PlaceLink::And),
        _ => None,
    }
}

/// Kinds of division that follow a region's or city's name ("North Kivu
/// Province", "Khartoum State").
#[rustfmt::skip]
const DIVISION_KINDS: [&str; 12] = [
    " region", " province", " department", " territory", " district", " governorate", " state", " county", " voivodeship", " oblast",
    " municipality", " prefecture",
];

/// The branches of an armed body named after it.
const BRANCHES: [&str; 9] = ["navy", "army", "air force", "ground forces", "aerospace force", "command", "units", "unit", "wing"];

/// Seas and straits, which no country holds ("the Bay of Bengal area of
/// India").
const WATERS: [&str; 6] = ["bay", "gulf", "ocean", "sea", "strait", "straits"];

/// Kinds of place that news puts between a place and the one holding it,
/// longest first ("refugee camp" before "camp").
#[rustfmt::skip]
const PLACE_KINDS: [&str; 32] = [
    "mountain ranges", "mountain range", "refugee camp", "municipalities", "neighbourhood", "neighborhood", "municipality",
    "governorate", "settlement", "mountains", "mountain", "counties", "district", "province", "villages", "locality", "kibbutz",
    "village", "valley", "region", "county", "island", "towns", "state", "areas", "area", "town", "city", "camp", "islands",
    "border town", "oblast",
];

/// Whether `a` is a place and only a comma stands between it and `b`.
fn place_then_comma(text: &str, a: &Entity, b: &Entity) -> bool {
    a.kind == EntityKind::Loc && text[a.span.end..b.span.start].trim() == ","
}

/// The sentence's text before and after an entity of it.
fn around<'t>(text: &'t str, s: &Sentence, e: &Entity) -> (&'t str, &'t str) {
    (&text[s.span.start..e.span.start], &text[e.span.end..s.span.end.max(e.span.end)])
}

/// "Transitional National Government (TNG)", "the NAF (Nigerian Air
/// Force)": a name and its short form in brackets are one actor.
fn acronym_in_brackets(text: &str, entities: &[Entity], row: &mut [Option<ActorCode>], acronyms: &mut HashMap<String, ActorCode>) {
    for i in 1..entities.len() {
        let (a, b) = (&entities[i - 1], &entities[i]);
        let bracketed = text[a.span.end..b.span.start].trim() == "(" && text[b.span.end..].trim_start().starts_with(')');
        // "WASHINGTON (AP)" is a dateline: the short form must be the
        // long one's initials.
        let (long, short) = (&text[a.span], &text[b.span]);
        let (long, short) = if long.len() < short.len() { (short, long) } else { (long, short) };
        if !bracketed || a.kind == EntityKind::Per || b.kind == EntityKind::Per || !is_acronym_of(short, long) {
            continue;
        }
        match (row[i - 1].clone(), row[i].clone()) {
            (Some(c), None) => row[i] = Some(c),
            (None, Some(c)) => row[i - 1] = Some(c),
            _ => {}
        }
        // The short form stands for the body in the rest of the document
        // ("The PCD estimates...").
        if let Some(c) = &row[i] {
            acronyms.insert(fold(short), c.clone());
        }
    }
}

/// Whether `short` spells the initials of `long`'s capitalised words
/// ("TNG", "Transitional National Government"; "PML-Q", "Pakistan Muslim
/// League-Quaid").
fn is_acronym_of(short: &str, long: &str) -> bool {
    let letters: String = short.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect();
    let initials: String =
        long.split(|c: char| c.is_whitespace() || c == '-').filter_map(|w| w.chars().next()).filter(|c| c.is_uppercase()).collect();
    letters.len() >= 2 && letters == initials
}

/// Participles that make a name an adjective of its actor ("Hamas-run
/// ministry", "Saudi-led coalition"): the name is the part before them.
#[rustfmt::skip]
const COMPOUND_TAILS: [&str; 37] = [
    "run", "led", "based", "backed", "held", "occupied", "controlled", "allied", "sponsored", "funded", "linked", "aligned",
    "affiliated", "owned", "ruled", "dominated", "supported", "armed", "trained", "brokered", "mediated", "administered",
    "made", "built", "supplied", "imposed", "drafted", "hosted", "organised", "organized", "financed", "installed", "appointed",
    "launched", "operated", "designated", "claimed",
];

fn compound_head(name: &str) -> Option<&str> {
    let (head, tail) = name.rsplit_once(['-', '‐', '‑'])?;
    (!head.is_empty() && COMPOUND_TAILS.contains(&tail.to_lowercase().as_str())).then_some(head)
}

/// Whether the title next to a name is one the person no longer holds:
/// "former Pennsylvania Senator Rick Santorum", "Olmert, the former prime
/// minister," (GUIDELINES: the office held at the article's date).
fn is_former(before: &[&str], after: &str) -> bool {
    let clean = |w: &str| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-').to_lowercase();
    let old = |w: &&str| {
        let w = clean(w);
        w == "former" || w == "retired" || w.starts_with("then-") || w.starts_with("ex-") || w == "ex"
    };
    // "the late President X" is dead.
    let late = |words: &[&str]| words.windows(2).any(|p| clean(p[0]) == "the" && clean(p[1]) == "late");
    // The title before a name runs back to the last punctuation, five words at most.
    // A full stop inside a sentence is mostly an abbreviation's ("former
    // U.S. president Jimmy Carter", "Sen.").
    let ends_phrase = |w: &&str| {
        let w = w.trim_end_matches(['"', '”', '\'', '’', ')']);
        w.ends_with([',', ';', ':']) || w.strip_suffix('.').is_some_and(|stem| stem.len() > 4 && !stem.contains('.'))
    };
    let mut title: Vec<&str> = before.iter().rev().take_while(|w| !ends_phrase(w)).take(5).copied().collect();
    title.reverse();
    title.iter().any(old) || late(&title) || apposition(after).is_some_and(|(words, _)| words.iter().take(3).any(old) || late(&words))
}

/// The words of an apposition (", WORDS[,.;:]") at the start of `after`, up
/// to the next comma or full stop and without their punctuation, and
/// whether that punctuation closed it within reach.
fn apposition(after: &str) -> Option<(Vec<&str>, bool)> {
    Some(phrase(after.trim_start().strip_prefix(',')?))
}

/// The words at the start of `rest` up to the next comma or full stop
/// (within reach), without their punctuation, and whether that
/// punctuation closed them.
fn phrase(rest: &str) -> (Vec<&str>, bool) {
    let words: Vec<&str> = rest.split_whitespace().take(CONTEXT_WORDS).collect();
    let end = words.iter().position(|w| w.ends_with([',', '.', ';', ':'])).map(|i| i + 1);
    let cleaned = words[..end.unwrap_or(words.len())].iter().map(|w| w.trim_end_matches([',', '.', ';', ':'])).collect();
    (cleaned, end.is_some())
}

/// The words of the office a name takes or leaves right after it ("is
/// sworn in as President of Costa Rica", "as prime minister"), up to the
/// next punctuation.
fn office_taken(after: &str) -> Option<Vec<&str>> {
    let rest = after.trim_start();
    let rest = ["is sworn in as ", "was sworn in as ", "is sworn as ", "is appointed as ", "is named as ", "as "]
        .iter()
        .find_map(|p| rest.strip_prefix(p))?;
    Some(phrase(rest).0)
}

/// Whether a demonym names a language: "said in Spanish", "in French and
/// English", "Spanish-language media", "the Arabic translation".
fn is_language(before: &str, after: &str) -> bool {
    let after = after.trim_start_matches(['-', ' ']);
    let next = after.split(|c: char| !c.is_alphabetic()).next().unwrap_or("");
    if matches!(next, "language" | "languages" | "speaking" | "speakers" | "translation" | "subtitles") {
        return true;
    }
    let last = before.trim_end().rsplit(char::is_whitespace).next().unwrap_or("");
    let ends = after.is_empty() || after.starts_with([',', '.', ';', ':', ')', '"', '”']) || next == "and" || next == "or";
    last.eq_ignore_ascii_case("in") && ends
}

/// Titles that say whose office only with a state before them: "Crown
/// Prince Mohammed bin Salman" in a Syrian story is not Syria's.
const STATE_ONLY_TITLES: [&str; 7] = ["king", "queen", "emir", "sultan", "crown prince", "prince", "chancellor"];

/// Demonyms of two states, told apart by which of them the document names.
const SHARED_DEMONYMS: [(&str, [&str; 2]); 1] = [("congolese", ["COD", "COG"])];

/// Words before a surname that do not make it another person's.
#[rustfmt::skip]
const HONORIFICS: [&str; 24] = [
    "mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "lord", "lady", "president", "senator", "sen", "rep", "representative",
    "governor", "gov", "minister", "general", "gen", "judge", "justice", "mayor", "prince",
];

/// Bodies that many states have under one name, which the tables give to
/// one of them ("House of Commons" is GBRLEG there).
const SHARED_BODY_NAMES: [&str; 4] = ["house of commons", "senate", "legislative assembly", "national assembly"];

/// One-word titles that only a state's office holders have.
#[rustfmt::skip]
const PUBLIC_OFFICES: [&str; 16] = [
    "minister", "senator", "mp", "lawmaker", "legislator", "congressman", "congresswoman", "governor", "mayor", "prosecutor", "judge",
    "general", "colonel", "ambassador", "sheriff", "councillor",
];

/// Last words of titles that any body's staff have ("NASA Administrator",
/// "a representative for the Sheriff's office"), and a party's nominees
/// and leaders.
#[rustfmt::skip]
const TITLE_HEADS: [&str; 17] = [
    "administrator", "secretary", "spokesman", "spokeswoman", "spokesperson", "director", "chairman", "chairwoman", "chief", "head",
    "commissioner", "representative", "undersecretary", "deputy", "nominee", "candidate", "leader",
];

/// Whether a role names a part of the state itself (not its refugees,
/// media or business).
fn is_state_part(role: &ActorCode) -> bool {
    is_state_role(&role.as_str()[..3])
}

fn is_state_role(role: &str) -> bool {
    matches!(role, "GOV" | "MIL" | "LEG" | "JUD" | "COP" | "SPY")
}

/// A party coded next to person `i` of a sentence: `PARTY's NAME`, `NAME of
/// [the] PARTY`, `NAME from [the] PARTY`, `NAME (PARTY)`.
fn party_next_to(text: &str, entities: &[Entity], row: &[Option<ActorCode>], i: usize) -> Option<ActorCode> {
    let is_party = |j: usize| row[j].as_ref().filter(|c| c.has_role("PTY")).cloned();
    if i > 0 {
        let between = &text[entities[i - 1].span.end..entities[i].span.start];
        if matches!(between.trim_end(), "'s" | "’s") && between.ends_with(char::is_whitespace) {
            if let Some(c) = is_party(i - 1) {
                return Some(c);
            }
        }
    }
    if i + 1 < entities.len() {
        let between = text[entities[i].span.end..entities[i + 1].span.start].trim().to_lowercase();
        if matches!(between.as_str(), "of" | "of the" | "from" | "from the" | "(") {
            return is_party(i + 1);
        }
    }
    None
}

/// Bare compass words that stand for a place the document names in full
/// ("the North" after "North Korea").
const COMPASS: [&str; 4] = ["north", "south", "east", "west"];

/// Words after an international organisation's name that make a body or
/// staff of it ("UN Mission", "NATO summit" is not one: an event).
#[rustfmt::skip]
const IGO_BODY_WORDS: [&str; 14] = [
    "mission", "missions", "council", "commission", "agency", "agencies", "envoy", "envoys", "official", "officials", "secretariat",
    "observers", "monitors", "inspectors",
];

/// Last words of a state body's name, and the role of the body: "Honduran
/// National Electoral Council" is Honduras's government. (Committees and
/// boards are as often sports bodies: "Australian Paralympic Committee".)
#[rustfmt::skip]
const INSTITUTION_HEADS: [(&str, &str); 22] = [
    ("agency", "GOV"), ("authority", "GOV"), ("bureau", "GOV"), ("command", "MIL"), ("commission", "GOV"), ("control", "GOV"),
    ("corps", "MIL"), ("council", "GOV"), ("court", "JUD"), ("defence", "GOV"), ("defense", "GOV"), ("department", "GOV"),
    ("directorate", "GOV"), ("forces", "MIL"), ("guard", "MIL"), ("ministry", "GOV"), ("office", "GOV"), ("police", "COP"),
    ("secretariat", "GOV"), ("service", "GOV"), ("tribunal", "JUD"), ("administration", "GOV"),
];

/// Last words of an international organisation's event, not body
/// ("NATO Summit", "UN Charter").
#[rustfmt::skip]
const IGO_EVENT_WORDS: [&str; 16] = [
    "summit", "summits", "meeting", "meetings", "conference", "session", "talks", "charter", "treaty", "resolution", "declaration",
    "report", "convention", "forum", "games", "day",
];

/// Plural words for a people or faith group after a demonym ("Syrian
/// Muslims"): the demonym is the actor the gold codes.
#[rustfmt::skip]
const PEOPLE_WORDS: [&str; 29] = [
    "muslims", "christians", "kurds", "serbs", "croats", "arabs", "sunnis", "shiites", "shias", "jews", "catholics", "protestants",
    "tamils", "pashtuns", "muslim", "christian", "kurd", "serb", "croat", "arab", "sunni", "shiite", "shia", "jew", "catholic",
    "protestant", "tamil", "pashtun", "mujahideen",
];

/// First words of regions that span countries ("Eastern Europe").
const COMPASS_ADJECTIVES: [&str; 6] = ["eastern ", "western ", "northern ", "southern ", "central ", "east "];

/// Words that only sports reports use often: four different ones make a
/// document a sports report.
#[rustfmt::skip]
const SPORTS_WORDS: [&str; 34] = [
    "goal", "goals", "goalkeeper", "striker", "midfielder", "defender", "penalty", "penalties", "scored", "scorer", "kick off",
    "half time", "stoppage time", "extra time", "world cup", "fifa", "uefa", "league", "tournament", "semi final", "quarter final",
    "group stage", "knockout", "innings", "wicket", "wickets", "batsman", "bowler", "touchdown", "quarterback", "grand prix", "podium",
    "friendly", "championship",
];
const SPORTS_REPORT_CUES: usize = 4;

fn is_sports_report(text: &str) -> bool {
    // One folded pass; multi-word cues are matched on the word sequence.
    let folded = format!(" {} ", fold_words(text));
    SPORTS_WORDS.iter().filter(|w| folded.contains(&format!(" {w} "))).count() >= SPORTS_REPORT_CUES
}

/// Whether the words before a name make it a place, not a team: "the World
/// Cup in the Netherlands", "within Australia".
fn is_place_phrase(before: &str) -> bool {
    let before = before.trim_end();
    let before = before.strip_suffix(" the").unwrap_or(before);
    let last = before.rsplit(char::is_whitespace).next().unwrap_or("");
    matches!(last, "in" | "within" | "across" | "throughout")
}

/// Lower-case words separated by single spaces, punctuation dropped and
/// hyphens as spaces.
fn fold_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out
}

/// The two US parties' words, which stand for them in a text about the US.
const US_PARTY_WORDS: [&str; 5] = ["republican", "republicans", "democrat", "democrats", "democratic"];

/// A party named without its country ("Labour", "the Republicans", "Civic
/// Party"): it belongs to the country the document is about.
fn is_party_name(folded: &str) -> bool {
    #[rustfmt::skip]
    const GENERIC: [&str; 27] = [
        "labour", "labor", "conservative", "conservatives", "tory", "tories", "liberal", "liberals", "liberal democrats", "lib dems",
        "republican", "republicans", "democrat", "democrats", "democratic", "new democrat", "new democrats", "green", "greens", "socialist",
        "socialists", "social democrats", "christian democrats", "communist", "communists", "libertarian", "libertarians",
    ];
    GENERIC.contains(&folded) || [" party", " parties"].iter().any(|s| folded.ends_with(s) && folded.len() > s.len())
}

/// The country most of a document's coded mentions belong to, when one
/// clearly leads (at least two mentions and 40% of the country mentions).
fn home_country<'c>(codes: impl Iterator<Item = &'c ActorCode>) -> Option<ActorCode> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut total = 0;
    for c in codes.filter(|c| c.primary().len() == 3 && !matches!(c.primary(), "IGO" | "NGO" | "IMG" | "MNC")) {
        *counts.entry(c.primary()).or_default() += 1;
        total += 1;
    }
    let mut ranked: Vec<(&str, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let (best, n) = *ranked.first()?;
    // A story about two countries ("the Soviet Union" and "the US" a dozen
    // times each) has no home to give a bare title to.
    let second = ranked.get(1).map_or(0, |r| r.1);
    (n >= 2 && n * 10 >= total * 4 && n * 2 >= second * 3).then(|| ActorCode::parse(best).expect("a primary code is a code"))
}

/// The one state a sentence's coded mentions name, if exactly one.
fn sole_state<'c>(codes: impl Iterator<Item = &'c ActorCode>) -> Option<ActorCode> {
    let mut states = codes.map(|c| c.primary()).filter(|p| p.len() == 3 && !matches!(*p, "IGO" | "NGO" | "IMG" | "MNC"));
    let first = states.next()?;
    states.all(|p| p == first).then(|| ActorCode::parse(first).expect("a primary code is a code"))
}

/// The first `n` words of `s`, with trailing punctuation dropped; the list
/// stops at punctuation that ends a phrase.
fn words(s: &str, n: usize) -> Vec<&str> {
    let mut out = Vec::with_capacity(n);
    for w in s.split_whitespace().take(n) {
        let trimmed = w.trim_end_matches([',', '.', ';', ':', ')', '"', '”', '\'']);
        if !trimmed.is_empty() {
            out.push(trimmed);
        }
        if trimmed.len() != w.len() {
            break;
        }
    }
    out
}

/// Names learned in one document: full names and their last word.
#[derive(Default)]
struct Memory {
    names: HashMap<String, Option<ActorCode>>,
    /// The first words of the full names taught, by last word.
    first_words: HashMap<String, HashSet<String>>,
}

impl Memory {
    fn teach(&mut self, folded: &str, code: &ActorCode) {
        self.put(folded.to_string(), code);
        if let Some((_, last)) = folded.rsplit_once(' ') {
            self.put(last.to_string(), code);
            // "Yoon" after "Yoon Suk Yeol", "Xi" after "Xi Jinping": these
            // states' names put the family name first.
            if FAMILY_NAME_FIRST.contains(&code.primary()) {
                self.put(folded.split(' ').next().unwrap_or_default().to_string(), code);
            }
            let first = folded.split(' ').next().unwrap_or_default();
            self.first_words.entry(last.to_string()).or_default().insert(first.to_string());
        }
    }

    /// Two people with one surname and different codes make it unusable.
    fn put(&mut self, key: String, code: &ActorCode) {
        self.names
            .entry(key)
            .and_modify(|c| {
                if c.as_ref() != Some(code) {
                    *c = None
                }
            })
            .or_insert_with(|| Some(code.clone()));
    }

    fn recall(&self, folded: &str) -> Option<ActorCode> {
        if let Some(c) = self.names.get(folded) {
            return c.clone();
        }
        let (_, last) = folded.rsplit_once(' ')?;
        // "Hunter Biden" is not "Joe Biden": another given name is another
        // person; a title or an initial ("Mr Biden", "J Biden") is not.
        let first = folded.split(' ').next().unwrap_or_default();
        let other_person = first.len() > 2
            && !HONORIFICS.contains(&first)
            && self.first_words.get(last).is_some_and(|firsts| !firsts.is_empty() && !firsts.contains(first));
        if other_person {
            return None;
        }
        self.names.get(last).cloned().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Document, Origin, Span};
    use std::path::Path;

    const TABLE: &str = "name\tcode\tkind\n\
        Iran\tIRN\tcountry\n\
        Iranian\tIRN\tdemonym\n\
        Turkey\tTUR\tcountry\n\
        Turkish\tTUR\tdemonym\n\
        Tehran\tIRNGOV\tcapital\n\
        Jordan\tJOR\tcountry\n\
        North Korea\tPRK\tcountry\n\
        United Kingdom\tGBR\tcountry\n\
        Home Office\tGBRGOV\torg\n\
        Texas\tUSA\tregion\n\
        captain\tMIL\tagent\n\
        Recep Tayyip Erdoğan\tTURGOV\tperson\n\
        Joe Biden\tUSAGOV\tperson\t2021-01-20\t2025-01-20\n\
        army\tMIL\tagent\n\
        military\tMIL\tagent\n\
        ministry\tGOV\tagent\n\
        foreign minister\tGOV\tagent\n\
        minister\tGOV\tagent\n\
        president\tGOV\tagent\n\
        governor\tGOV\tagent\n\
        legislative council\tLEG\tagent\n\
        police department\tCOP\tagent\n\
        Hong Kong\tHKG\tcountry\n\
        Russia\tRUS\tcountry\n\
        Italy\tITA\tcountry\n\
        Rome\tITAGOV\tcapital\n\
        Washington\tUSA\tregion\n\
        Irving\tUSA\tcity\n\
        DAB\tHKGPTY\torg\n\
        Civic Party\tHKGPTY\torg\n\
        New People party\tRUSPTY\torg\n\
        NASA\tUSAGOV\torg\n\
        NATO\tIGONAT\tigo\n\
        Hamas\tPSEREB\tgroup\n\
        Somalia\tSOM\tcountry\n\
        government\tGOV\tagent\n\
        United States\tUSA\tcountry\n\
        Islamic State\tIMGISI\tgroup\n\
        chancellor\tGOV\tagent\n\
        king\tGOV\tagent\n\
        Germany\tDEU\tcountry\n\
        German\tDEU\tdemonym\n\
        Mali\tMLI\tcountry\n\
        constitutional court\tJUD\tagent\n\
        press secretary\tGOV\tagent\n\
        White House\tUSAGOV\torg\n\
        Taliban\tAFGREB\tgroup\t\t2021-08-15\n\
        Taliban\tAFGGOV\tgroup\t2021-08-15\t\n\
        Quds Force\tIRNMIL\torg\n\
        Canada\tCAN\tcountry\n\
        Tunisia\tTUN\tcountry\n\
        Indonesia\tIDN\tcountry\n\
        El Paso\tUSA\tcity\n\
        House of Commons\tGBRLEG\torg\n\
        house of commons\tLEG\tagent\n\
        prime minister\tGOV\tagent\n\
        general\tMIL\tagent\n\
        governor general\tGOV\tagent\n\
        mayor\tGOV\tagent\n\
        judge\tJUD\tagent\n\
        legislatures\tLEG\tagent\n\
        North Kivu\tCOD\tregion\n\
        Bari\tITA\tcity\n\
        crown prince\tGOV\tagent\n\
        troops\tMIL\tagent\n\
        Theresa May\tGBRLEG\tperson\t2010-05-06\t2016-07-13\n\
        Theresa May\tGBRGOV\tperson\t2016-07-13\t2019-07-24\n\
        Theresa May\tGBRLEG\tperson\t2019-07-24\t2024-07-04\n\
        Serbia\tSRB\tcountry\n\
        Belgrade\tSRBGOV\tcapital\n\
        Chicago\tUSA\tcity\n\
        South Kivu\tCOD\tregion\n\
        Democratic Republic of the Congo\tCOD\tcountry\n\
        Israel\tISR\tcountry\n\
        Yoon Suk Yeol\tKORGOV\tperson\n\
        United States\tUSA\tcountry\n\
        U.S.\tUSA\tcountry\n\
        African Union\tIGOAFU\tigo\n\
        Lebanon\tLBN\tcountry\n\
        Pakistan\tPAK\tcountry\n\
        Puntland\tSOM\tregion\n\
        Khartoum\tSDNGOV\tcapital\n\
        Honduran\tHND\tdemonym\n\
        ISIS\tIMGISI\tgroup\n\
        Mohammed bin Salman\tSAUGOV\tperson\n\
        ambassador\tGOV\tagent\n\
        spokesperson\tGOV\tagent\n\
        foreign ministry\tGOV\tagent\n";

    /// Annotates `text` with an entity at every `[...]` (PER when the
    /// bracket starts with `@`, ORG with `#`, LOC otherwise), one sentence
    /// per line.
    fn doc(marked: &str, date: Option<&str>) -> Annotated {
        let mut text = String::new();
        let mut sentences = Vec::new();
        for line in marked.lines() {
            let start = text.len();
            let mut s = Sentence::new(Span::new(0, 0));
            let mut rest = line;
            while let Some(open) = rest.find('[') {
                text.push_str(&rest[..open]);
                let close = rest[open..].find(']').unwrap() + open;
                let inner = &rest[open + 1..close];
                let (kind, name) = match (inner.strip_prefix('@'), inner.strip_prefix('#')) {
                    (Some(n), _) => (EntityKind::Per, n),
                    (_, Some(n)) => (EntityKind::Org, n),
                    _ => (EntityKind::Loc, inner),
                };
                let span = Span::new(text.len(), text.len() + name.len());
                text.push_str(name);
                s.entities.push(Entity { span, kind, confidence: 1.0, role: None, stance: None, actor: None });
                rest = &rest[close + 1..];
            }
            text.push_str(rest);
            s.span = Span::new(start, text.len());
            sentences.push(s);
            text.push(' ');
        }
        let mut doc = Document::new("d", text, Origin { path: None, line: None });
        doc.date = date.map(str::to_string);
        Annotated { doc, sentences }
    }

    fn codes(marked: &str, date: Option<&str>) -> Vec<String> {
        let mut d = Dictionary::default();
        d.add_tsv(Path::new("t.tsv"), TABLE).unwrap();
        let a = doc(marked, date);
        Resolver::new(&d).resolve(&a).into_iter().flatten().map(|c| c.map_or(String::new(), |c| c.to_string())).collect()
    }

    #[test]
    fn mentions_get_codes_from_names_titles_and_the_document() {
        let cases: &[(&str, &[&str])] = &[
            ("[Tehran] said [Iran] would talk.", &["IRNGOV", "IRN"]),
            ("The [Iranian] army moved; [Iran]'s military too.", &["IRNMIL", "IRNMIL"]),
            ("[Iranian] Foreign Minister [@Abbas Araghchi] spoke.", &["IRNGOV", "IRNGOV"]),
            // The bare name is taught by the title, before or after it.
            (
                "[@Araghchi] warns\n[Iranian] Foreign Minister [@Abbas Araghchi] spoke.\n[@Araghchi] left.",
                &["IRNGOV", "IRNGOV", "IRNGOV", "IRNGOV"],
            ),
            ("[@Hakan Fidan], [Turkey]'s foreign minister, said so. [@Fidan] left.", &["TURGOV", "TURGOV", "TURGOV"]),
            ("[@Hakan Fidan], the [Turkish] foreign minister said so.", &["TURGOV", "TURGOV"]),
            // No state before the title and none that the document is
            // about: unknown, not a guess.
            ("Foreign Minister [@Abbas Araghchi] spoke.", &[""]),
            ("[@Erdogan] met [@Recep Tayyip Erdoğan].", &["TURGOV", "TURGOV"]),
            ("[@Recep Tayyip Erdoğan] spoke. [@Erdoğan] left.", &["TURGOV", "TURGOV"]),
            // A person called Jordan is not the country.
            ("[@Jordan] scored. [Jordan] protested.", &["", "JOR"]),
            // Nor is a bare name that is part of a person's name in the document.
            ("[@Valeska Paris] spoke. [Paris] left [Paris].", &["", "", ""]),
            ("[Iranian] Foreign Minister [@Abbas Araghchi] spoke. [Araghchi] left.", &["IRNGOV", "IRNGOV", "IRNGOV"]),
            // A state inside an organisation's name, ending in a role word.
            ("The [Turkish Foreign Ministry] said. [Iran Air] flew.", &["TURGOV", ""]),
            ("The [Iranian Army Ground Force] moved.", &["IRNMIL"]),
            // A title inside the name.
            ("[@President Recep Tayyip Erdoğan] spoke.", &["TURGOV"]),
            ("[Iranian] [@Foreign Minister Abbas Araghchi] spoke. [@Araghchi] left.", &["IRNGOV", "IRNGOV", "IRNGOV"]),
            ("[Sheikh Ali] spoke.", &[""]),
        ];
        for (marked, want) in cases {
            assert_eq!(codes(marked, None), *want, "{marked}");
        }
    }

    #[test]
    fn what_the_document_is_about_decides_bare_names() {
        let cases: &[(&str, &[&str])] = &[
            // A sports report: countries are teams, a captain is a player.
            (
                "[Iran] beat [Turkey] in the World Cup group stage.\n[Iran] captain [@Ali Daei] scored two goals, one a penalty.",
                &["", "", "", ""],
            ),
            // The same names outside sport.
            ("[Iran] beat [Turkey] in the vote.\nThe captain [@Ali Daei] spoke.", &["IRN", "TUR", ""]),
            ("[Iranian] captain [@Ali Daei] spoke.", &["IRNMIL", "IRNMIL"]),
            // "the North" after "North Korea"; not without it.
            ("[North Korea] fired at loudspeakers that broadcast into the [North].", &["PRK", "PRK"]),
            ("Leaflets flew into the [North].", &[""]),
            // A party without its country belongs to the document's country.
            ("[Iran] and [Tehran] spoke; the [Reform Party] and the [Greens] objected.", &["IRN", "IRNGOV", "IRNPTY", "IRNPTY"]),
            // ...but only when one country leads.
            ("[Iran] met [Turkey]; the [Greens] objected.", &["IRN", "TUR", ""]),
            // A place inside a wrapper, and a state's own institution.
            ("The [State of Texas] sued.", &["USA"]),
            ("The [United Kingdom Home Office] ruled.", &["GBRGOV"]),
            // Being for or against an actor is not being it.
            ("[anti-Iran] groups marched.", &[""]),
        ];
        for (marked, want) in cases {
            assert_eq!(codes(marked, None), *want, "{marked}");
        }
    }

    #[test]
    fn affiliations_and_offices_without_a_state() {
        const HK: &str = "[Hong Kong] voted. [Hong Kong] counted.\n";
        let cases: Vec<(String, &[&str])> = vec![
            // A party next to a name is the person's, and teaches the name.
            (
                format!("{HK}[#DAB]'s [@Ben Chan] won, as did [@Alvin Yeung] of the [#Civic Party].\n[@Chan] spoke."),
                &["HKG", "HKG", "HKGPTY", "HKGPTY", "HKGPTY", "HKGPTY", "HKGPTY"],
            ),
            ("[#DAB] said [@Ben Chan] won.".into(), &["HKGPTY", ""]),
            // A party table's name of a country the document never names is
            // the document's party.
            (format!("{HK}The [#New People Party] won."), &["HKG", "HKG", "HKGPTY"]),
            ("[Russia] voted. [Russia] counted. The [#New People Party] won.".into(), &["RUS", "RUS", "RUSPTY"]),
            // A state body or office without its state is the document's.
            (format!("{HK}The [#Legislative Council] met."), &["HKG", "HKG", "HKGLEG"]),
            ("The [#Legislative Council] met.".into(), &[""]),
            ("[Italy] and [Rome] agreed. Education Minister [@Stefania Giannini] spoke.".into(), &["ITA", "ITAGOV", "ITAGOV"]),
            // ...but not a title that clubs and firms have too.
            ("[Italy] and [Rome] agreed. President [@Mario Rossi] of the club spoke.".into(), &["ITA", "ITAGOV", ""]),
            ("Governor of [Washington] [@Chris Gregoire] said so.".into(), &["USA", "USAGOV"]),
            // A body with a title between, before or after the name.
            ("[#NASA] Administrator [@Charles Bolden] spoke. [@Bolden] left.".into(), &["USAGOV", "USAGOV", "USAGOV"]),
            ("[@Fuad Basya], spokesman for the [Iranian] military, spoke.".into(), &["IRNMIL", "IRNMIL"]),
            // A clause between is not a title.
            ("The [#Home Office] today welcomed President [@Ali Khan]'s plan.".into(), &["GBRGOV", ""]),
            // A city's own police.
            ("The [#Irving Police Department] said so.".into(), &["USACOP"]),
        ];
        for (marked, want) in &cases {
            assert_eq!(codes(marked, None), *want, "{marked}");
        }
    }

    #[test]
    fn places_in_chains_heads_of_bodies_and_former_offices() {
        const SPORT: &str = "The striker scored a goal and a penalty in the tournament.\n";
        let cases: Vec<(String, Option<&str>, &[&str])> = vec![
            // A place the tables do not know, followed by its region.
            ("[Cambridge], [Texas] is small.".into(), None, &["USA", "USA"]),
            // A list is not a chain; a region across countries is no place.
            ("[Cambridge], [Texas] and [Iran] met.".into(), None, &["", "USA", "IRN"]),
            ("[Eastern Europe], [Iran] is far.".into(), None, &["", "IRN"]),
            // In a sports report a country is a team, unless it is where
            // something happens.
            (format!("{SPORT}[Iran] beat [Jordan] in [Turkey]."), None, &["", "", "TUR"]),
            (format!("{SPORT}[Iran] beat [Jordan] in [Cambridge], [Turkey]."), None, &["", "", "TUR", "TUR"]),
            // Heads and nominees of bodies and parties; an office holder's staff.
            ("The head of [#NATO], [@Mark Rutte], spoke.".into(), None, &["IGONAT", "IGONAT"]),
            ("[#DAB] nominee [@Ben Chan] won.".into(), None, &["HKGPTY", "HKGPTY"]),
            ("[@Recep Tayyip Erdoğan]'s foreign minister [@Hakan Fidan] spoke.".into(), None, &["TURGOV", "TURGOV"]),
            // A name learned late speaks for its earlier mentions too.
            (
                "[@McDonnell] left. [Texas] and [Texas] agreed. Governor [@Bob McDonnell] spoke.".into(),
                None,
                &["USAGOV", "USA", "USA", "USAGOV"],
            ),
            // A former office is no office; a title in an undated text
            // gives the one office the tables know, a dated one the day's.
            ("Former Governor of [Washington] [@Chris Gregoire] spoke.".into(), None, &["USA", ""]),
            ("President [@Joe Biden] spoke.".into(), None, &["USAGOV"]),
            ("[@Joe Biden], the president, spoke.".into(), None, &["USAGOV"]),
            ("President [@Joe Biden] spoke.".into(), Some("2025-05-01"), &[""]),
            ("Former President [@Joe Biden] spoke.".into(), None, &[""]),
            // A bare office takes the document's country only when one
            // clearly leads.
            ("[Iran], [Iran] and [Turkey].\nMinister [@Ali Khan] spoke.".into(), None, &["IRN", "IRN", "TUR", "IRNGOV"]),
            ("[Iran], [Iran], [Turkey] and [Turkey].\nMinister [@Ali Khan] spoke.".into(), None, &["IRN", "IRN", "TUR", "TUR", ""]),
        ];
        for (marked, day, want) in &cases {
            assert_eq!(codes(marked, *day), *want, "{marked}");
        }
    }

    #[test]
    fn compounds_possessives_acronyms_and_party_words() {
        let cases: Vec<(&str, &[&str])> = vec![
            // The actor before a participle's hyphen; other compounds are
            // left alone.
            ("The [#Hamas-run] ministry and a [Turkey-led] team met.", &["PSEREB", "TUR"]),
            ("A [#Hamas-style] rally.", &[""]),
            // Two places in one word are two actors: neither speaks alone.
            ("The [Turkey-Iran] border and [Iranian-made] drones.", &["", "IRN"]),
            // An IGO's own body; a people of a state; a name cut short.
            ("The [#NATO Mission] and the [#NATO Summit] met.", &["IGONAT", ""]),
            ("[Iranian Kurds] and [Iranian Airlines] met.", &["IRN", ""]),
            ("An [Iranian Muslim] cleric and a [Turkish-drafted] text.", &["IRN", "TUR"]),
            // An acute accent as an apostrophe ("Colombia´s").
            ("[Turkey´s] army moved.", &["TURMIL"]),
            ("[#Islamic] State fighters attacked, [#Islamic] scholars said.", &["IMGISI", ""]),
            // A state institution after its state's possessive, or with
            // its state after "of".
            ("[Somalia]'s [#Transitional National Government] met.", &["SOM", "SOMGOV"]),
            ("[Somalia] and its [#Transitional National Government] met.", &["SOM", ""]),
            ("The [#Federal Government of Somalia] met.", &["SOMGOV"]),
            // A name and its short form in brackets.
            ("[Somalia]'s [#Transitional National Government] ([#TNG]) met.", &["SOM", "SOMGOV", "SOMGOV"]),
            ("[#Hamas] ([#IRM]) met.", &["PSEREB", ""]),
            // A dateline's agency is not the place.
            ("[WASHINGTON] ([#AP]) — Officials spoke.", &["USA", ""]),
            // An ambassador to an IGO is not its official, but his state's.
            ("[Iran]'s [#NATO] Ambassador [@Ali Khan] spoke.", &["IRN", "IGONAT", "IRNGOV"]),
            ("[#NATO] spokesman [@Ali Khan] spoke.", &["IGONAT", "IGONAT"]),
            // US party words in a text that names the US.
            ("[#Republicans] in the [United States] agreed.", &["USAPTY", "USA"]),
            ("[#Republicans] agreed.", &[""]),
            ("[#Republicans] and [#Democrats] agreed.", &["USAPTY", "USAPTY"]),
        ];
        for (marked, want) in &cases {
            assert_eq!(codes(marked, None), *want, "{marked}");
        }
    }

    #[test]
    fn monarchs_staff_of_places_and_bodies_of_one_state() {
        let cases: Vec<(&str, Option<&str>, &[&str])> = vec![
            // A monarch or chancellor after a state is its government; the
            // bare title says nothing.
            ("[German] Chancellor [@Olaf Hamm] spoke.", None, &["DEUGOV", "DEUGOV"]),
            ("[Jordan]'s King [@Abdullah] spoke.", None, &["JORGOV", "JORGOV"]),
            ("King [@Abdullah] spoke.", None, &[""]),
            // Staff of a body the entity model tagged as a place.
            ("[White House] press secretary [@Sean Spicer] spoke.", None, &["USAGOV", "USAGOV"]),
            // A state institution without its state, in a text without a
            // home: the one state the sentence names, and only one.
            ("[Mali]'s opposition went to the [#Constitutional Court].", None, &["MLI", "MLIJUD"]),
            ("[Mali] and [Iran] went to the [#Constitutional Court].", None, &["MLI", "IRN", ""]),
            ("The [#Constitutional Court] ruled.", None, &[""]),
            // A body of a place the tables lack ends in its role.
            ("[Iran] and [Iran] met.\nThe [#Qom Police Department] spoke.", None, &["IRN", "IRN", "IRNCOP"]),
            // A group whose role changed: without a date only its state.
            ("The [#Taliban] attacked.", None, &["AFG"]),
            ("The [#Taliban] attacked.", Some("2019-05-01"), &["AFGREB"]),
            ("The [#Taliban] ruled.", Some("2022-05-01"), &["AFGGOV"]),
        ];
        for (marked, day, want) in &cases {
            assert_eq!(codes(marked, *day), *want, "{marked}");
        }
    }

    #[test]
    fn offices_of_places_appositions_and_us_politics() {
        const US: &str = "[United States] and [United States] agreed.\n";
        let cases: Vec<(String, Option<&str>, &[&str])> = vec![
            // A body after its state's possessive, in an apposition.
            ("[@Qasem Soleimani], head of [Iran]'s [#Quds Force], died.".into(), None, &["IRNMIL", "IRN", "IRNMIL"]),
            // Retired and dead office holders hold no office.
            ("[United States] Retired Judge [@Jon Paul] died.".into(), None, &["USA", ""]),
            ("The late President [@Joe Biden] spoke.".into(), None, &[""]),
            // TITLE of STATE in a closed apposition; not a nominee's.
            ("[@Youssef Chahed], the Prime Minister of [Tunisia], signed.".into(), None, &["TUNGOV", "TUN"]),
            ("[@Julie Payette], the Governor General of [Canada], spoke.".into(), None, &["CANGOV", "CAN"]),
            ("[@Ali Khan], Civic Party nominee for Governor of [Texas], spoke.".into(), None, &["", "USA"]),
            // Words between a state and an office only a state has; a
            // city's own office.
            ("[Indonesia]'s security minister [@Wiranto] was stabbed.".into(), None, &["IDN", "IDNGOV"]),
            ("[United States] District Judge [@Jon Paul] ruled.".into(), None, &["USA", "USAJUD"]),
            ("The [El Paso] mayor [@Dee Margo] spoke.".into(), None, &["USA", "USAGOV"]),
            // US party words and "the House" in a US story; a shared body
            // name is the document's; the head of an "of" name.
            (format!("{US}[#Democratic] voters and the [#House] agreed."), None, &["USA", "USA", "USAPTY", "USALEG"]),
            ("[#House] voted.".into(), None, &[""]),
            ("[Canada] and [Canada] voted.\nThe [#House of Commons] met.".into(), None, &["CAN", "CAN", "CANLEG"]),
            (format!("{US}The [#National Conference of State Legislatures] said."), None, &["USA", "USA", ""]),
            // Undated, a title picks the office of its role.
            ("Prime Minister [@Theresa May] spoke.".into(), None, &["GBRGOV"]),
            ("[@Theresa May] spoke.".into(), None, &[""]),
            ("[@Theresa May] spoke.".into(), Some("2020-01-01"), &["GBRLEG"]),
        ];
        for (marked, day, want) in &cases {
            assert_eq!(codes(marked, *day), *want, "{marked}");
        }
    }

    #[test]
    fn two_people_with_one_surname_leave_it_unknown() {
        let got = codes("[Iranian] President [@Ali Khan] and [Turkish] Minister [@Imran Khan] met. [@Khan] spoke.", None);
        assert_eq!(got, ["IRNGOV", "IRNGOV", "TURGOV", "TURGOV", ""]);
        // Another given name is another person; a title is not.
        let got = codes("[Iranian] President [@Ali Khan] spoke. [@Sara Khan] and [@Mr Khan] left.", None);
        assert_eq!(got, ["IRNGOV", "IRNGOV", "", "IRNGOV"]);
    }

    #[test]
    fn places_the_text_places_family_names_first_and_names_in_pieces() {
        let cases: Vec<(&str, &[&str])> = vec![
            // A place the tables lack, in a region or country the text
            // names: by a comma chain through a city, or by "in".
            ("An attack in [Barajevo], [Belgrade], [Serbia].", &["SRB", "SRBGOV", "SRB"]),
            ("Rebels took [Minembwe] in [South Kivu].", &["COD", "COD"]),
            // What a city holds is more often a site; a site is no actor.
            ("The [Adler Planetarium] in [Chicago].", &["", "USA"]),
            ("At [Kazan Airport] in [Serbia].", &["", "SRB"]),
            // A given name alone is not how news names a person.
            ("[@Israel Katz] spoke of [Israel].", &["", "ISR"]),
            // Korean names put the family name first.
            ("[@Yoon Suk Yeol] was arrested.\n[@Yoon] refused.", &["KORGOV", "KORGOV"]),
            // A state the entity model cut in two; a body named after its IGO.
            ("Fighting in the [Democratic Republic] of the [Congo].", &["COD", "COD"]),
            ("The [#African Union Transition Mission] left.", &["IGOAFU"]),
            // "eastern" part of a country is in it.
            ("Fighting in [eastern Democratic Republic of the Congo].", &["COD"]),
            // A title after another state's demonym beats the table's row
            // for a namesake.
            ("[Iranian] president [@Recep Tayyip Erdoğan] spoke.", &["IRNGOV", "IRNGOV"]),
            ("[Turkish] president [@Recep Tayyip Erdoğan] spoke.", &["TURGOV", "TURGOV"]),
            // Lists and kinds of place between a place and the one holding it.
            ("Strikes in [Bint Jbeil], [Shebaa], and [Shaqra], in southern [Lebanon].", &["LBN", "LBN", "LBN", "LBN"]),
            ("Fighting in the [Cal Miskaad] mountains of [Puntland].", &["SOM", "SOM"]),
            ("Killed in the [Zamzam] refugee camp in [Puntland].", &["SOM", "SOM"]),
            ("Storms over the [Bay of Bengal] area of [Pakistan].", &["", "PAK"]),
            ("Talks in [Serbia], [Lebanon] and [Pakistan].", &["SRB", "LBN", "PAK"]),
            ("Mines cleared in [Khartoum State].", &["SDN"]),
            // A short form in brackets stands for the body later on; a
            // state word before a body named by its kind.
            ("The [#Honduran National Electoral Council] ([#HNEC]) met.\nThe [#HNEC] spoke.", &["HNDGOV", "HNDGOV", "HNDGOV"]),
            // A militant group's leader; a person cut at "bin".
            ("[#ISIS] leader [@Ali Khan] was killed.", &["IMGISI", "IMGISI"]),
            ("Crown Prince [@Mohammed] bin [@Salman] met [@Yoon Suk Yeol].", &["SAUGOV", "SAUGOV", "KORGOV"]),
            // A title of a state body in lower case; an envoy's own state;
            // an office of a place in apposition.
            ("[Iranian] foreign ministry spokesperson [@Ali Khan] spoke.", &["IRNGOV", "IRNGOV"]),
            ("[Iranian] ambassador to [Pakistan] [@Ali Khan] spoke.", &["IRNGOV", "PAK", "IRNGOV"]),
            ("[@Ali Khan], the mayor of [El Paso], spoke.", &["USAGOV", "USA"]),
            // An office the sentence says is taken; a party's leader; the
            // one state a short text names gives a bare title its state.
            ("[@Ali Khan] is sworn in as president of [Serbia].", &["SRBGOV", "SRB"]),
            ("[Serbia] appoints [@Ali Khan] as prime minister.", &["SRB", "SRBGOV"]),
            ("The [#Civic Party], led by [@Ali Khan], won.", &["HKGPTY", "HKGPTY"]),
            // A site named for a place is no actor; a branch of a body is
            // the body; a city of another country's name is the one the
            // text says.
            ("Flights left [Belgrade Airport] and [Chicago].", &["", "USA"]),
            ("The [#Quds Force Navy] sailed.", &["IRNMIL"]),
            ("A shooting in [Belgrade], [Pakistan].", &["PAK", "PAK"]),
        ];
        for (marked, want) in &cases {
            assert_eq!(codes(marked, Some("2025-02-01")), *want, "{marked}");
        }
        // A former office is none, though its state's word stands next to it.
        assert_eq!(codes("The body of former [U.S.] president [@Jimmy Carter] arrived.", Some("2025-01-07"))[1], "");
    }

    #[test]
    fn royal_titles_regions_by_their_kind_and_demonyms_of_two_states() {
        let cases: Vec<(&str, &[&str])> = vec![
            // A royal title without a state says nothing, even in a
            // document with a home.
            ("[Iran], [Iran] and [Iran].\nCrown Prince [@Ali Khan] spoke.", &["IRN", "IRN", "IRN", ""]),
            // A region named with its kind.
            ("The [North Kivu Province] and [Bari Region].", &["COD", ""]),
            // "Congolese" takes the Congo the document names, or none.
            ("[Congolese] troops entered [North Kivu].", &["CODMIL", "COD"]),
            ("[Congolese] troops left.", &[""]),
        ];
        for (marked, want) in &cases {
            assert_eq!(codes(marked, None), *want, "{marked}");
        }
    }

    #[test]
    fn a_demonym_that_names_a_language_is_no_actor() {
        let cases: &[(&str, &[&str])] = &[
            ("He spoke in [German], then in [German] and [Iranian].", &["", "", "IRN"]),
            ("The [German]-language press and the [German] army.", &["", "DEUMIL"]),
            ("Troops in [German] uniforms.", &["DEU"]),
        ];
        for (marked, want) in cases {
            assert_eq!(codes(marked, None), *want, "{marked}");
        }
    }

    #[test]
    fn office_holders_follow_the_article_date() {
        assert_eq!(codes("[@Joe Biden] spoke.", Some("2024-05-01")), ["USAGOV"]);
        assert_eq!(codes("[@Joe Biden] spoke.", Some("2025-05-01")), [""]);
        assert_eq!(codes("[@Joe Biden] spoke.", None), [""]);
    }
}
