//! Actor dictionaries: reads the TSV tables under `datasets/actors/` (built
//! into the binary) and any `--actors FILE` in the same format, and answers
//! "which actor does this name stand for on this day". Names are matched
//! after [`fold`]: case, diacritics, dots, hyphens, a leading "the" and a
//! trailing possessive do not matter.
//!
//! Format: a header line `name, code, kind, valid_from, valid_until, source`
//! (tab-separated; `#` lines are comments; the last three columns may be
//! left out), one name per line. `kind` decides how a name is used: places,
//! organisations and people name actors, `agent` rows are role words
//! ("army" → `MIL`) that refine a country named next to them.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

use crate::core::{parse_day, ActorCode};

/// The tables shipped with detente, in the order they are loaded (a later
/// table's name replaces an earlier one's).
const BUILT_IN: [(&str, &str); 9] = [
    ("datasets/actors/places.tsv", include_str!("../../datasets/actors/places.tsv")),
    ("datasets/actors/organisations.tsv", include_str!("../../datasets/actors/organisations.tsv")),
    ("datasets/actors/institutions.tsv", include_str!("../../datasets/actors/institutions.tsv")),
    ("datasets/actors/regions.tsv", include_str!("../../datasets/actors/regions.tsv")),
    ("datasets/actors/parties.tsv", include_str!("../../datasets/actors/parties.tsv")),
    ("datasets/actors/agents.tsv", include_str!("../../datasets/actors/agents.tsv")),
    ("datasets/actors/office_holders_history.tsv", include_str!("../../datasets/actors/office_holders_history.tsv")),
    ("datasets/actors/politicians.tsv", include_str!("../../datasets/actors/politicians.tsv")),
    ("datasets/actors/office_holders.tsv", include_str!("../../datasets/actors/office_holders.tsv")),
];

/// Tables whose rows add periods to the names of the tables before them
/// instead of replacing them: legislators, regional heads and candidates,
/// and the present office holders, continue the history of the same people.
const CONTINUES_PREVIOUS: [&str; 2] = ["datasets/actors/politicians.tsv", "datasets/actors/office_holders.tsv"];

/// What a dictionary name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Country,
    Demonym,
    Capital,
    City,
    Region,
    Igo,
    Ngo,
    Group,
    Org,
    Person,
    Surname,
    Agent,
}

impl NameKind {
    fn parse(s: &str) -> Option<NameKind> {
        Some(match s {
            "country" => NameKind::Country,
            "demonym" => NameKind::Demonym,
            "capital" => NameKind::Capital,
            "city" => NameKind::City,
            "region" => NameKind::Region,
            "igo" => NameKind::Igo,
            "ngo" => NameKind::Ngo,
            "group" => NameKind::Group,
            "org" => NameKind::Org,
            "person" => NameKind::Person,
            "surname" => NameKind::Surname,
            "agent" => NameKind::Agent,
            _ => return None,
        })
    }

    /// Names a state, so that a role word next to it says which part acts.
    pub fn is_state(self) -> bool {
        matches!(self, NameKind::Country | NameKind::Demonym)
    }

    /// A place, which a person's name never is ("Jordan" tagged PER).
    pub fn is_place(self) -> bool {
        matches!(self, NameKind::Country | NameKind::Demonym | NameKind::Capital | NameKind::City | NameKind::Region)
    }
}

/// One dictionary row.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub code: ActorCode,
    pub kind: NameKind,
    /// First day the entry holds (`YYYY-MM-DD`), if limited.
    pub from: Option<String>,
    /// First day it no longer holds (exclusive), if limited.
    pub until: Option<String>,
}

impl Entry {
    /// Whether the entry holds on `day`; without a day, only entries that
    /// still hold (no end) count, so an undated article gets the office
    /// holders of the table's present, never a former one.
    fn holds_on(&self, day: Option<&str>) -> bool {
        match day {
            Some(d) => self.from.as_deref().is_none_or(|f| f <= d) && self.until.as_deref().is_none_or(|u| d < u),
            None => self.until.is_none(),
        }
    }
}

/// A dictionary file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DictionaryError {
    #[error("cannot read actor dictionary {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}: {message}", .path.display())]
    Line { path: PathBuf, line: usize, message: String },
}

/// Names → actors, and role words.
#[derive(Debug, Default, Clone)]
pub struct Dictionary {
    names: HashMap<String, Vec<Entry>>,
    agents: HashMap<String, ActorCode>,
    /// Longest role phrase, in words, so matching looks no further.
    agent_words: usize,
    /// Names of groups and IGOs as written, that the entity model tends to
    /// miss: those with a digit ("M23") or in capitals ("ELN"), each once
    /// though dated rows list it again.
    spelled_out: BTreeSet<String>,
}

impl Dictionary {
    /// The tables shipped with detente.
    pub fn built_in() -> Dictionary {
        let mut d = Dictionary::default();
        for (name, text) in BUILT_IN {
            d.add_rows(Path::new(name), text, !CONTINUES_PREVIOUS.contains(&name))
                .expect("the built-in actor tables are checked by the tests");
        }
        d
    }

    /// Adds a user's table; its names replace the same names of the tables
    /// loaded before.
    pub fn add_file(&mut self, path: &Path) -> Result<(), DictionaryError> {
        let text = std::fs::read_to_string(path).map_err(|source| DictionaryError::Io { path: path.to_path_buf(), source })?;
        self.add_tsv(path, &text)
    }

    /// Adds the rows of one table; `path` only names it in errors.
    pub fn add_tsv(&mut self, path: &Path, text: &str) -> Result<(), DictionaryError> {
        self.add_rows(path, text, true)
    }

    /// Adds the rows of one table; with `replace`, its names replace the
    /// same names loaded before, else its rows join theirs.
    fn add_rows(&mut self, path: &Path, text: &str, replace: bool) -> Result<(), DictionaryError> {
        let err = |line: usize, message: String| DictionaryError::Line { path: path.to_path_buf(), line, message };
        let mut rows: Vec<(String, Entry)> = Vec::new();
        let mut header_seen = false;
        for (i, line) in text.lines().enumerate() {
            let line_no = i + 1;
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cells: Vec<&str> = line.split('\t').map(str::trim).collect();
            if !header_seen {
                header_seen = true;
                if cells.first() == Some(&"name") {
                    if cells.get(1) != Some(&"code") {
                        return Err(err(line_no, format!("header must start `name<TAB>code`, found `{line}`")));
                    }
                    continue;
                }
            }
            if cells.len() < 2 || cells.len() > 6 {
                return Err(err(
                    line_no,
                    format!(
                        "expected 2 to 6 tab-separated columns (name, code, kind, valid_from, valid_until, source), found {}",
                        cells.len()
                    ),
                ));
            }
            let name = fold(cells[0]);
            if name.is_empty() {
                return Err(err(line_no, "empty name".into()));
            }
            let code = ActorCode::parse(cells[1]).ok_or_else(|| {
                err(line_no, format!("`{}` is not an actor code (upper-case letters in groups of three, e.g. IRNGOV)", cells[1]))
            })?;
            let kind = match cells.get(2).copied().unwrap_or("") {
                "" => NameKind::Org,
                k => NameKind::parse(k).ok_or_else(|| {
                    err(
                        line_no,
                        format!(
                            "unknown kind `{k}` (country, demonym, capital, city, region, igo, ngo, group, org, person, surname, agent)"
                        ),
                    )
                })?,
            };
            let day = |col: usize| -> Result<Option<String>, DictionaryError> {
                match cells.get(col).copied().unwrap_or("") {
                    "" => Ok(None),
                    v => parse_day(v).filter(|d| d == v).map(Some).ok_or_else(|| err(line_no, format!("`{v}` is not a date (YYYY-MM-DD)"))),
                }
            };
            let (from, until) = (day(3)?, day(4)?);
            if let (Some(f), Some(u)) = (&from, &until) {
                if u <= f {
                    return Err(err(line_no, format!("valid_until {u} is not after valid_from {f}")));
                }
            }
            if matches!(kind, NameKind::Group | NameKind::Igo) && is_code_like(cells[0]) {
                self.spelled_out.insert(cells[0].to_string());
            }
            rows.push((name, Entry { code, kind, from, until }));
        }
        // Replace whole names, not single rows, so a user's row is never
        // outvoted by a built-in row for another period.
        let mut replaced: std::collections::HashSet<String> = std::collections::HashSet::new();
        for (name, entry) in rows {
            if entry.kind == NameKind::Agent {
                self.agent_words = self.agent_words.max(name.split(' ').count());
                self.agents.insert(name, entry.code);
                continue;
            }
            if replace && !replaced.contains(&name) {
                replaced.insert(name.clone());
                self.names.remove(&name);
            }
            self.names.entry(name).or_default().push(entry);
        }
        Ok(())
    }

    /// The entry for a folded name on a day: the last row loaded that holds
    /// then.
    pub fn lookup(&self, folded: &str, day: Option<&str>) -> Option<&Entry> {
        self.names.get(folded)?.iter().rev().find(|e| e.holds_on(day))
    }

    /// The one code a name had in every period of the tables, for a title
    /// in an undated text ("President Mubarak"), or else the one code of the
    /// title's role (`GOV` for "President Obama", who was a senator
    /// before): `None` when the periods disagree.
    pub fn only_code(&self, folded: &str, role: Option<&ActorCode>) -> Option<&ActorCode> {
        let rows = self.names.get(folded)?;
        let first = &rows.first()?.code;
        if rows.iter().all(|e| &e.code == first) {
            return Some(first);
        }
        // Else the one code of the title's role, if the periods agree on it.
        let role = role?.as_str().get(..3)?;
        let mut of_role = rows.iter().map(|e| &e.code).filter(|c| c.has_role(role));
        let first = of_role.next()?;
        of_role.all(|c| c == first).then_some(first)
    }

    /// The state alone, for a group or organisation whose periods give one
    /// state different roles ("Taliban": rebels, then the government), in
    /// a text without a date: which role held is not known, whose it is
    /// is.
    pub fn state_of_changing_roles(&self, folded: &str) -> Option<ActorCode> {
        let rows = self.names.get(folded)?;
        let first = rows.first()?;
        let changes = rows.iter().any(|e| e.code != first.code);
        let one_state = rows.iter().all(|e| e.code.primary() == first.code.primary() && matches!(e.kind, NameKind::Group | NameKind::Org));
        (changes && one_state).then(|| first.code.without_roles())
    }

    /// The role code of a folded role phrase ("foreign minister" → `GOV`).
    pub fn agent(&self, folded: &str) -> Option<&ActorCode> {
        self.agents.get(folded)
    }

    pub fn agent_words(&self) -> usize {
        self.agent_words
    }

    /// Group and IGO names as written that hold a digit or are capitals
    /// ("M23", "ELN"), for [`crate::actors::MissedNameStage`].
    pub fn code_like_names(&self) -> impl Iterator<Item = &str> {
        self.spelled_out.iter().map(String::as_str)
    }
}

/// A name with a digit ("M23", "33rd Front") or an acronym of three or more
/// capitals ("ELN"): the kind of name the entity model, trained on CoNLL
/// news of 1996, misses.
fn is_code_like(name: &str) -> bool {
    let digit = name.bytes().any(|b| b.is_ascii_digit()) && name.bytes().any(|b| b.is_ascii_alphabetic());
    let acronym = name.len() >= 3 && name.bytes().all(|b| b.is_ascii_uppercase());
    digit || acronym
}

/// The form names are compared in: lower case, without diacritics, dots or
/// possessives, hyphens as spaces, single spaces, no leading "the".
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // NFKD splits an acute accent used as an apostrophe ("Colombia´s")
    // into a space and a combining mark, so it is read first.
    let s = if s.contains('´') { std::borrow::Cow::Owned(s.replace('´', "'")) } else { std::borrow::Cow::Borrowed(s) };
    for c in s.nfkd() {
        match c {
            '\u{0300}'..='\u{036f}'
            | '\u{1ab0}'..='\u{1aff}'
            | '\u{1dc0}'..='\u{1dff}'
            | '\u{20d0}'..='\u{20ff}'
            | '\u{fe20}'..='\u{fe2f}' => {}
            '.' => {}
            '’' | '‘' | '`' | 'ʼ' | 'ʻ' | '′' => out.push('\''),
            '-' | '‐' | '‑' | '‒' | '–' | '—' | '_' => out.push(' '),
            'ı' => out.push('i'),
            'ø' | 'Ø' => out.push('o'),
            'ł' | 'Ł' => out.push('l'),
            'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
            'ß' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'þ' | 'Þ' => out.push_str("th"),
            c if c.is_whitespace() => out.push(' '),
            c => out.extend(c.to_lowercase()),
        }
    }
    let mut folded = out.split_whitespace().collect::<Vec<_>>().join(" ");
    for suffix in ["'s", "'"] {
        if folded.len() > suffix.len() && folded.ends_with(suffix) {
            folded.truncate(folded.len() - suffix.len());
            break;
        }
    }
    match folded.strip_prefix("the ") {
        Some(rest) => rest.to_string(),
        None => folded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_to_one_form() {
        for (a, b) in [
            ("Erdoğan", "erdogan"),
            ("Recep Tayyip ERDOĞAN", "recep tayyip erdogan"),
            ("U.S.", "us"),
            ("the Pentagon", "pentagon"),
            ("Iran's", "iran"),
            ("Iran’s", "iran"),
            ("Hezbollah'", "hezbollah"),
            ("Guinea-Bissau", "guinea bissau"),
            ("  Abbas   Araghchi ", "abbas araghchi"),
            ("Türkiye", "turkiye"),
            ("Łukaszenka", "lukaszenka"),
            ("Theodore", "theodore"),
        ] {
            assert_eq!(fold(a), b, "{a}");
        }
    }

    const TABLE: &str = "name\tcode\tkind\tvalid_from\tvalid_until\tsource\n\
        # a comment\n\
        Iran\tIRN\tcountry\t\t\tgeonames\n\
        Tehran\tIRNGOV\tcapital\n\
        army\tMIL\tagent\n\
        foreign minister\tGOV\tagent\n\
        Joe Biden\tUSAGOV\tperson\t2021-01-20\t2025-01-20\tcurated\n\
        Donald Trump\tUSAGOV\tperson\t2025-01-20\t\tcurated\n";

    fn table() -> Dictionary {
        let mut d = Dictionary::default();
        d.add_tsv(Path::new("t.tsv"), TABLE).unwrap();
        d
    }

    #[test]
    fn office_holders_hold_only_in_their_period() {
        let d = table();
        let code = |name: &str, day: Option<&str>| d.lookup(&fold(name), day).map(|e| e.code.as_str().to_string());
        assert_eq!(code("Joe Biden", Some("2024-06-01")).as_deref(), Some("USAGOV"));
        assert_eq!(code("Joe Biden", Some("2025-01-20")), None);
        assert_eq!(code("Donald Trump", Some("2025-01-20")).as_deref(), Some("USAGOV"));
        assert_eq!(code("Donald Trump", Some("2018-01-01")), None);
        // Undated: only who holds office at the table's present.
        assert_eq!(code("Joe Biden", None), None);
        assert_eq!(code("Donald Trump", None).as_deref(), Some("USAGOV"));
        assert_eq!(code("tehran", None).as_deref(), Some("IRNGOV"));
        assert_eq!(d.agent("army").map(|c| c.as_str()), Some("MIL"));
        assert_eq!(d.agent_words(), 2);
    }

    #[test]
    fn a_later_table_replaces_a_name_whole() {
        let mut d = table();
        d.add_tsv(Path::new("mine.tsv"), "Joe Biden\tUSA\tperson\nPersia\tIRN\n").unwrap();
        assert_eq!(d.lookup("joe biden", None).unwrap().code.as_str(), "USA");
        assert_eq!(d.lookup("joe biden", Some("2024-01-01")).unwrap().code.as_str(), "USA");
        assert_eq!(d.lookup("persia", None).unwrap().kind, NameKind::Org);
    }

    #[test]
    fn bad_rows_name_file_and_line() {
        for (text, message) in [
            ("Iran\tirn\n", "t.tsv:1: `irn` is not an actor code"),
            ("name\tcode\n# c\nIran\tIRN\tnation\n", "t.tsv:3: unknown kind `nation`"),
            ("Iran\tIRN\tcountry\t2026-02-30\n", "t.tsv:1: `2026-02-30` is not a date"),
            ("Iran\tIRN\tcountry\t2026-02-01\t2026-01-01\n", "t.tsv:1: valid_until 2026-01-01 is not after valid_from 2026-02-01"),
            ("Iran\n", "t.tsv:1: expected 2 to 6 tab-separated columns"),
            ("name\tcountry\n", "t.tsv:1: header must start"),
        ] {
            let e = Dictionary::default().add_tsv(Path::new("t.tsv"), text).unwrap_err().to_string();
            assert!(e.starts_with(message), "{e}");
        }
    }

    #[test]
    fn the_built_in_tables_load() {
        let d = Dictionary::built_in();
        for (name, code) in [("Iran", "IRN"), ("Tehran", "IRNGOV"), ("NATO", "IGONAT"), ("the Pentagon", "USAMIL"), ("Houthis", "YEMREB")] {
            assert_eq!(d.lookup(&fold(name), Some("2026-06-01")).map(|e| e.code.as_str()), Some(code), "{name}");
        }
        assert_eq!(d.agent("army").map(|c| c.as_str()), Some("MIL"));
    }

    #[test]
    fn the_present_office_holders_continue_their_history() {
        let d = Dictionary::built_in();
        let cases = [
            ("Joe Biden", "2015-06-01", Some("USAGOV")),
            ("Joe Biden", "2018-06-01", None),
            // A candidate without office, then president-elect (politicians.tsv).
            ("Joe Biden", "2019-06-01", Some("USAPTY")),
            ("Joe Biden", "2020-12-01", Some("USAGOV")),
            ("Joe Biden", "2023-06-01", Some("USAGOV")),
            ("Keir Starmer", "2022-06-01", Some("GBROPP")),
            ("Keir Starmer", "2025-06-01", Some("GBRGOV")),
            ("Starmer", "2025-06-01", Some("GBRGOV")),
            ("Rishi Sunak", "2023-02-23", Some("GBRGOV")),
            ("Rishi Sunak", "2026-01-01", Some("GBRLEG")),
            ("Rishi Sunak", "2014-06-01", None),
        ];
        for (name, day, code) in cases {
            assert_eq!(d.lookup(&fold(name), Some(day)).map(|e| e.code.as_str()), code, "{name} on {day}");
        }
        // Undated, only the present counts.
        assert_eq!(d.lookup(&fold("Keir Starmer"), None).map(|e| e.code.as_str()), Some("GBRGOV"));
    }
}
