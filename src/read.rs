//! Corpus readers: turn the command line's inputs (files, folders read
//! recursively, `-` for standard input) into a stream of [`Item`]s, each a
//! [`Document`] or a [`Problem`] with its file and line. Everything streams:
//! one document at a time is held, whatever the corpus size.
//!
//! Formats: `.txt` is one document per file, whose id is the path relative to
//! the folder given; `.jsonl` is one JSON object per line; `.csv` has a header
//! row. A leading UTF-8 byte-order mark is dropped, and offsets count from the
//! first character after it.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::core::{parse_day, Document, Origin};
use crate::error::{InputError, Problem};

/// The document formats we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Txt,
    Jsonl,
    Csv,
}

impl Format {
    /// The format a file name implies, by extension (case-insensitive).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "text" => Some(Format::Txt),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// One command-line input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    Path(PathBuf),
}

impl Input {
    pub fn parse(arg: &str) -> Input {
        if arg == "-" {
            Input::Stdin
        } else {
            Input::Path(PathBuf::from(arg))
        }
    }
}

/// How to read documents; validated once from the command line.
#[derive(Debug, Clone)]
pub struct ReadSettings {
    pub id_field: String,
    pub text_field: String,
    /// JSONL field or CSV column with the publication date.
    pub date_field: String,
    /// The user named `date_field`, so a document without it is reported;
    /// the default field is used only where it exists.
    pub date_field_required: bool,
    /// Forces a format for files given by name (folders still go by extension).
    pub format: Option<Format>,
    /// Documents larger than this are skipped with an error.
    pub max_doc_bytes: u64,
}

impl Default for ReadSettings {
    fn default() -> Self {
        ReadSettings {
            id_field: "id".into(),
            text_field: "text".into(),
            date_field: "date".into(),
            date_field_required: false,
            format: None,
            max_doc_bytes: 256 * 1024 * 1024,
        }
    }
}

/// What the reader yields, in input order.
#[derive(Debug)]
pub enum Item {
    Doc(Document),
    Problem(Problem),
}

/// A file (or stdin) to read, found while resolving the inputs.
#[derive(Debug, Clone)]
struct Source {
    path: Option<PathBuf>,
    /// The id of a `.txt` document: its path relative to the folder given.
    txt_id: String,
    format: Format,
    /// File size from the walk, for the progress bar's total.
    size: u64,
}

/// The whole corpus as one ordered stream of items.
pub struct Corpus {
    sources: std::vec::IntoIter<Source>,
    pending: std::vec::IntoIter<Problem>,
    current: Option<Box<dyn Iterator<Item = Vec<Item>> + Send>>,
    buffered: std::collections::VecDeque<Item>,
    settings: Arc<ReadSettings>,
    bytes_read: Arc<AtomicU64>,
    total_bytes: Option<u64>,
    roots: Vec<Root>,
    ignored: u64,
}

/// What one path named on the command line reaches, kept so that an output
/// path can be checked against the inputs before anything is written.
#[derive(Debug)]
struct Root {
    given: PathBuf,
    /// [`path_keys`] of the input itself.
    keys: Vec<PathBuf>,
    walked: Walked,
}

/// What a folder walk saw besides the files it reads.
#[derive(Debug, Default)]
struct Walked {
    /// Canonical folders visited: a file put in one of them is read next time.
    dirs: HashSet<PathBuf>,
    /// Canonical targets of symlinked files that are read.
    linked: HashSet<PathBuf>,
    /// Files passed over for their extension.
    ignored: u64,
}

/// How an output path collides with the inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlap<'a> {
    /// The path is this input, or a file that this input folder reads through a symlink.
    Input(&'a Path),
    /// The path lies in this input folder (or one it reaches), with a name its walk reads.
    InFolder(&'a Path),
}

impl Corpus {
    /// Resolves the inputs (walking folders) without reading any document.
    pub fn open(inputs: &[Input], settings: ReadSettings) -> Corpus {
        let mut sources = Vec::new();
        let mut problems = Vec::new();
        let mut roots = Vec::new();
        let mut total: Option<u64> = Some(0);
        for input in inputs {
            match input {
                Input::Stdin => {
                    total = None;
                    sources.push(Source { path: None, txt_id: "-".into(), format: Format::Jsonl, size: 0 });
                }
                Input::Path(p) => {
                    let before = sources.len();
                    let mut walked = Walked::default();
                    resolve(p, settings.format, &mut walked, &mut sources, &mut problems);
                    let added: u64 = sources[before..].iter().map(|s| s.size).sum();
                    total = total.map(|t| t + added);
                    roots.push(Root { given: p.clone(), keys: path_keys(p), walked });
                }
            }
        }
        Corpus {
            sources: sources.into_iter(),
            pending: problems.into_iter(),
            current: None,
            buffered: Default::default(),
            settings: Arc::new(settings),
            bytes_read: Arc::new(AtomicU64::new(0)),
            total_bytes: total,
            ignored: roots.iter().map(|r| r.walked.ignored).sum(),
            roots,
        }
    }

    /// Files found in input folders and not read because no reader takes
    /// their extension (hidden files are not counted: skipping them is the rule).
    pub fn ignored_files(&self) -> u64 {
        self.ignored
    }

    /// Whether writing `path` (which need not exist yet) would replace one of
    /// the inputs, or put a file where a later run over the same inputs would
    /// read it back as documents.
    pub fn overlap(&self, path: &Path) -> Option<Overlap<'_>> {
        let keys = path_keys(path);
        for root in &self.roots {
            if keys.iter().any(|k| root.keys.contains(k) || root.walked.linked.contains(k)) {
                return Some(Overlap::Input(&root.given));
            }
            let read_back = |k: &PathBuf| k.parent().is_some_and(|dir| root.walked.dirs.contains(dir)) && walk_reads(k);
            if keys.iter().any(read_back) {
                return Some(Overlap::InFolder(&root.given));
            }
        }
        None
    }

    /// Bytes of input consumed so far, for progress reporting.
    pub fn bytes_read(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.bytes_read)
    }

    /// Total size of the input files, when every input is a file.
    pub fn total_bytes(&self) -> Option<u64> {
        self.total_bytes
    }

    fn open_source(&self, src: Source) -> Box<dyn Iterator<Item = Vec<Item>> + Send> {
        let settings = Arc::clone(&self.settings);
        let counter = Arc::clone(&self.bytes_read);
        let origin = Origin { path: src.path.clone(), line: None };
        match src.format {
            Format::Txt => Box::new(std::iter::once(read_txt_items(&src, &settings, &counter))),
            Format::Jsonl => {
                let reader: Box<dyn BufRead + Send> = match &src.path {
                    None => Box::new(BufReader::with_capacity(1 << 16, io::stdin())),
                    Some(p) => match File::open(p) {
                        Ok(f) => Box::new(BufReader::with_capacity(1 << 16, f)),
                        Err(e) => return Box::new(std::iter::once(vec![io_problem(origin, e)])),
                    },
                };
                Box::new(JsonlReader { reader, path: src.path, settings, counter, line: 0, buf: Vec::new(), done: false })
            }
            Format::Csv => {
                let p = src.path.clone().expect("stdin is always JSONL");
                match File::open(&p) {
                    Ok(f) => Box::new(CsvReader::new(Box::new(f), p, settings, counter)),
                    Err(e) => Box::new(std::iter::once(vec![io_problem(origin, e)])),
                }
            }
        }
    }
}

impl Iterator for Corpus {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        if let Some(p) = self.pending.next() {
            return Some(Item::Problem(p));
        }
        loop {
            if let Some(item) = self.buffered.pop_front() {
                return Some(item);
            }
            if let Some(cur) = &mut self.current {
                if let Some(items) = cur.next() {
                    self.buffered.extend(items);
                    continue;
                }
                self.current = None;
            }
            let src = self.sources.next()?;
            self.current = Some(self.open_source(src));
        }
    }
}

/// The documents of JSONL read from any reader (the fuzz targets and
/// library users use this; `path` only names the source in problems).
pub fn jsonl_items(reader: impl BufRead + Send + 'static, path: Option<PathBuf>, settings: ReadSettings) -> impl Iterator<Item = Item> {
    let reader = JsonlReader {
        reader: Box::new(reader),
        path,
        settings: Arc::new(settings),
        counter: Arc::new(AtomicU64::new(0)),
        line: 0,
        buf: Vec::new(),
        done: false,
    };
    reader.flatten()
}

/// The documents of a CSV file read from any reader.
pub fn csv_items(reader: impl Read + Send + 'static, path: PathBuf, settings: ReadSettings) -> impl Iterator<Item = Item> {
    CsvReader::new(Box::new(reader), path, Arc::new(settings), Arc::new(AtomicU64::new(0))).flatten()
}

fn io_problem(origin: Origin, e: io::Error) -> Item {
    Item::Problem(Problem::error(origin, None, InputError::Io { source: e }))
}

/// The names under which a file is the same file as `path`: `path` with its
/// folder made canonical and its last component kept (what a rename onto
/// `path` replaces: a symlink itself, not its target), and, when `path`
/// exists, `path` fully resolved (what opening it reads or truncates). Empty
/// when the folder cannot be resolved (it does not exist, so nothing in it
/// can be an input).
pub fn path_keys(path: &Path) -> Vec<PathBuf> {
    let mut keys = Vec::with_capacity(2);
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if let (Some(name), Ok(folder)) = (path.file_name(), fs::canonicalize(folder)) {
        keys.push(folder.join(name));
    }
    if let Ok(full) = fs::canonicalize(path) {
        if !keys.contains(&full) {
            keys.push(full);
        }
    }
    keys
}

/// The walk skips hidden files and folders (dotfiles, editor and VCS state,
/// detente's own `.NAME.partial`).
fn is_hidden(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'))
}

/// Whether a folder walk reads a file with this name.
fn walk_reads(path: &Path) -> bool {
    !is_hidden(path) && Format::from_path(path).is_some()
}

/// Adds the files under `path` to `out`, in a stable (sorted) order.
fn resolve(path: &Path, forced: Option<Format>, walked: &mut Walked, out: &mut Vec<Source>, problems: &mut Vec<Problem>) {
    let origin = Origin { path: Some(path.to_path_buf()), line: None };
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            problems.push(Problem::error(origin, None, InputError::Io { source: e }));
            return;
        }
    };
    if meta.is_dir() {
        walk(path, path, walked, out, problems);
    } else {
        match forced.or_else(|| Format::from_path(path)) {
            Some(format) => out.push(Source {
                path: Some(path.to_path_buf()),
                txt_id: slash_path(path),
                format,
                size: meta.len(),
            }),
            None => problems.push(Problem::error(origin, None, InputError::UnsupportedFormat)),
        }
    }
}

fn walk(root: &Path, dir: &Path, walked: &mut Walked, out: &mut Vec<Source>, problems: &mut Vec<Problem>) {
    // Symlinked folders are followed, so remember where we have been: a link
    // back up the tree would otherwise recurse forever.
    let canonical = match fs::canonicalize(dir) {
        Ok(c) => c,
        Err(e) => {
            let origin = Origin { path: Some(dir.to_path_buf()), line: None };
            problems.push(Problem::error(origin, None, InputError::Io { source: e }));
            return;
        }
    };
    if !walked.dirs.insert(canonical) {
        let origin = Origin { path: Some(dir.to_path_buf()), line: None };
        problems.push(Problem::warning(origin, None, InputError::Loop { path: dir.to_path_buf() }));
        return;
    }
    let entries = match fs::read_dir(dir) {
        Ok(rd) => {
            // Whether an entry is a symlink comes free with the listing.
            let mut v: Vec<(PathBuf, bool)> = rd
                .filter_map(|e| e.ok().map(|e| (e.path(), e.file_type().is_ok_and(|t| t.is_symlink()))))
                .collect();
            v.sort();
            v
        }
        Err(e) => {
            let origin = Origin { path: Some(dir.to_path_buf()), line: None };
            problems.push(Problem::error(origin, None, InputError::Io { source: e }));
            return;
        }
    };
    for (p, symlink) in entries {
        if is_hidden(&p) {
            continue;
        }
        match fs::metadata(&p) {
            Ok(m) if m.is_dir() => walk(root, &p, walked, out, problems),
            Ok(m) => match Format::from_path(&p) {
                Some(format) => {
                    if symlink {
                        if let Ok(target) = fs::canonicalize(&p) {
                            walked.linked.insert(target);
                        }
                    }
                    let rel = p.strip_prefix(root).unwrap_or(&p);
                    out.push(Source { path: Some(p.clone()), txt_id: slash_path(rel), format, size: m.len() });
                }
                None => walked.ignored += 1,
            },
            Err(e) => {
                // A dangling symlink or a file that vanished: say so only if
                // it would have been read.
                if Format::from_path(&p).is_some() {
                    let origin = Origin { path: Some(p.clone()), line: None };
                    problems.push(Problem::error(origin, None, InputError::Io { source: e }));
                } else {
                    walked.ignored += 1;
                }
            }
        }
    }
}

/// Ids are the same on every platform: forward slashes.
fn slash_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes bytes as UTF-8, dropping a leading BOM. Invalid sequences become
/// U+FFFD and are reported with the byte offset of the first one, so that a
/// scraped page with one bad byte is still analysed rather than lost.
fn decode(mut bytes: Vec<u8>) -> (String, Option<InputError>) {
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    match String::from_utf8(bytes) {
        Ok(s) => (s, None),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let s = String::from_utf8_lossy(e.as_bytes()).into_owned();
            (s, Some(InputError::InvalidUtf8 { offset }))
        }
    }
}

/// Items for one decoded document: its warnings first, then the document.
fn finish_doc(id: String, text: String, warnings: Vec<InputError>, origin: Origin, date: Option<String>) -> Vec<Item> {
    let mut items = Vec::with_capacity(2);
    for w in warnings {
        items.push(Item::Problem(Problem::warning(origin.clone(), Some(id.clone()), w)));
    }
    if text.trim().is_empty() {
        items.push(Item::Problem(Problem::warning(origin.clone(), Some(id.clone()), InputError::Empty)));
    }
    items.push(Item::Doc(Document { id, text, origin, date }));
    items
}

/// The document's day from its date field's raw value (`None`: the field is
/// absent); a value that is not a day is a warning and leaves the date empty,
/// so the document is still annotated.
fn read_date(raw: Option<&str>, settings: &ReadSettings, warnings: &mut Vec<InputError>) -> Option<String> {
    match raw.map(str::trim) {
        None if settings.date_field_required => {
            warnings.push(InputError::MissingField { field: settings.date_field.clone() });
            None
        }
        None | Some("") => None,
        Some(value) => {
            let day = parse_day(value);
            if day.is_none() {
                warnings.push(InputError::BadDate { field: settings.date_field.clone(), value: value.chars().take(40).collect() });
            }
            day
        }
    }
}

fn read_txt_items(src: &Source, settings: &ReadSettings, counter: &AtomicU64) -> Vec<Item> {
    let path = src.path.as_ref().expect("txt sources are files");
    let origin = Origin { path: Some(path.clone()), line: None };
    let id = src.txt_id.clone();
    let err = |e: InputError| vec![Item::Problem(Problem::error(origin.clone(), Some(id.clone()), e))];
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return err(InputError::Io { source: e }),
    };
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > settings.max_doc_bytes {
        counter.fetch_add(size, Ordering::Relaxed);
        return err(InputError::TooLarge { size, limit: settings.max_doc_bytes });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    if let Err(e) = file.take(settings.max_doc_bytes + 1).read_to_end(&mut bytes) {
        return err(InputError::Io { source: e });
    }
    counter.fetch_add(bytes.len() as u64, Ordering::Relaxed);
    if bytes.len() as u64 > settings.max_doc_bytes {
        return err(InputError::TooLarge { size: bytes.len() as u64, limit: settings.max_doc_bytes });
    }
    if memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some() {
        return err(InputError::Binary);
    }
    let (text, warning) = decode(bytes);
    finish_doc(id, text, warning.into_iter().collect(), origin, None)
}

struct JsonlReader {
    reader: Box<dyn BufRead + Send>,
    path: Option<PathBuf>,
    settings: Arc<ReadSettings>,
    counter: Arc<AtomicU64>,
    line: u64,
    buf: Vec<u8>,
    done: bool,
}

impl JsonlReader {
    fn origin(&self) -> Origin {
        Origin { path: self.path.clone(), line: Some(self.line) }
    }

    /// Parses one non-blank line into items.
    fn parse_line(&mut self) -> Vec<Item> {
        let origin = self.origin();
        let mut bytes = std::mem::take(&mut self.buf);
        while matches!(bytes.last(), Some(b'\n' | b'\r')) {
            bytes.pop();
        }
        if self.line == 1 && bytes.starts_with(BOM) {
            bytes.drain(..BOM.len());
        }
        if bytes.len() as u64 > self.settings.max_doc_bytes {
            let e = InputError::TooLarge { size: bytes.len() as u64, limit: self.settings.max_doc_bytes };
            return vec![Item::Problem(Problem::error(origin, None, e))];
        }
        let (line, utf8_warning) = decode(bytes);
        let value: serde_json::Value = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(e) => {
                let e = InputError::Json { message: e.to_string() };
                return vec![Item::Problem(Problem::error(origin, None, e))];
            }
        };
        let serde_json::Value::Object(mut obj) = value else {
            return vec![Item::Problem(Problem::error(origin, None, InputError::NotAnObject))];
        };
        // A defaulted id only repeats the file and line, so it is not named
        // again in error messages.
        let named = obj.contains_key(&self.settings.id_field);
        let id = match obj.get(&self.settings.id_field) {
            None => default_id(&self.path, self.line),
            Some(v) => match id_string(v) {
                Some(s) => s,
                None => {
                    let e = InputError::FieldType { field: self.settings.id_field.clone(), allow_number: true };
                    return vec![Item::Problem(Problem::error(origin, None, e))];
                }
            },
        };
        let text = match obj.remove(&self.settings.text_field) {
            Some(serde_json::Value::String(s)) => s,
            Some(_) => {
                let e = InputError::FieldType { field: self.settings.text_field.clone(), allow_number: false };
                return vec![Item::Problem(Problem::error(origin, named.then_some(id), e))];
            }
            None => {
                let e = InputError::MissingField { field: self.settings.text_field.clone() };
                return vec![Item::Problem(Problem::error(origin, named.then_some(id), e))];
            }
        };
        let mut warnings: Vec<InputError> = utf8_warning.into_iter().collect();
        let raw_date = match obj.remove(&self.settings.date_field) {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(s)) => Some(s),
            Some(other) => Some(other.to_string()),
        };
        let date = read_date(raw_date.as_deref(), &self.settings, &mut warnings);
        finish_doc(id, text, warnings, origin, date)
    }
}

/// Ids may be strings or integers (many corpora number their documents);
/// anything else is ambiguous and rejected.
fn id_string(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        _ => None,
    }
}

/// A record without an id is named after where it is: `file:line`.
fn default_id(path: &Option<PathBuf>, line: u64) -> String {
    match path {
        Some(p) => format!("{}:{line}", slash_path(p)),
        None => format!("stdin:{line}"),
    }
}

impl Iterator for JsonlReader {
    type Item = Vec<Item>;

    fn next(&mut self) -> Option<Vec<Item>> {
        loop {
            if self.done {
                return None;
            }
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => {
                    self.done = true;
                    return None;
                }
                Ok(n) => {
                    self.counter.fetch_add(n as u64, Ordering::Relaxed);
                    self.line += 1;
                    if self.buf.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    return Some(self.parse_line());
                }
                Err(e) => {
                    self.done = true;
                    return Some(vec![io_problem(self.origin(), e)]);
                }
            }
        }
    }
}

struct CsvReader {
    inner: csv::Reader<Box<dyn Read + Send>>,
    path: PathBuf,
    settings: Arc<ReadSettings>,
    counter: Arc<AtomicU64>,
    /// The id, text and date columns.
    columns: Option<(Option<usize>, usize, Option<usize>)>,
    record: csv::ByteRecord,
    last_pos: u64,
    started: bool,
    done: bool,
}

impl CsvReader {
    fn new(file: Box<dyn Read + Send>, path: PathBuf, settings: Arc<ReadSettings>, counter: Arc<AtomicU64>) -> Self {
        let inner = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(file);
        CsvReader {
            inner,
            path,
            settings,
            counter,
            columns: None,
            record: csv::ByteRecord::new(),
            last_pos: 0,
            started: false,
            done: false,
        }
    }

    fn origin(&self, line: Option<u64>) -> Origin {
        Origin { path: Some(self.path.clone()), line }
    }

    /// Finds the id and text columns; a file without a text column is one error.
    fn header(&mut self) -> Result<(), Box<Problem>> {
        let headers = match self.inner.byte_headers() {
            Ok(h) => h.clone(),
            Err(e) => return Err(Box::new(self.csv_problem(e))),
        };
        let names: Vec<String> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let h = if i == 0 && h.starts_with(BOM) { &h[BOM.len()..] } else { h };
                String::from_utf8_lossy(h).trim().to_string()
            })
            .collect();
        let find = |name: &str| names.iter().position(|n| n == name);
        let Some(text) = find(&self.settings.text_field) else {
            let e = InputError::MissingColumn { column: self.settings.text_field.clone(), found: names.join(",") };
            return Err(Box::new(Problem::error(self.origin(Some(1)), None, e)));
        };
        self.columns = Some((find(&self.settings.id_field), text, find(&self.settings.date_field)));
        Ok(())
    }

    fn csv_problem(&self, e: csv::Error) -> Problem {
        let line = e.position().map(|p| p.line());
        let e = InputError::Csv { message: e.to_string() };
        Problem::error(self.origin(line), None, e)
    }
}

impl Iterator for CsvReader {
    type Item = Vec<Item>;

    fn next(&mut self) -> Option<Vec<Item>> {
        if self.done {
            return None;
        }
        if !self.started {
            self.started = true;
            if let Err(problem) = self.header() {
                self.done = true;
                return Some(vec![Item::Problem(*problem)]);
            }
        }
        let (id_col, text_col, date_col) = self.columns.expect("header read");
        match self.inner.read_byte_record(&mut self.record) {
            Ok(false) => {
                self.done = true;
                let end = self.inner.position().byte();
                self.counter.fetch_add(end.saturating_sub(self.last_pos), Ordering::Relaxed);
                None
            }
            Ok(true) => {
                let pos = self.inner.position().byte();
                self.counter.fetch_add(pos.saturating_sub(self.last_pos), Ordering::Relaxed);
                self.last_pos = pos;
                let line = self.record.position().map_or(0, |p| p.line());
                let origin = self.origin(Some(line));
                let id = match id_col {
                    Some(c) => match self.record.get(c) {
                        Some(b) => String::from_utf8_lossy(b).into_owned(),
                        None => {
                            let e = InputError::ShortRecord {
                                column: self.settings.id_field.clone(),
                                wanted: c + 1,
                                found: self.record.len(),
                            };
                            return Some(vec![Item::Problem(Problem::error(origin, None, e))]);
                        }
                    },
                    None => default_id(&Some(self.path.clone()), line),
                };
                let Some(text) = self.record.get(text_col) else {
                    let e = InputError::ShortRecord {
                        column: self.settings.text_field.clone(),
                        wanted: text_col + 1,
                        found: self.record.len(),
                    };
                    return Some(vec![Item::Problem(Problem::error(origin, Some(id), e))]);
                };
                if text.len() as u64 > self.settings.max_doc_bytes {
                    let e = InputError::TooLarge { size: text.len() as u64, limit: self.settings.max_doc_bytes };
                    return Some(vec![Item::Problem(Problem::error(origin, Some(id), e))]);
                }
                let (text, warning) = decode(text.to_vec());
                let mut warnings: Vec<InputError> = warning.into_iter().collect();
                let raw_date = date_col.and_then(|c| self.record.get(c)).map(String::from_utf8_lossy);
                let date = read_date(raw_date.as_deref(), &self.settings, &mut warnings);
                Some(finish_doc(id, text, warnings, origin, date))
            }
            Err(e) => {
                // The csv crate recovers after a malformed record, except for
                // I/O errors, where the rest of the file is unreadable.
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    self.done = true;
                }
                Some(vec![Item::Problem(self.csv_problem(e))])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn overlap_finds_outputs_that_are_or_would_become_inputs() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let t = fs::canonicalize(tmp.path()).unwrap();
        for dir in ["corpus/sub", "corpus/.hidden", "elsewhere"] {
            fs::create_dir_all(t.join(dir)).unwrap();
        }
        for file in ["corpus/a.txt", "corpus/sub/b.jsonl", "corpus/.hidden/c.txt", "corpus/notes.md", "corpus/.notes.md", "elsewhere/real.csv", "data.csv"] {
            fs::write(t.join(file), "id,text\n").unwrap();
        }
        symlink(t.join("elsewhere/real.csv"), t.join("corpus/link.csv")).unwrap();
        symlink(t.join("corpus"), t.join("linkdir")).unwrap();
        symlink(t.join("data.csv"), t.join("data-link.csv")).unwrap();

        let corpus_dir = t.join("corpus");
        let data = t.join("data.csv");
        let inputs = [Input::Path(corpus_dir.clone()), Input::Path(data.clone()), Input::Stdin];
        let corpus = Corpus::open(&inputs, ReadSettings::default());
        assert_eq!(corpus.ignored_files(), 1, "notes.md; hidden files are not counted");

        fn is_input(p: &Path) -> Option<Overlap<'_>> {
            Some(Overlap::Input(p))
        }
        let in_folder = Some(Overlap::InFolder(&corpus_dir));
        let cases: &[(&str, Option<Overlap>)] = &[
            ("data.csv", is_input(&data)),
            ("corpus/../data.csv", is_input(&data)),
            ("data-link.csv", is_input(&data)),
            ("corpus", is_input(&corpus_dir)),
            ("elsewhere/real.csv", is_input(&corpus_dir)),
            ("corpus/a.txt", in_folder),
            ("corpus/new.csv", in_folder),
            ("corpus/sub/new.TXT", in_folder),
            ("corpus/sub/new.ndjson", in_folder),
            ("linkdir/new.csv", in_folder),
            ("corpus/new.md", None),
            ("corpus/notes.md", None),
            ("corpus/.new.csv", None),
            ("corpus/.hidden/new.csv", None),
            ("elsewhere/other.csv", None),
            ("out.csv", None),
            ("no/such/folder/out.csv", None),
        ];
        for (path, expected) in cases {
            assert_eq!(corpus.overlap(&t.join(path)), *expected, "{path}");
        }
    }

    #[test]
    fn path_keys_resolve_the_folder_and_keep_the_name() {
        let tmp = tempfile::tempdir().unwrap();
        let t = fs::canonicalize(tmp.path()).unwrap();
        assert_eq!(path_keys(&t.join("./new.csv")), [t.join("new.csv")]);
        assert_eq!(path_keys(&t.join("no/such/new.csv")), Vec::<PathBuf>::new());
        // A relative path resolves against the working directory.
        assert_eq!(path_keys(Path::new("new.csv")), [fs::canonicalize(".").unwrap().join("new.csv")]);
    }
}
