//! The data model every stage shares: a [`Document`] read from the corpus, the
//! [`Sentence`]s the splitter finds in it, and the [`Entity`] and stance
//! annotations the model stages add. Offsets are byte ranges ([`Span`]) into
//! the document text; they become character offsets only in the CSV writer.

use std::fmt;
use std::ops::{Index, Range};
use std::path::PathBuf;

/// A half-open byte range `[start, end)` into a document's text.
///
/// Both ends always lie on UTF-8 character boundaries, so `&text[span]`
/// never panics for a span produced by this crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Span { start, end }
    }

    pub const fn len(self) -> usize {
        self.end - self.start
    }

    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }

    /// Shifts a span that is relative to `base` so that it is relative to
    /// whatever `base` is relative to (a sentence-relative entity span becomes
    /// document-relative).
    pub const fn offset_by(self, base: usize) -> Self {
        Span { start: self.start + base, end: self.end + base }
    }

    pub const fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// Narrows the span so that it neither starts nor ends with whitespace.
    pub fn trim(self, text: &str) -> Span {
        let s = &text[self.range()];
        let lead = s.len() - s.trim_start().len();
        let t = s.trim();
        Span { start: self.start + lead, end: self.start + lead + t.len() }
    }
}

impl From<Range<usize>> for Span {
    fn from(r: Range<usize>) -> Self {
        Span::new(r.start, r.end)
    }
}

impl Index<Span> for str {
    type Output = str;
    fn index(&self, span: Span) -> &str {
        &self[span.start..span.end]
    }
}

impl Index<Span> for String {
    type Output = str;
    fn index(&self, span: Span) -> &str {
        &self.as_str()[span]
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// Where a document came from, for error messages and the errors report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file it was read from; `None` for standard input.
    pub path: Option<PathBuf>,
    /// 1-based line (JSONL) or record line (CSV); `None` for a whole `.txt` file.
    pub line: Option<u64>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(p) => write!(f, "{}", p.display())?,
            None => write!(f, "<stdin>")?,
        }
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        Ok(())
    }
}

/// One article of the corpus.
#[derive(Debug, Clone)]
pub struct Document {
    pub id: String,
    pub text: String,
    pub origin: Origin,
    /// The publication day (`YYYY-MM-DD`, validated by [`parse_day`]), when
    /// the input gives one: office holders are coded as of this day.
    pub date: Option<String>,
}

impl Document {
    pub fn new(id: impl Into<String>, text: impl Into<String>, origin: Origin) -> Self {
        Document { id: id.into(), text: text.into(), origin, date: None }
    }
}

/// The ISO day at the start of `s` (`2026-11-30`, `2026-11-30T08:15:00Z`,
/// `2026-11-30 08:15`, or the compact `20261130` of GDELT), if it is a real
/// calendar day.
pub fn parse_day(s: &str) -> Option<String> {
    let s = s.trim();
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r.clone()).filter(|d| d.iter().all(u8::is_ascii_digit)).map(|_| &s[r]);
    let (y, m, d, rest) = if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
        (digits(0..4)?, digits(5..7)?, digits(8..10)?, &s[10..])
    } else if b.len() == 8 {
        (digits(0..4)?, digits(4..6)?, digits(6..8)?, "")
    } else {
        return None;
    };
    // A time may follow a full date, nothing else.
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return None;
    }
    let (year, month, day): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    (year >= 1000 && (1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day)).then(|| format!("{y}-{m}-{d}"))
}

/// Days in a month (1-12) of the proleptic Gregorian calendar.
pub const fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// A CAMEO-style actor code: a primary actor (an ISO 3166-1 alpha-3 country,
/// or `IGO`/`NGO`/`IMG`/`MNC` followed by an organisation code) and zero or
/// more three-letter role codes (`IRN`, `IRNGOV`, `USAMIL`, `IGONAT`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActorCode(String);

/// The primary actor of a CAMEO-style code: its country (the first three
/// letters, `IRNGOV` → `IRN`), or, for international, non-governmental,
/// militant and corporate actors, whose codes name no country, the first six
/// (`IGONAT` stays NATO and is not folded into every other IGO). A code
/// shorter than that is its own primary actor (a bare `IGO` stays `IGO`).
pub fn primary_code(code: &str) -> &str {
    let n = if ActorCode::ORGANISATIONS.iter().any(|p| code.starts_with(p)) { 6 } else { 3 };
    code.get(..n).unwrap_or(code)
}

impl ActorCode {
    /// Prefixes whose primary actor is six letters: the sector and the organisation.
    const ORGANISATIONS: [&'static str; 4] = ["IGO", "NGO", "IMG", "MNC"];

    /// Accepts upper-case ASCII letters in groups of three.
    pub fn parse(s: &str) -> Option<ActorCode> {
        let ok = !s.is_empty() && s.len().is_multiple_of(3) && s.bytes().all(|b| b.is_ascii_uppercase());
        ok.then(|| ActorCode(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The length of the primary actor: 3 for a country, 6 for an
    /// organisation with its code (a bare `IGO` is 3).
    fn primary_len(&self) -> usize {
        self.primary().len()
    }

    /// The actor without roles: `IRNGOV` → `IRN`, `IGONATMIL` → `IGONAT`.
    pub fn primary(&self) -> &str {
        primary_code(&self.0)
    }

    /// The primary actor as a code of its own: `IRNGOV` → `IRN`.
    pub fn without_roles(&self) -> ActorCode {
        ActorCode(self.primary().to_string())
    }

    /// Whether the code names no role, so one may be added.
    pub fn is_primary_only(&self) -> bool {
        self.0.len() == self.primary_len()
    }

    /// The role groups after the primary actor: `IRNGOVMIL` → `GOV`, `MIL`.
    pub fn roles(&self) -> impl Iterator<Item = &str> {
        // Codes are ASCII (checked by parse), so every third byte is a boundary.
        let roles = &self.0[self.primary_len()..];
        (0..roles.len()).step_by(3).map(move |i| &roles[i..i + 3])
    }

    /// Whether one of the code's role groups is `role` (`HKGPTY` has `PTY`).
    pub fn has_role(&self, role: &str) -> bool {
        self.roles().any(|r| r == role)
    }

    /// The code with `role` appended when it has none yet (a capital's
    /// `IRNGOV` stays as it is).
    pub fn with_role(&self, role: &ActorCode) -> ActorCode {
        if self.is_primary_only() {
            ActorCode(format!("{}{}", self.0, role.0))
        } else {
            self.clone()
        }
    }
}

impl fmt::Display for ActorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Named-entity types, in the CoNLL-2003 scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    Per,
    Org,
    Loc,
    Misc,
}

impl EntityKind {
    pub const ALL: [EntityKind; 4] = [EntityKind::Per, EntityKind::Org, EntityKind::Loc, EntityKind::Misc];

    pub const fn as_str(self) -> &'static str {
        match self {
            EntityKind::Per => "PER",
            EntityKind::Org => "ORG",
            EntityKind::Loc => "LOC",
            EntityKind::Misc => "MISC",
        }
    }

    /// Parses a CoNLL type name; used when labels are mapped at model load
    /// and when gold data is read, never per token.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "PER" => Some(EntityKind::Per),
            "ORG" => Some(EntityKind::Org),
            "LOC" => Some(EntityKind::Loc),
            "MISC" => Some(EntityKind::Misc),
            _ => None,
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The stance a sentence takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stance {
    Conciliatory,
    Threatening,
    Neutral,
}

impl Stance {
    /// The order of the `p_` columns in the CSV and of [`StanceProbs`].
    pub const ALL: [Stance; 3] = [Stance::Conciliatory, Stance::Threatening, Stance::Neutral];

    pub const fn as_str(self) -> &'static str {
        match self {
            Stance::Conciliatory => "conciliatory",
            Stance::Threatening => "threatening",
            Stance::Neutral => "neutral",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "conciliatory" => Some(Stance::Conciliatory),
            "threatening" => Some(Stance::Threatening),
            "neutral" => Some(Stance::Neutral),
            _ => None,
        }
    }

    pub const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Stance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Probabilities of the three stances, in [`Stance::ALL`] order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StanceProbs(pub [f32; 3]);

impl StanceProbs {
    pub fn get(&self, s: Stance) -> f32 {
        self.0[s.index()]
    }

    /// The most probable stance and its probability.
    pub fn best(&self) -> (Stance, f32) {
        let mut best = Stance::Neutral;
        let mut p = f32::NEG_INFINITY;
        for s in Stance::ALL {
            if self.get(s) > p {
                best = s;
                p = self.get(s);
            }
        }
        (best, p)
    }
}

/// An entity's part in the statement its sentence makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Source,
    Target,
    Other,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Source, Role::Target, Role::Other];

    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Source => "source",
            Role::Target => "target",
            Role::Other => "other",
        }
    }

    /// Parses a role name, as the CSV and the model config write it.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "source" => Some(Role::Source),
            "target" => Some(Role::Target),
            "other" => Some(Role::Other),
            _ => None,
        }
    }
}

/// A named entity found in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// Byte range into the document text (not the sentence).
    pub span: Span,
    pub kind: EntityKind,
    pub confidence: f32,
    pub role: Option<Role>,
    /// The stance this entity carries in its sentence, when attributed.
    pub stance: Option<StanceProbs>,
    /// The political actor the mention stands for, when known.
    pub actor: Option<ActorCode>,
}

/// A sentence of a document, with whatever the stages have added to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    /// Byte range into the document text; never starts or ends with whitespace.
    pub span: Span,
    pub stance: Option<StanceProbs>,
    /// In document order.
    pub entities: Vec<Entity>,
}

impl Sentence {
    pub fn new(span: Span) -> Self {
        Sentence { span, stance: None, entities: Vec::new() }
    }
}

/// A document travelling through the pipeline with its annotations.
#[derive(Debug, Clone)]
pub struct Annotated {
    pub doc: Document,
    pub sentences: Vec<Sentence>,
}

impl Annotated {
    pub fn new(doc: Document) -> Self {
        Annotated { doc, sentences: Vec::new() }
    }

    pub fn sentence_text(&self, i: usize) -> &str {
        &self.doc.text[self.sentences[i].span]
    }
}

/// Counts whitespace-separated words, the unit of every throughput figure.
pub fn count_words(text: &str) -> usize {
    text.split_whitespace().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_indexes_and_trims() {
        let text = "  Erdoğan spoke.  ";
        let s = Span::new(0, text.len()).trim(text);
        assert_eq!(&text[s], "Erdoğan spoke.");
        assert_eq!(s, Span::new(2, 17));
        let inner = Span::new(0, 8).offset_by(2);
        assert_eq!(&text[inner], "Erdoğan");
        assert!(s.contains(inner));
        assert!(!inner.contains(s));
    }

    #[test]
    fn trim_of_all_whitespace_is_empty() {
        let text = " \n\t ";
        let s = Span::new(0, text.len()).trim(text);
        assert!(s.is_empty());
    }

    #[test]
    fn labels_round_trip() {
        for k in EntityKind::ALL {
            assert_eq!(EntityKind::parse(k.as_str()), Some(k));
        }
        for s in Stance::ALL {
            assert_eq!(Stance::parse(s.as_str()), Some(s));
            assert_eq!(Stance::ALL[s.index()], s);
        }
        assert_eq!(EntityKind::parse("per"), None);
        assert_eq!(Stance::parse("hostile"), None);
    }

    #[test]
    fn best_stance_is_argmax() {
        let p = StanceProbs([0.2, 0.7, 0.1]);
        assert_eq!(p.best(), (Stance::Threatening, 0.7));
        let p = StanceProbs([0.5, 0.1, 0.4]);
        assert_eq!(p.best().0, Stance::Conciliatory);
    }

    #[test]
    fn days_are_read_from_dates_and_timestamps() {
        for (input, want) in [
            ("2026-11-30", Some("2026-11-30")),
            ("2026-11-30T08:15:00Z", Some("2026-11-30")),
            (" 2026-11-30 08:15 ", Some("2026-11-30")),
            ("20261130", Some("2026-11-30")),
            ("2024-02-29", Some("2024-02-29")),
            ("2025-02-29", None),
            ("1900-02-29", None),
            ("2026-13-01", None),
            ("2026-11-31", None),
            ("2026-11-30x", None),
            ("30/11/2026", None),
            ("2026-1-5", None),
            ("", None),
            ("yesterday", None),
        ] {
            assert_eq!(parse_day(input).as_deref(), want, "{input:?}");
        }
    }

    #[test]
    fn actor_codes_split_into_primary_and_roles() {
        for (code, primary, bare) in
            [("IRN", "IRN", true), ("IRNGOV", "IRN", false), ("IGONAT", "IGONAT", true), ("IGONATMIL", "IGONAT", false), ("IGO", "IGO", true)]
        {
            let c = ActorCode::parse(code).unwrap();
            assert_eq!((c.primary(), c.is_primary_only()), (primary, bare), "{code}");
        }
        for (code, roles, bare) in [("IRN", "", "IRN"), ("IRNGOVMIL", "GOV MIL", "IRN"), ("IGONATMIL", "MIL", "IGONAT"), ("HKGPTY", "PTY", "HKG")] {
            let c = ActorCode::parse(code).unwrap();
            assert_eq!(c.roles().collect::<Vec<_>>().join(" "), roles, "{code}");
            assert_eq!(c.without_roles().as_str(), bare, "{code}");
        }
        assert!(ActorCode::parse("IRNGOVMIL").unwrap().has_role("MIL"));
        // "NAT" is part of the primary actor IGONAT, not a role.
        assert!(!ActorCode::parse("IGONATMIL").unwrap().has_role("NAT"));
        let gov = ActorCode::parse("GOV").unwrap();
        assert_eq!(ActorCode::parse("IRN").unwrap().with_role(&gov).as_str(), "IRNGOV");
        assert_eq!(ActorCode::parse("IRNMIL").unwrap().with_role(&gov).as_str(), "IRNMIL");
        for bad in ["", "IR", "irn", "IRNG", "IRN GOV", "ÜSA"] {
            assert_eq!(ActorCode::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn origin_displays_file_and_line() {
        let o = Origin { path: Some("a/b.jsonl".into()), line: Some(7) };
        assert_eq!(o.to_string(), "a/b.jsonl:7");
        let o = Origin { path: None, line: Some(3) };
        assert_eq!(o.to_string(), "<stdin>:3");
    }
}
