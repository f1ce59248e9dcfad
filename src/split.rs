//! Sentence splitting. Reads a document's text (`&str`, any Unicode) and
//! writes the byte [`Span`]s of its sentences, in order, trimmed of
//! whitespace, non-empty, non-overlapping and on character boundaries. It
//! reads no files and keeps no state between calls.
//!
//! The splitter is one hand-written pass over the bytes. Only a few bytes can
//! end a sentence (`. ? !`, line breaks, the lead bytes of `…`, bullets and
//! Unicode line separators), so the scan skips everything else with one
//! table lookup per byte. At each candidate it looks a bounded distance
//! backwards (the word before a full stop, at most 40 bytes) and forwards
//! (past whitespace and quotes to the next word), and every run it inspects
//! (dots, `?!`, closing quotes, whitespace) is consumed whole before the scan
//! moves on, so no byte is examined more than a constant number of times and
//! inputs such as a megabyte of dots or of `1.1.1.` stay linear.
//!
//! The rules follow the "golden rules" of pragmatic_segmenter / pySBD, plus
//! what news copy needs: headlines and crossheads without final punctuation,
//! blank lines as hard breaks, datelines, titles, initials, `U.S.` before a
//! name versus at the end of a sentence, and quotations that close after the
//! full stop.

use std::collections::{HashMap, HashSet};

use crate::core::Span;

/// How a known abbreviation behaves before a capitalised word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Abbr {
    /// Mr., Gen., Sen.: a name always follows, so never a boundary.
    Title,
    /// St., Mt., Ft.: usually before a name, but "Main St." can end a
    /// sentence; a boundary only before a word that typically opens one.
    Place,
    /// Co., Inc., Jr.: they close a name and often a sentence; a boundary
    /// unless a word that continues a company name (Chief, CEO) follows.
    Suffix,
    /// etc., et al.: a boundary before any capital.
    Etc,
    /// Jan., Sept.: joined to a following number, otherwise a boundary.
    Month,
    /// No., pp., vol.: joined to a following number, otherwise a boundary.
    Numeric,
    /// vs., e.g., i.e.: always followed by more of the same sentence.
    Continue,
    /// U.S., U.N., E.U.: a boundary unless a word that commonly continues
    /// the name (Navy, Security Council) follows.
    Country,
    /// a.m., p.m.: a boundary unless a time zone follows or the sentence so
    /// far is only an introductory time phrase ("At 5 a.m. Mr. Smith ...").
    Time,
    /// Other dotted capitals and initials (J.R.R., F.B.I., Ph.D.): names go
    /// on, so a boundary only before a typical sentence opener.
    Initials,
}

/// What precedes a single full stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Before {
    /// An ordinary word, a number, a closing bracket or quote.
    Plain,
    /// A single capital letter: a middle initial ("George W. Bush") or "I".
    Initial {
        is_i: bool,
        prev_cap: bool,
    },
    /// A single lower-case letter ("p. 55").
    SingleLower,
    Abbr(Abbr),
}

/// The start of whatever follows a candidate boundary, past whitespace and
/// opening quotes or brackets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next<'a> {
    End,
    Lower,
    /// A capital or caseless letter. `word` is its ASCII-letter prefix (empty
    /// when it starts with a non-ASCII letter); `dotted` when a full stop
    /// directly follows that word (an initial or an abbreviation).
    Upper {
        word: &'a str,
        dotted: bool,
    },
    /// A digit or a currency sign.
    Digit,
    /// Anything else (comma, dash, bullet, ...): never starts a sentence.
    Punct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Dot,
    Paren,
    DotParen,
}

/// A list marker: `3.`, `3)`, `3.)`, `c.`, `c)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    Num(u32, Style),
    Letter(u8, Style),
}

impl Item {
    fn succ(self) -> Item {
        match self {
            Item::Num(n, s) => Item::Num(n.saturating_add(1), s),
            Item::Letter(c, s) => Item::Letter(c.wrapping_add(1), s),
        }
    }
}

/// Prepositive titles; only recognised with an initial capital, so that the
/// words "gen." or "rep." in lower case stay ordinary.
#[rustfmt::skip]
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "messrs", "mme", "mlle", "dr", "drs", "prof", "profs", "gen", "gens", "lt",
    "col", "maj", "capt", "cpt", "cmdr", "cdr", "comdr", "adm", "brig", "sgt", "cpl", "pvt", "pte",
    "pfc", "spc", "ens", "sen", "sens", "rep", "reps", "gov", "govs", "pres", "rev", "revd", "hon",
    "amb", "fr", "msgr", "supt", "insp", "det", "atty", "rt", "cllr", "secy",
];
const PLACES: &[&str] = &["st", "mt", "ft", "pt", "intl"];
#[rustfmt::skip]
const SUFFIXES: &[&str] = &[
    "co", "cos", "corp", "inc", "ltd", "plc", "llc", "bros", "jr", "sr", "esq", "ave", "blvd", "rd",
    "hwy", "dept", "univ", "assn", "govt",
];
const ETC: &[&str] = &["etc", "al"];
#[rustfmt::skip]
const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
];
#[rustfmt::skip]
const NUMERIC: &[&str] = &[
    "no", "nos", "nr", "pp", "vol", "vols", "art", "arts", "fig", "figs", "ch", "chap", "sec",
    "secs", "para", "paras", "pt", "pts", "ed", "eds", "tel", "ext", "est", "ca",
];
#[rustfmt::skip]
const CONTINUE: &[&str] = &[
    "vs", "cf", "viz", "approx", "appx", "incl", "excl", "esp", "resp",
];

/// Words that open sentences far more often than they continue a name; after
/// an ambiguous abbreviation they tip the balance towards a boundary.
#[rustfmt::skip]
const STARTERS: &[&str] = &[
    "The", "A", "An", "He", "She", "It", "They", "We", "I", "You", "His", "Her", "Its", "Their",
    "Our", "My", "This", "That", "These", "Those", "There", "Here", "But", "And", "Or", "So", "Yet",
    "However", "Meanwhile", "If", "When", "While", "Although", "Though", "Because", "After",
    "Before", "Since", "As", "In", "On", "At", "For", "With", "From", "By", "Then", "Also", "Still",
    "What", "Why", "How", "Who", "Where", "Some", "Many", "Most", "All", "Both", "Each", "Such",
    "Earlier", "Later", "Last", "According", "Despite", "Instead", "Thus", "Therefore", "Moreover",
    "Indeed", "Nevertheless", "Now", "Today", "Yesterday", "Asked", "Speaking",
];

/// Capitalised words that commonly continue "U.S.", "U.N.", "U.K.", "E.U."
/// as part of a name or title rather than open a new sentence.
#[rustfmt::skip]
const NAME_FOLLOWERS: &[&str] = &[
    "Navy", "Army", "Air", "Force", "Forces", "Marines", "Marine", "Coast", "Guard", "Government",
    "Senate", "Senator", "House", "Congress", "Congressional", "Treasury", "State", "Department",
    "Defense", "Defence", "Justice", "Commerce", "Embassy", "Embassies", "Consulate", "Ambassador",
    "Envoy", "Secretary", "President", "Presidential", "Vice", "Special", "Representative", "Trade",
    "Central", "Command", "Military", "Supreme", "Court", "Federal", "Capitol", "Attorney",
    "District", "Security", "General", "Human", "High", "Charter", "Refugee", "Relief", "Nuclear",
    "Atomic", "Peacekeeping", "Mission", "Intelligence", "Customs", "Border", "Patrol", "Postal",
    "Census", "Bureau", "National", "Geological", "Olympic", "Open", "Dollar", "Dollars",
    "Constitution", "Constitutional", "Immigration", "Agency", "Office", "Institute", "Energy",
    "Export", "Chamber", "Permanent", "Deputy", "Assistant", "Undersecretary", "Under", "Chief",
    "Commander", "Joint", "Chiefs", "Cyber", "Space", "Southern", "European", "Pacific", "Indo",
    "Fleet", "Fifth", "Sixth", "Seventh", "Strategic", "Foreign", "Prime", "Home", "Interior",
    "Economic", "Financial", "Environmental", "Food", "Drug", "Health", "Public", "Naval",
    "Regulatory", "Securities", "Exchange", "Stock", "Policy", "Administration", "Commission",
    "Council", "Parliament", "Member", "Ministers", "Minister", "Democrats", "Republicans",
    "Democratic", "Republican", "Secret", "Marshals", "Sanctions", "Sen", "Rep", "Gen", "Adm", "Lt",
    "Col", "Maj", "Capt", "Gov", "Sgt", "Agriculture", "Labor", "Education", "Transportation",
    "Veterans", "Homeland", "Election", "Elections", "Mint", "Steel", "Soccer", "Women", "Children",
    "Development", "Relations", "Committee", "Agencies", "Troops", "Soldiers", "Official",
];
/// Capitalised words that continue a company name after "Inc.", "Co.".
#[rustfmt::skip]
const SUFFIX_FOLLOWERS: &[&str] = &[
    "Chief", "CEO", "CFO", "COO", "President", "Chairman", "Chairwoman", "Chair", "Vice",
    "Executive", "Senior", "Managing", "Director", "Founder", "Spokesman", "Spokeswoman",
    "Spokesperson", "Board", "Holdings", "Group",
];
#[rustfmt::skip]
const TIME_ZONES: &[&str] = &[
    "GMT", "UTC", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT", "ET", "CT", "MT", "PT",
    "BST", "CET", "CEST", "EET", "EEST", "IST", "JST", "AEST", "AEDT", "MSK", "IRST", "TRT", "GST",
    "AST", "WAT", "Eastern", "Pacific", "Central", "Mountain", "Local", "Greenwich",
];
/// Openers of a sentence that may be nothing but a time phrase so far.
#[rustfmt::skip]
const INTRO: &[&str] = &[
    "At", "By", "Before", "After", "Around", "Until", "Till", "From", "Since", "About", "Shortly",
    "Just", "On", "Early", "Late", "Starting", "Beginning", "Between", "Then", "Today",
];
/// A line that ends in one of these cannot end a sentence, so a capitalised
/// next line continues it (a hard-wrapped "... met the\nForeign Minister").
#[rustfmt::skip]
const LINE_END_WORDS: &[&str] = &[
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "from", "into", "onto",
    "over", "under", "about", "against", "between", "and", "or", "but", "nor", "as", "than", "that",
    "which", "who", "whom", "whose", "whether", "if", "is", "are", "was", "were", "be", "been",
    "being", "has", "have", "had", "will", "would", "shall", "should", "can", "could", "may",
    "might", "must", "its", "their", "his", "her", "our", "your", "my", "this", "these", "those",
    "said", "says", "told", "not", "very", "more", "most", "such", "de", "al", "bin", "ibn", "van",
    "von",
    // British style writes titles without a full stop: "said Mr\nErdogan".
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Sen", "Rep", "Gov", "Lt", "Col", "Capt", "Maj", "Adm",
    "Sgt", "St",
];

/// Bytes at which the scan has to stop and look.
static INTERESTING: [bool; 256] = {
    let mut t = [false; 256];
    t[b'.' as usize] = true;
    t[b'?' as usize] = true;
    t[b'!' as usize] = true;
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t[0x0B] = true;
    t[0x0C] = true;
    // Lead bytes of U+0085 (C2) and of …, bullets, U+2028/9 (E2).
    t[0xC2] = true;
    t[0xE2] = true;
    t
};

/// Splits text into sentences. Build it once and share it: it holds only
/// read-only word tables and is `Send + Sync`.
#[derive(Debug, Clone)]
pub struct SentenceSplitter {
    /// Lower-cased single-word abbreviations.
    words: HashMap<&'static str, Abbr>,
    starters: HashSet<&'static str>,
    name_followers: HashSet<&'static str>,
    suffix_followers: HashSet<&'static str>,
    time_zones: HashSet<&'static str>,
    intro: HashSet<&'static str>,
    line_end_words: HashSet<&'static str>,
}

impl Default for SentenceSplitter {
    fn default() -> Self {
        Self::new()
    }
}

impl SentenceSplitter {
    pub fn new() -> Self {
        let mut words = HashMap::new();
        // Later tables win where a word is in two ("pt" is Numeric, "st"
        // stays Place), so the order here is deliberate.
        for (list, kind) in [
            (PLACES, Abbr::Place),
            (SUFFIXES, Abbr::Suffix),
            (ETC, Abbr::Etc),
            (MONTHS, Abbr::Month),
            (NUMERIC, Abbr::Numeric),
            (CONTINUE, Abbr::Continue),
            (TITLES, Abbr::Title),
        ] {
            for w in list {
                words.insert(*w, kind);
            }
        }
        let set = |l: &[&'static str]| l.iter().copied().collect::<HashSet<_>>();
        SentenceSplitter {
            words,
            starters: set(STARTERS),
            name_followers: set(NAME_FOLLOWERS),
            suffix_followers: set(SUFFIX_FOLLOWERS),
            time_zones: set(TIME_ZONES),
            intro: set(INTRO),
            line_end_words: set(LINE_END_WORDS),
        }
    }

    /// Sentences of `text` as byte spans: in order, non-overlapping, non-empty,
    /// never starting or ending with whitespace, always on char boundaries.
    pub fn split(&self, text: &str) -> Vec<Span> {
        let mut scan = Scan {
            sp: self,
            text,
            bytes: text.as_bytes(),
            // News sentences average 120-150 bytes.
            out: Vec::with_capacity(text.len() / 100 + 1),
            last: 0,
            at_start: true,
            list: None,
        };
        scan.run();
        scan.out
    }
}

/// The state of one pass over one text.
struct Scan<'s, 't> {
    sp: &'s SentenceSplitter,
    text: &'t str,
    bytes: &'t [u8],
    out: Vec<Span>,
    /// Where the current sentence began (the last cut).
    last: usize,
    /// No content yet since the last cut: only whitespace and bullets.
    at_start: bool,
    /// The list item that, seen mid-sentence, starts the next sentence; set
    /// only while the current sentence itself began with a list marker.
    list: Option<Item>,
}

impl<'s, 't> Scan<'s, 't> {
    fn run(&mut self) {
        let bytes = self.bytes;
        let n = bytes.len();
        let mut i = 0;
        while i < n {
            let b = bytes[i];
            if self.at_start {
                if is_ws_byte(b) {
                    i += 1;
                    continue;
                }
                if b >= 0x80 {
                    let c = char_at(self.text, i);
                    if c.is_whitespace() || is_bullet(c) {
                        i += c.len_utf8();
                        continue;
                    }
                }
                self.at_start = false;
                if let Some((end, item)) = list_marker(bytes, i, true) {
                    self.list = Some(item.succ());
                    i = end;
                    continue;
                }
            } else if let Some(expected) = self.list {
                if (b.is_ascii_digit() || b.is_ascii_lowercase())
                    && i > 0
                    && is_ws_byte(bytes[i - 1])
                    && list_marker(bytes, i, true).is_some_and(|(_, item)| item == expected)
                {
                    self.cut(i);
                    continue;
                }
            } else {
                // The hot loop: nothing but a table lookup per byte.
                while i < n && !INTERESTING[bytes[i] as usize] {
                    i += 1;
                }
                if i == n {
                    break;
                }
            }
            let b = bytes[i];
            if !INTERESTING[b as usize] {
                i += 1;
                continue;
            }
            i = match b {
                b'.' | b'?' | b'!' => self.terminator(i),
                b'\n' | b'\r' | 0x0B | 0x0C => self.line_break(i),
                _ => self.non_ascii(i),
            };
        }
        self.cut(n);
    }

    /// Ends the current sentence at `at` (it is trimmed, and dropped if empty).
    fn cut(&mut self, at: usize) {
        let span = Span::new(self.last, at).trim(self.text);
        if !span.is_empty() {
            self.out.push(span);
        }
        self.last = at;
        self.at_start = true;
        self.list = None;
    }

    /// A lead byte 0xC2 or 0xE2: an ellipsis, a bullet or a Unicode line or
    /// paragraph separator; anything else is skipped whole.
    fn non_ascii(&mut self, i: usize) -> usize {
        let c = char_at(self.text, i);
        match c {
            '…' => self.terminator(i),
            '\u{0085}' | '\u{2028}' | '\u{2029}' => self.line_break(i),
            c if is_bullet(c) => {
                // A bullet after a space opens an item ("• 9. The first item
                // • 10. The second item"); one glued to a word does not.
                if !self.at_start && char_before(self.text, i).is_some_and(char::is_whitespace) {
                    self.cut(i);
                }
                i + c.len_utf8()
            }
            c => i + c.len_utf8(),
        }
    }

    /// A run of `. ? ! …` at `p`: decides whether a sentence ends after it
    /// (and after any closing quotes or brackets) and returns where to go on.
    fn terminator(&mut self, p: usize) -> usize {
        let bytes = self.bytes;
        let n = bytes.len();
        let mut j = p;
        let (mut dots, mut strong, mut ellipsis) = (0usize, false, false);
        loop {
            match bytes.get(j) {
                Some(b'.') => dots += 1,
                Some(b'?' | b'!') => strong = true,
                Some(0xE2) if bytes[j..].starts_with("…".as_bytes()) => {
                    ellipsis = true;
                    j += 3;
                    continue;
                }
                _ => break,
            }
            j += 1;
        }
        // ". . . ." : single dots separated by single spaces.
        let mut spaced = 1;
        if j - p == 1 && bytes[p] == b'.' {
            while j + 1 < n && bytes[j] == b' ' && bytes[j + 1] == b'.' {
                spaced += 1;
                j += 2;
            }
        }
        let mut cend = j;
        for _ in 0..8 {
            match closer_len(bytes, cend) {
                Some(len) => cend += len,
                None => break,
            }
        }
        if cend >= n {
            return n;
        }
        // A terminator glued to what follows is inside a token: "Jane.Doe",
        // "3.5", "U.S.-led", "mean...see", "Jr.'s".
        if !char_at(self.text, cend).is_whitespace() {
            return cend;
        }
        let next = self.next_token(cend);
        let boundary = if strong {
            // "Yahoo! in", "Why?" he asked.
            !matches!(next, Next::Lower | Next::Punct)
        } else if ellipsis || dots >= 2 {
            // "[...]" marks an elision inside a quotation, never an end.
            let elision = char_before(self.text, p).is_some_and(|c| c == '[' || c == '(');
            !elision && matches!(next, Next::Upper { .. } | Next::End)
        } else if spaced >= 2 {
            let attached = char_before(self.text, p).is_some_and(|c| !c.is_whitespace());
            if spaced == 3 {
                // ". . ." is the mid-sentence ellipsis of the style guides.
                false
            } else if attached && spaced >= 4 {
                // "compounds. . . . The": a full stop, then an ellipsis that
                // opens the next sentence.
                if matches!(next, Next::Upper { .. }) {
                    self.cut(p + 1);
                    self.at_start = false;
                }
                return cend;
            } else {
                matches!(next, Next::Upper { .. })
            }
        } else {
            let before = self.before(p);
            self.ends(before, next, p)
        };
        if boundary {
            self.cut(cend);
        }
        cend
    }

    /// Classifies the word before the single full stop at `p`.
    fn before(&self, p: usize) -> Before {
        let text = self.text;
        let bytes = self.bytes;
        let limit = p.saturating_sub(40);
        let mut s = p;
        while s > limit {
            match char_before(text, s) {
                Some(c) if c.is_alphanumeric() => s -= c.len_utf8(),
                _ => break,
            }
        }
        if s == p {
            let head = &text[..p];
            if ["N°", "n°", "Nº", "nº"].iter().any(|a| head.ends_with(a)) {
                return Before::Abbr(Abbr::Numeric);
            }
            return Before::Plain;
        }
        if s <= limit && char_before(text, s).is_some_and(char::is_alphanumeric) {
            return Before::Plain;
        }
        let w = &text[s..p];
        if w.len() > 32 || w.bytes().all(|b| b.is_ascii_digit()) {
            return Before::Plain;
        }
        if s > 0 && bytes[s - 1] == b'.' {
            return self.dotted(s, p);
        }
        if w == "v" {
            return Before::Abbr(Abbr::Continue);
        }
        let mut buf = [0u8; 32];
        let lower = &mut buf[..w.len()];
        lower.copy_from_slice(w.as_bytes());
        lower.make_ascii_lowercase();
        // Lower-casing ASCII bytes of valid UTF-8 leaves it valid.
        let lower = std::str::from_utf8(lower).unwrap_or("");
        let capital = w.chars().next().is_some_and(char::is_uppercase);
        if let Some(&kind) = self.sp.words.get(lower) {
            if capital || !matches!(kind, Abbr::Title | Abbr::Month) {
                return Before::Abbr(kind);
            }
        }
        let mut chars = w.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            if c.is_uppercase() {
                return Before::Initial {
                    is_i: c == 'I',
                    prev_cap: self.prev_word_capital(s),
                };
            }
            if c.is_lowercase() {
                return Before::SingleLower;
            }
        }
        Before::Plain
    }

    /// The word `[s, p)` follows a full stop: a dotted abbreviation such as
    /// "U.S.A." or "a.m." when every part is one or two letters, otherwise a
    /// web address, e-mail or number ("example.com.").
    fn dotted(&self, s: usize, p: usize) -> Before {
        let bytes = self.bytes;
        let short = |a: usize, b: usize| (1..=2).contains(&(b - a));
        if !bytes[s..p].iter().all(u8::is_ascii_alphabetic) || !short(s, p) {
            return Before::Plain;
        }
        let mut joined = [0u8; 20];
        let mut len = 0;
        let mut push = |seg: &[u8]| {
            // Parts are prepended as we walk backwards.
            joined.copy_within(0..len, seg.len());
            joined[..seg.len()].copy_from_slice(seg);
            len += seg.len();
        };
        push(&bytes[s..p]);
        let mut dot = s - 1;
        let mut parts = 1;
        loop {
            let mut t = dot;
            while t > 0 && dot - t < 3 && bytes[t - 1].is_ascii_alphabetic() {
                t -= 1;
            }
            if !short(t, dot) || parts >= 8 {
                return Before::Plain;
            }
            push(&bytes[t..dot]);
            parts += 1;
            if t > 0 && bytes[t - 1] == b'.' {
                dot = t - 1;
                continue;
            }
            if t > 0 && char_before(self.text, t).is_some_and(char::is_alphanumeric) {
                return Before::Plain;
            }
            break;
        }
        let joined = &joined[..len];
        let kind = if joined.eq_ignore_ascii_case(b"am") || joined.eq_ignore_ascii_case(b"pm") {
            Abbr::Time
        } else {
            match joined {
                b"eg" | b"ie" | b"cf" | b"vs" | b"nb" | b"viz" => Abbr::Continue,
                b"US" | b"UN" | b"UK" | b"EU" | b"USA" | b"UAE" | b"USSR" | b"DC" | b"PRC"
                | b"ROK" | b"DPRK" | b"NATO" => Abbr::Country,
                _ => Abbr::Initials,
            }
        };
        Before::Abbr(kind)
    }

    /// Whether the word before the one starting at `s` is capitalised
    /// ("Albert I." versus "you and I."), looking back a bounded distance.
    fn prev_word_capital(&self, s: usize) -> bool {
        let text = self.text;
        let mut k = s;
        let mut seen_space = false;
        while let Some(c) = char_before(text, k) {
            if !c.is_whitespace() || s - k > 8 {
                break;
            }
            seen_space = true;
            k -= c.len_utf8();
        }
        if !seen_space {
            return false;
        }
        if char_before(text, k) == Some('.') {
            k -= 1;
        }
        let end = k;
        let mut first = None;
        while let Some(c) = char_before(text, k) {
            if !c.is_alphanumeric() || end - k > 32 {
                break;
            }
            first = Some(c);
            k -= c.len_utf8();
        }
        first.is_some_and(char::is_uppercase)
    }

    /// The decision at a single full stop.
    fn ends(&self, before: Before, next: Next<'_>, p: usize) -> bool {
        let sp = self.sp;
        let starter = |word: &str, dotted: bool| !dotted && sp.starters.contains(word);
        match next {
            Next::End => true,
            Next::Lower | Next::Punct => false,
            Next::Digit => matches!(before, Before::Plain | Before::Abbr(Abbr::Time)),
            Next::Upper { word, dotted } => match before {
                Before::Plain | Before::SingleLower => true,
                Before::Initial { is_i, prev_cap } => starter(word, dotted) || (is_i && !prev_cap),
                Before::Abbr(kind) => match kind {
                    Abbr::Title | Abbr::Continue => false,
                    Abbr::Place | Abbr::Initials => starter(word, dotted),
                    Abbr::Suffix => !sp.suffix_followers.contains(word),
                    Abbr::Etc | Abbr::Month | Abbr::Numeric => true,
                    Abbr::Country => !sp.name_followers.contains(word),
                    Abbr::Time => !(sp.time_zones.contains(word) || self.intro_only(p)),
                },
            },
        }
    }

    /// Whether the sentence up to `p` is a short introductory phrase ("At 5
    /// a.m."), which still needs its main clause.
    fn intro_only(&self, p: usize) -> bool {
        let so_far = self.text[self.last..p].trim_start();
        if so_far.len() > 48 {
            return false;
        }
        let mut words = so_far.split_whitespace();
        words.next().is_some_and(|w| self.sp.intro.contains(w)) && words.count() < 6
    }

    /// What follows position `k`: skips whitespace and opening quotes or
    /// brackets, then classifies the first character.
    fn next_token(&self, k: usize) -> Next<'t> {
        let text = self.text;
        let bytes = self.bytes;
        let n = bytes.len();
        let mut j = skip_ws(text, k);
        for _ in 0..4 {
            if j >= n {
                break;
            }
            match opener_len(bytes, j) {
                Some(len) => j += len,
                None => break,
            }
        }
        if j >= n {
            return Next::End;
        }
        let c = char_at(text, j);
        if c.is_lowercase() {
            Next::Lower
        } else if c.is_numeric() || matches!(c, '$' | '€' | '£' | '¥' | '₺' | '#' | '@' | '%')
        {
            Next::Digit
        } else if c.is_alphabetic() {
            let mut e = j;
            while e < n && e - j < 24 && bytes[e].is_ascii_alphabetic() {
                e += 1;
            }
            Next::Upper {
                word: &text[j..e],
                dotted: bytes.get(e) == Some(&b'.'),
            }
        } else {
            Next::Punct
        }
    }

    /// A line break at `i`. Consumes the whole run of whitespace it starts;
    /// two or more line breaks in it end the sentence outright. A single one
    /// ends it when the line before has no final punctuation (a headline, a
    /// crosshead, a list item) and the next line opens like a sentence, item
    /// or bullet; a line that ends mid-phrase (comma, "the", "Mr") or a next
    /// line in lower case is a hard wrap.
    fn line_break(&mut self, i: usize) -> usize {
        let (j, breaks) = scan_line_breaks(self.text, i);
        if breaks >= 2 {
            self.cut(i);
            return j;
        }
        let n = self.bytes.len();
        if self.at_start || j >= n {
            return j;
        }
        if self.line_opens_item(j) {
            self.cut(i);
            return j;
        }
        if self.line_continues(i) || self.wrapped(i) {
            return j;
        }
        if matches!(self.next_token(j), Next::Upper { .. }) {
            self.cut(i);
        }
        j
    }

    /// The line at `j` begins with a bullet ("•", "- ", "* ") or a numbered
    /// item ("2. ", "2) ").
    fn line_opens_item(&self, j: usize) -> bool {
        let bytes = self.bytes;
        let c = char_at(self.text, j);
        if is_bullet(c) {
            return true;
        }
        if matches!(c, '-' | '*' | '–' | '—') {
            let after = j + c.len_utf8();
            return matches!(bytes.get(after), Some(b' ' | b'\t'));
        }
        matches!(list_marker(bytes, j, false), Some((_, Item::Num(..))))
    }

    /// Whether the line ending at the break `i` cannot end a sentence by
    /// itself: it ends in final punctuation (the terminator rules decided
    /// already), in a comma or dash, in a function word or a dotless title,
    /// or in a news agency tag ("ANKARA (Reuters)") that belongs to the
    /// first sentence.
    fn line_continues(&self, i: usize) -> bool {
        let text = self.text;
        let mut e = i;
        while let Some(c) = char_before(text, e) {
            if !c.is_whitespace() || e <= self.last {
                break;
            }
            e -= c.len_utf8();
        }
        if e <= self.last {
            return true;
        }
        if char_before(text, e) == Some(')') && self.agency_tag(e - 1) {
            return true;
        }
        let mut q = e;
        for _ in 0..8 {
            match char_before(text, q) {
                Some(c) if is_closer(c) => q -= c.len_utf8(),
                _ => break,
            }
        }
        match char_before(text, q) {
            None => return true,
            Some('.' | '?' | '!' | '…') => return true,
            Some(',' | ';' | ':' | '-' | '–' | '—' | '(' | '/' | '&' | '+' | '=') => {
                return true
            }
            _ => {}
        }
        let bytes = self.bytes;
        let mut s = q;
        while s > 0 && q - s < 16 && bytes[s - 1].is_ascii_alphabetic() {
            s -= 1;
        }
        let word_ok = s == 0 || !bytes[s - 1].is_ascii_alphanumeric();
        word_ok && s < q && self.sp.line_end_words.contains(&text[s..q])
    }

    /// Whether the line ending at the break `i` is hard-wrapped body text:
    /// it and the line before it in the same block both have a typical wrap
    /// width, and it reads as prose rather than a Title Case headline. A
    /// capital at the start of the next line then continues a name ("Amir
    /// Saeid\nIravani"). Headlines are short or the first line of their
    /// block, so they still break.
    fn wrapped(&self, i: usize) -> bool {
        const WIDTH: std::ops::RangeInclusive<usize> = 50..=100;
        let bytes = self.bytes;
        // Both lines are read at most 400 bytes back, so this stays bounded.
        let line_start = |end: usize| -> Option<usize> {
            let from = end.saturating_sub(400);
            memchr::memrchr(b'\n', &bytes[from..end]).map(|k| from + k + 1)
        };
        let width = |a: usize, b: usize| {
            let line = self.text[a..b].trim();
            line.bytes().filter(|&b| (b as i8) >= -0x40).count()
        };
        let Some(start) = line_start(i) else {
            return false;
        };
        if !WIDTH.contains(&width(start, i)) {
            return false;
        }
        let prose = bytes[start..i]
            .windows(2)
            .any(|w| w[0] == b' ' && w[1].is_ascii_lowercase());
        if !prose || start < 1 {
            return false;
        }
        let prev_end = start - 1;
        let prev_start = line_start(prev_end).unwrap_or(0);
        if prev_end.saturating_sub(prev_start) > 400 {
            return false;
        }
        WIDTH.contains(&width(prev_start, prev_end))
    }

    /// `close` is the `)` of a short capitalised one-word parenthesis such
    /// as "(Reuters)", "(AP)", "(AFP)".
    fn agency_tag(&self, close: usize) -> bool {
        let bytes = self.bytes;
        let mut k = close;
        while k > 0 && close - k <= 16 && bytes[k - 1].is_ascii_alphabetic() {
            k -= 1;
        }
        k > 0 && k < close && bytes[k - 1] == b'(' && bytes[k].is_ascii_uppercase()
    }
}

/// Skips Unicode whitespace from `k`.
fn skip_ws(text: &str, mut k: usize) -> usize {
    let bytes = text.as_bytes();
    while k < bytes.len() {
        let b = bytes[k];
        if is_ws_byte(b) {
            k += 1;
        } else if b >= 0x80 {
            let c = char_at(text, k);
            if !c.is_whitespace() {
                break;
            }
            k += c.len_utf8();
        } else {
            break;
        }
    }
    k
}

/// Skips the whitespace run from `i`, counting line breaks in it (CR LF is
/// one; form feed and U+2029 are paragraph breaks and count two).
fn scan_line_breaks(text: &str, mut i: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut breaks = 0;
    while i < n {
        match bytes[i] {
            b' ' | b'\t' => i += 1,
            b'\n' | 0x0B => {
                breaks += 1;
                i += 1;
            }
            0x0C => {
                breaks += 2;
                i += 1;
            }
            b'\r' => {
                breaks += 1;
                i += if bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
            }
            b if b >= 0x80 => {
                let c = char_at(text, i);
                match c {
                    '\u{0085}' | '\u{2028}' => breaks += 1,
                    '\u{2029}' => breaks += 2,
                    c if c.is_whitespace() => {}
                    _ => break,
                }
                i += c.len_utf8();
            }
            _ => break,
        }
    }
    (i, breaks)
}

/// A list marker at `i`: one to three digits (or, when `letters`, one
/// lower-case letter), then `.`, `)` or `.)`, then a space.
fn list_marker(b: &[u8], i: usize, letters: bool) -> Option<(usize, Item)> {
    let mut j = i;
    let mut value = 0u32;
    let letter = if b[i].is_ascii_digit() {
        while j < b.len() && b[j].is_ascii_digit() {
            if j - i == 3 {
                return None;
            }
            value = value * 10 + u32::from(b[j] - b'0');
            j += 1;
        }
        None
    } else if letters && b[i].is_ascii_lowercase() {
        j += 1;
        Some(b[i])
    } else {
        return None;
    };
    let style = match (b.get(j), b.get(j + 1)) {
        (Some(b'.'), Some(b')')) => Style::DotParen,
        (Some(b'.'), _) => Style::Dot,
        (Some(b')'), _) => Style::Paren,
        _ => return None,
    };
    j += if style == Style::DotParen { 2 } else { 1 };
    if !matches!(b.get(j), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        return None;
    }
    let item = match letter {
        Some(c) => Item::Letter(c, style),
        None => Item::Num(value, style),
    };
    Some((j, item))
}

#[inline]
fn is_ws_byte(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

#[inline]
fn char_at(text: &str, i: usize) -> char {
    text[i..].chars().next().unwrap_or('\0')
}

#[inline]
fn char_before(text: &str, i: usize) -> Option<char> {
    text[..i].chars().next_back()
}

fn is_bullet(c: char) -> bool {
    matches!(
        c,
        '•' | '‣'
            | '⁃'
            | '◦'
            | '▪'
            | '▫'
            | '■'
            | '□'
            | '►'
            | '▶'
            | '●'
            | '○'
            | '◆'
            | '◇'
            | '➤'
            | '➢'
    )
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | ')' | ']' | '}' | '”' | '’' | '»' | '›')
}

fn closer_len(bytes: &[u8], k: usize) -> Option<usize> {
    match *bytes.get(k)? {
        b'"' | b'\'' | b')' | b']' | b'}' => Some(1),
        0xC2 if bytes.get(k + 1) == Some(&0xBB) => Some(2),
        0xE2 => {
            let tail = &bytes[k..];
            ["”", "’", "›"]
                .iter()
                .any(|q| tail.starts_with(q.as_bytes()))
                .then_some(3)
        }
        _ => None,
    }
}

fn opener_len(bytes: &[u8], k: usize) -> Option<usize> {
    match *bytes.get(k)? {
        b'"' | b'\'' | b'(' | b'[' => Some(1),
        0xC2 if matches!(bytes.get(k + 1), Some(0xAB | 0xBF | 0xA1)) => Some(2),
        0xE2 => {
            let tail = &bytes[k..];
            ["“", "‘", "„", "‹"]
                .iter()
                .any(|q| tail.starts_with(q.as_bytes()))
                .then_some(3)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits `text`, checks the span invariants, and returns the sentences.
    fn sentences<'a>(sp: &SentenceSplitter, text: &'a str) -> Vec<&'a str> {
        let spans = sp.split(text);
        assert_invariants(text, &spans);
        spans.iter().map(|&s| &text[s]).collect()
    }

    fn assert_invariants(text: &str, spans: &[Span]) {
        let mut prev_end = 0;
        for &s in spans {
            assert!(s.start < s.end, "empty span {s} in {text:?}");
            assert!(
                s.start >= prev_end,
                "overlapping or unordered span {s} in {text:?}"
            );
            assert!(s.end <= text.len());
            assert!(
                text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
                "{s} in {text:?}"
            );
            let t = &text[s];
            assert_eq!(t.trim(), t, "untrimmed span {s} in {text:?}");
            prev_end = s.end;
        }
        // Nothing but whitespace is left out.
        let mut last = 0;
        for &s in spans {
            assert!(
                text[last..s.start].trim().is_empty(),
                "dropped text before {s} in {text:?}"
            );
            last = s.end;
        }
        assert!(
            text[last..].trim().is_empty(),
            "dropped text at the end of {text:?}"
        );
    }

    fn run_table(cases: &[(&str, &[&str])]) {
        let sp = SentenceSplitter::new();
        let mut failures = Vec::new();
        for (text, expected) in cases {
            let got = sentences(&sp, text);
            // The round trip: every span is an exact slice of the input.
            for (s, g) in sp.split(text).iter().zip(&got) {
                assert_eq!(&text[*s], *g);
            }
            if got != *expected {
                failures.push(format!(
                    "input:    {text:?}\nexpected: {expected:?}\ngot:      {got:?}"
                ));
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {} cases failed:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n\n")
        );
    }

    #[test]
    fn news_cases() {
        run_table(&[
            // Datelines stay with the first sentence.
            (
                "ANKARA, Nov 27 (Reuters) - Turkey said on Thursday it would not back down. Erdoğan spoke later.",
                &["ANKARA, Nov 27 (Reuters) - Turkey said on Thursday it would not back down.", "Erdoğan spoke later."],
            ),
            (
                "ANKARA, Nov. 27 (Reuters) - Turkey and Iran agreed to raise trade. The lira firmed.",
                &["ANKARA, Nov. 27 (Reuters) - Turkey and Iran agreed to raise trade.", "The lira firmed."],
            ),
            (
                "WASHINGTON (AP) — The U.S. Navy deployed a second carrier to the Gulf. Officials declined to comment.",
                &["WASHINGTON (AP) — The U.S. Navy deployed a second carrier to the Gulf.", "Officials declined to comment."],
            ),
            (
                "ANKARA (Reuters)\nTurkey said on Thursday it would mediate.",
                &["ANKARA (Reuters)\nTurkey said on Thursday it would mediate."],
            ),
            // U.S. at the end of a sentence versus before a name.
            (
                "Araghchi said the talks would be held in the U.S. He did not give a date.",
                &["Araghchi said the talks would be held in the U.S.", "He did not give a date."],
            ),
            (
                "Tehran accused the U.S. Navy of harassing its vessels. The U.S. Treasury imposed new sanctions.",
                &["Tehran accused the U.S. Navy of harassing its vessels.", "The U.S. Treasury imposed new sanctions."],
            ),
            (
                "Turkey blamed the U.S. Iran's foreign ministry was more cautious.",
                &["Turkey blamed the U.S.", "Iran's foreign ministry was more cautious."],
            ),
            (
                "The U.S. and Iran traded accusations at the U.N. on Tuesday.",
                &["The U.S. and Iran traded accusations at the U.N. on Tuesday."],
            ),
            (
                "The U.N. Security Council met on Friday. Diplomats said a vote was unlikely.",
                &["The U.N. Security Council met on Friday.", "Diplomats said a vote was unlikely."],
            ),
            (
                "Trade between Turkey and the E.U. rose 12 percent. The U.K. Foreign Secretary welcomed it.",
                &["Trade between Turkey and the E.U. rose 12 percent.", "The U.K. Foreign Secretary welcomed it."],
            ),
            ("The U.S. 5th Fleet is based in Bahrain.", &["The U.S. 5th Fleet is based in Bahrain."]),
            ("The U.S.-Iran talks in Muscat resumed.", &["The U.S.-Iran talks in Muscat resumed."]),
            // Titles and abbreviations.
            (
                "Lt. Col. Ali Rezaei briefed Sen. Graham and Rep. Smith on Dec. 3. Gov. Hochul was absent.",
                &["Lt. Col. Ali Rezaei briefed Sen. Graham and Rep. Smith on Dec. 3.", "Gov. Hochul was absent."],
            ),
            (
                "Gen. Hossein Salami said Iran would respond. Pres. Pezeshkian agreed.",
                &["Gen. Hossein Salami said Iran would respond.", "Pres. Pezeshkian agreed."],
            ),
            (
                "He met Dr. Ahmadi, Prof. Karimi, Mrs. Rahimi and Mr. Erdoğan’s aides.",
                &["He met Dr. Ahmadi, Prof. Karimi, Mrs. Rahimi and Mr. Erdoğan’s aides."],
            ),
            (
                "Inflation in Turkey reached 61 percent in Oct. The central bank held rates in Nov. and Dec. as well.",
                &["Inflation in Turkey reached 61 percent in Oct.", "The central bank held rates in Nov. and Dec. as well."],
            ),
            (
                "Oil, gas, petrochemicals etc. were on the agenda. Qatar, Oman, etc. The list was long.",
                &["Oil, gas, petrochemicals etc. were on the agenda.", "Qatar, Oman, etc.", "The list was long."],
            ),
            (
                "Exports to Gulf states, e.g. Qatar and the U.A.E., rose; imports, i.e. Iranian gas, fell.",
                &["Exports to Gulf states, e.g. Qatar and the U.A.E., rose; imports, i.e. Iranian gas, fell."],
            ),
            (
                "The deal was signed by Halkbank Inc. Chief Executive Osman Arslan. The contract went to Lockheed Martin Corp. Turkey had sought F-35 jets.",
                &["The deal was signed by Halkbank Inc. Chief Executive Osman Arslan.", "The contract went to Lockheed Martin Corp.", "Turkey had sought F-35 jets."],
            ),
            (
                "No. 10 Downing Street said Iran vs. Israel was the main risk. St. Petersburg hosted the talks.",
                &["No. 10 Downing Street said Iran vs. Israel was the main risk.", "St. Petersburg hosted the talks."],
            ),
            // Initials.
            (
                "George W. Bush visited Ankara in 2004. J.R.R. Tolkien is popular in Tehran.",
                &["George W. Bush visited Ankara in 2004.", "J.R.R. Tolkien is popular in Tehran."],
            ),
            // Decimals and times.
            (
                "The lira fell 3.5 percent. The meeting began at 10.30 a.m. on Thursday.",
                &["The lira fell 3.5 percent.", "The meeting began at 10.30 a.m. on Thursday."],
            ),
            ("The talks start at 10 a.m. GMT on Monday in Geneva.", &["The talks start at 10 a.m. GMT on Monday in Geneva."]),
            (
                "The session ended at 6 p.m. Erdoğan left immediately.",
                &["The session ended at 6 p.m.", "Erdoğan left immediately."],
            ),
            ("At 10.30 a.m. Iranian forces fired a test missile.", &["At 10.30 a.m. Iranian forces fired a test missile."]),
            (
                "Prices rose 3.5 percent. 20 people were arrested in Istanbul.",
                &["Prices rose 3.5 percent.", "20 people were arrested in Istanbul."],
            ),
            // Quotations closing after the full stop.
            ("\"We will respond,\" he said.", &["\"We will respond,\" he said."]),
            (
                "He said: \"We are ready.\" Then he left.",
                &["He said: \"We are ready.\"", "Then he left."],
            ),
            (
                "Erdoğan told reporters: “We are ready for talks.” The lira rose.",
                &["Erdoğan told reporters: “We are ready for talks.”", "The lira rose."],
            ),
            (
                "‘We will not retreat,’ Araghchi said. ‘Never.’ The Gulf states were silent.",
                &["‘We will not retreat,’ Araghchi said.", "‘Never.’", "The Gulf states were silent."],
            ),
            (
                "“Is this a threat?” he asked. “No,” Erdoğan replied — calmly.",
                &["“Is this a threat?” he asked.", "“No,” Erdoğan replied — calmly."],
            ),
            (
                "Araghchi called the talks “useful… but difficult.” Diplomats were cautious.",
                &["Araghchi called the talks “useful… but difficult.”", "Diplomats were cautious."],
            ),
            // Ellipses.
            (
                "The Iran–Iraq war ended in 1988... Few in Ankara remember it.",
                &["The Iran–Iraq war ended in 1988...", "Few in Ankara remember it."],
            ),
            ("He paused … then said the U.N. would decide.", &["He paused … then said the U.N. would decide."]),
            // Questions and exclamations.
            (
                "Will Tehran return to the table? Diplomats doubt it! Yet talks continue.",
                &["Will Tehran return to the table?", "Diplomats doubt it!", "Yet talks continue."],
            ),
            // Headlines, crossheads and blank lines.
            (
                "Turkey, Iran agree to boost trade\nANKARA, Nov 27 (Reuters) - Turkey and Iran agreed to boost trade.",
                &["Turkey, Iran agree to boost trade", "ANKARA, Nov 27 (Reuters) - Turkey and Iran agreed to boost trade."],
            ),
            (
                "Erdoğan Meets Araghchi in Ankara\nTurkish President Tayyip Erdoğan met Iran's foreign minister.",
                &["Erdoğan Meets Araghchi in Ankara", "Turkish President Tayyip Erdoğan met Iran's foreign minister."],
            ),
            (
                "The sides agreed to meet again.\nNuclear talks\nThe two delegations met in Geneva.",
                &["The sides agreed to meet again.", "Nuclear talks", "The two delegations met in Geneva."],
            ),
            (
                "Iran's foreign minister said on Monday that the country\nwould not negotiate under pressure.",
                &["Iran's foreign minister said on Monday that the country\nwould not negotiate under pressure."],
            ),
            (
                "The statement was issued by the\nMinistry of Foreign Affairs in Tehran.",
                &["The statement was issued by the\nMinistry of Foreign Affairs in Tehran."],
            ),
            (
                "Turkey's Erdoğan said Mr\nAraghchi was welcome, as was the\nU.N. envoy.",
                &["Turkey's Erdoğan said Mr\nAraghchi was welcome, as was the\nU.N. envoy."],
            ),
            (
                "Saudi Arabia's Prince Faisal bin Farhan said the kingdom\nsupported all efforts toward de-escalation. Iran's U.N. ambassador, Amir Saeid\nIravani, wrote to the U.N. chief.\nCrosshead on Gulf security\nQatar's emir met Erdoğan.",
                &[
                    "Saudi Arabia's Prince Faisal bin Farhan said the kingdom\nsupported all efforts toward de-escalation.",
                    "Iran's U.N. ambassador, Amir Saeid\nIravani, wrote to the U.N. chief.",
                    "Crosshead on Gulf security",
                    "Qatar's emir met Erdoğan.",
                ],
            ),
            (
                "Iran rejects talks\n\nthe statement came after a week of strikes",
                &["Iran rejects talks", "the statement came after a week of strikes"],
            ),
            (
                "Iran rejects U.S. offer\r\n\r\nTEHRAN (Reuters) — Iran rejected the offer.\r\n \r\nIt gave no reason.",
                &["Iran rejects U.S. offer", "TEHRAN (Reuters) — Iran rejected the offer.", "It gave no reason."],
            ),
            (
                "The envoy said the Gulf states, Turkey and\n \n Qatar would attend.",
                &["The envoy said the Gulf states, Turkey and", "Qatar would attend."],
            ),
            ("Sen.\n\nGraham said so.", &["Sen.", "Graham said so."]),
            // Lists and bullets.
            (
                "Iran set three conditions:\n1. Lift sanctions\n2. Guarantee the deal\n3. Compensate losses",
                &["Iran set three conditions:", "1. Lift sanctions", "2. Guarantee the deal", "3. Compensate losses"],
            ),
            (
                "Key points:\n• Iran offered talks\n• Turkey will mediate\n• The U.N. welcomed it.",
                &["Key points:", "• Iran offered talks", "• Turkey will mediate", "• The U.N. welcomed it."],
            ),
            (
                "- Iran offered talks.\n- Turkey will mediate\n- Qatar hosts",
                &["- Iran offered talks.", "- Turkey will mediate", "- Qatar hosts"],
            ),
            (
                "1) Iran halts enrichment 2) The U.S. lifts sanctions 3) The U.N. verifies",
                &["1) Iran halts enrichment", "2) The U.S. lifts sanctions", "3) The U.N. verifies"],
            ),
            // Whitespace and non-ASCII.
            (
                "Mr.\u{a0}Erdoğan said the talks were over.\u{a0}Araghchi disagreed.",
                &["Mr.\u{a0}Erdoğan said the talks were over.", "Araghchi disagreed."],
            ),
            (
                "  \u{3000}Iran’s envoy — a former Gen. in the IRGC — said so.\u{2029}Turkey agreed.\t ",
                &["Iran’s envoy — a former Gen. in the IRGC — said so.", "Turkey agreed."],
            ),
            (
                "The rial fell to 1,050,000 per dollar. Email press@mfa.gov.ir. Visit https://www.mfa.gov.tr/en. Officials said so.",
                &["The rial fell to 1,050,000 per dollar.", "Email press@mfa.gov.ir.", "Visit https://www.mfa.gov.tr/en.", "Officials said so."],
            ),
            ("", &[]),
            (" \n\t ", &[]),
            ("Erdoğan", &["Erdoğan"]),
        ]);
    }

    #[test]
    fn golden_rule_samples() {
        // A few of the golden rules, kept here so `cargo test --lib` covers
        // the hardest ones; tests/golden_rules.rs runs all 48.
        run_table(&[
            (
                "At 5 a.m. Mr. Smith went to the bank. He left the bank at 6 P.M. Mr. Smith then went to the store.",
                &["At 5 a.m. Mr. Smith went to the bank.", "He left the bank at 6 P.M.", "Mr. Smith then went to the store."],
            ),
            (
                "We make a good team, you and I. Did you see Albert I. Jones yesterday?",
                &["We make a good team, you and I.", "Did you see Albert I. Jones yesterday?"],
            ),
            (
                "One further habit which was somewhat weakened . . . was that of combining words into self-interpreting compounds. . . . The practice was not abandoned. . . .",
                &["One further habit which was somewhat weakened . . . was that of combining words into self-interpreting compounds.", ". . . The practice was not abandoned. . . ."],
            ),
            ("a. The first item b. The second item c. The third list item", &["a. The first item", "b. The second item", "c. The third list item"]),
            ("• 9. The first item • 10. The second item", &["• 9. The first item", "• 10. The second item"]),
            ("\"Bohr [...] used the analogy of parallel stairways [...]\" (Smith 55).", &["\"Bohr [...] used the analogy of parallel stairways [...]\" (Smith 55)."]),
        ]);
    }

    /// A deterministic linear congruential generator (Knuth's MMIX constants).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.0 >> 33
        }
    }

    #[test]
    fn invariants_hold_on_random_tricky_text() {
        const PIECES: &[&str] = &[
            ".", "...", "U.S.", "\n\n", " ", "Mr.", "ğ", "“", "”", "?", "!", "1.5", "a", "A",
            "\r\n", "\t", "(", ")", "…", "•", "\u{a0}", "\u{2029}", "1.", "b) ", "'", "\n", "Iran",
            "said", ". . .", "p.m.",
        ];
        let sp = SentenceSplitter::new();
        let mut rng = Lcg(0x5eed);
        for _ in 0..600 {
            let len = (rng.next() % 60) as usize;
            let text: String = (0..len)
                .map(|_| PIECES[(rng.next() % PIECES.len() as u64) as usize])
                .collect();
            let spans = sp.split(&text);
            assert_invariants(&text, &spans);
        }
    }

    #[test]
    fn pathological_inputs_are_linear() {
        let sp = SentenceSplitter::new();
        let mb = 1 << 20;
        let inputs = [
            ".".repeat(mb),
            "1.".repeat(mb / 2),
            "a".repeat(200_000),
            "1.1.1.1....".repeat(100_000),
            ". ".repeat(mb / 2),
            "\n".repeat(mb),
            " \n".repeat(mb / 2),
            "?!".repeat(mb / 2),
            "U.S.".repeat(mb / 4),
            "a. ".repeat(mb / 3),
            "1. a ".repeat(mb / 5),
            format!("x{}", " ".repeat(mb)) + "\nY",
            ".)".repeat(mb / 2) + " A",
        ];
        for text in &inputs {
            let spans = sp.split(text);
            assert_invariants(text, &spans);
        }
    }

    #[test]
    fn splitter_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<SentenceSplitter>();
    }
}
