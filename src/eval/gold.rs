//! Gold readers: CoNLL (token per line, tag in the last column, IOB1 or
//! IOB2), sentence-level stance files (TSV/CSV), and JSONL with character
//! spans. Everything becomes [`GoldDoc`]s with character (code point)
//! offsets, the unit of the predictions CSV.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{EvalError, Result};
use crate::core::Stance;

/// The gold file formats `detente eval` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GoldFormat {
    Conll,
    /// Sentence rows in TSV or CSV.
    Stance,
    /// Sentence rows in JSONL (`datasets/stance/*.jsonl`): one object per
    /// sentence with `text`, `stance`, optional `doc_id`/`id`, `source`,
    /// `target`.
    StanceJsonl,
    /// Documents in JSONL with character spans.
    Jsonl,
}

impl GoldFormat {
    pub const fn as_str(self) -> &'static str {
        match self {
            GoldFormat::Conll => "conll",
            GoldFormat::Stance => "stance",
            GoldFormat::StanceJsonl => "stance-jsonl",
            GoldFormat::Jsonl => "jsonl",
        }
    }

    /// What the format is, in words, for the summary line.
    pub const fn describe(self) -> &'static str {
        match self {
            GoldFormat::Conll => "CoNLL, one token per line",
            GoldFormat::Stance => "stance rows, TSV/CSV",
            GoldFormat::StanceJsonl => "stance rows, JSONL, one sentence per line",
            GoldFormat::Jsonl => "documents, JSONL with character spans",
        }
    }

    /// By extension first; `.txt` and unknown extensions are sniffed, since
    /// CoNLL-2003 ships as `dev.txt`.
    pub fn detect(path: &Path, content: &str) -> GoldFormat {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "conll" | "iob" | "iob2" | "bio" => return GoldFormat::Conll,
            "tsv" | "csv" => return GoldFormat::Stance,
            "jsonl" | "ndjson" => return jsonl_kind(content),
            _ => {}
        }
        let first = content.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
        if first.starts_with('{') {
            jsonl_kind(content)
        } else if first.split(['\t', ',']).any(|c| c.trim().eq_ignore_ascii_case("stance")) {
            GoldFormat::Stance
        } else {
            GoldFormat::Conll
        }
    }
}

/// Sentence rows or documents: by the first object that says which. A
/// sentence row has a top-level `stance` and no `sentences` or spans.
fn jsonl_kind(content: &str) -> GoldFormat {
    for line in content.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Ok(Value::Object(o)) = serde_json::from_str::<Value>(line) {
            return if is_stance_row(&o) { GoldFormat::StanceJsonl } else { GoldFormat::Jsonl };
        }
    }
    GoldFormat::Jsonl
}

fn is_stance_row(o: &serde_json::Map<String, Value>) -> bool {
    o.contains_key("stance") && !o.contains_key("sentences")
}

/// A gold entity, in character offsets into its document.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldEntity {
    pub start: usize,
    pub end: usize,
    pub label: String,
    /// `source` / `target` / `other`, when the gold annotates roles.
    pub role: Option<String>,
}

/// An actor named in a gold sentence, by text (stance files have no offsets).
#[derive(Debug, Clone, PartialEq)]
pub struct GoldActor {
    pub text: String,
    pub role: String,
}

/// A gold sentence: by offsets (CoNLL, JSONL) or by text (stance files).
#[derive(Debug, Clone, PartialEq)]
pub struct GoldSentence {
    /// Character offsets into the document, when known.
    pub span: Option<(usize, usize)>,
    /// The sentence text, when known without the document.
    pub text: Option<String>,
    pub stance: Option<Stance>,
    pub actors: Vec<GoldActor>,
    /// Line of the gold file, for messages.
    pub line: u64,
}

/// One gold document: the unit of alignment and of bootstrap resampling.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldDoc {
    /// `None` for stance rows without `doc_id`: they align by text against
    /// every predicted document.
    pub id: Option<String>,
    /// The full text, when the gold has it (CoNLL rebuilds it).
    pub text: Option<String>,
    pub entities: Vec<GoldEntity>,
    pub sentences: Vec<GoldSentence>,
    pub line: u64,
}

/// A whole gold file.
#[derive(Debug, Clone)]
pub struct Gold {
    pub path: PathBuf,
    pub format: GoldFormat,
    /// Whether the format was given rather than detected.
    pub format_given: bool,
    pub docs: Vec<GoldDoc>,
    /// Whether the file annotates entities at all (NER is scored only then).
    pub has_entities: bool,
    /// Whether any sentence carries a stance.
    pub has_stance: bool,
    /// Whether any entity or actor carries a role.
    pub has_roles: bool,
}

impl Gold {
    /// Reads a gold file, detecting its format unless `format` is given.
    pub fn read(path: &Path, format: Option<GoldFormat>) -> Result<Gold> {
        let bytes = fs::read(path).map_err(|source| EvalError::Io { path: path.to_path_buf(), source })?;
        let mut content = String::from_utf8(bytes).map_err(|e| EvalError::Format {
            path: path.to_path_buf(),
            message: format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to()),
        })?;
        if content.starts_with('\u{feff}') {
            content.drain(..3);
        }
        let given = format.is_some();
        let format = format.unwrap_or_else(|| GoldFormat::detect(path, &content));
        let mut gold = Gold::parse(path, format, &content)?;
        gold.format_given = given;
        Ok(gold)
    }

    /// Parses gold text already in memory; `path` only names it in messages.
    pub fn parse(path: &Path, format: GoldFormat, content: &str) -> Result<Gold> {
        let docs = match format {
            GoldFormat::Conll => read_conll(path, content)?,
            GoldFormat::Stance => read_stance(path, content)?,
            GoldFormat::StanceJsonl => read_stance_jsonl(path, content)?,
            GoldFormat::Jsonl => read_jsonl(path, content)?,
        };
        let has_entities = format == GoldFormat::Conll || docs.iter().any(|d| !d.entities.is_empty());
        let has_stance = docs.iter().flat_map(|d| &d.sentences).any(|s| s.stance.is_some());
        let has_roles =
            docs.iter().any(|d| d.entities.iter().any(|e| e.role.is_some()) || d.sentences.iter().any(|s| !s.actors.is_empty()));
        Ok(Gold { path: path.to_path_buf(), format, format_given: true, docs, has_entities, has_stance, has_roles })
    }

    /// The documents to annotate when `eval --input` is given no corpus:
    /// `(id, text)` for each gold document. Stance rows become documents of
    /// their sentences separated by blank lines, which no sentence crosses.
    pub fn documents(&self) -> Vec<(String, String)> {
        let mut out = Vec::with_capacity(self.docs.len());
        for (i, d) in self.docs.iter().enumerate() {
            let id = d.id.clone().unwrap_or_else(|| format!("gold-{}", i));
            let text = match &d.text {
                Some(t) => t.clone(),
                None => d.sentences.iter().filter_map(|s| s.text.as_deref()).collect::<Vec<_>>().join("\n\n"),
            };
            out.push((id, text));
        }
        out
    }
}

fn parse_err(path: &Path, line: u64, message: impl Into<String>) -> EvalError {
    EvalError::Parse { path: path.to_path_buf(), line, message: message.into() }
}

/// CoNLL, exactly as `training/ner/eval_binary.py` rebuilds it: tokens joined
/// by single spaces, sentences by "\n\n", documents split at `-DOCSTART-`
/// and numbered "0", "1", ... (empty documents are not numbered), so that
/// predictions made on that text align by character offsets.
fn read_conll(path: &Path, content: &str) -> Result<Vec<GoldDoc>> {
    struct Builder {
        text: String,
        chars: usize,
        entities: Vec<GoldEntity>,
        sentences: Vec<GoldSentence>,
        line: u64,
    }
    let mut docs: Vec<GoldDoc> = Vec::new();
    let mut doc = Builder { text: String::new(), chars: 0, entities: Vec::new(), sentences: Vec::new(), line: 1 };
    // The sentence being read: (token, tag, line).
    let mut sent: Vec<(&str, &str, u64)> = Vec::new();

    fn flush_sent(path: &Path, doc: &mut Builder, sent: &mut Vec<(&str, &str, u64)>) -> Result<()> {
        if sent.is_empty() {
            return Ok(());
        }
        if !doc.sentences.is_empty() {
            doc.text.push_str("\n\n");
            doc.chars += 2;
        }
        let sent_start = doc.chars;
        let mut cur: Option<GoldEntity> = None;
        let mut prev = "O";
        for (wi, (w, t, line)) in sent.iter().enumerate() {
            if wi > 0 {
                doc.text.push(' ');
                doc.chars += 1;
            }
            let start = doc.chars;
            doc.text.push_str(w);
            doc.chars += w.chars().count();
            let end = doc.chars;
            if *t == "O" {
                doc.entities.extend(cur.take());
            } else {
                let (prefix, kind) = match (t.get(..2), t.get(2..)) {
                    (Some(p @ ("B-" | "I-")), Some(k)) if !k.is_empty() => (p, k),
                    _ => return Err(parse_err(path, *line, format!("tag `{t}` is neither O nor B-TYPE / I-TYPE"))),
                };
                // IOB1 or IOB2: an entity starts at B-, or at I- after O or
                // after another type; otherwise I- continues it.
                let continues = prefix == "I-" && prev != "O" && prev.get(2..) == Some(kind) && cur.is_some();
                if continues {
                    if let Some(c) = &mut cur {
                        c.end = end;
                    }
                } else {
                    doc.entities.extend(cur.take());
                    cur = Some(GoldEntity { start, end, label: kind.to_string(), role: None });
                }
            }
            prev = t;
        }
        doc.entities.extend(cur);
        doc.sentences.push(GoldSentence {
            span: Some((sent_start, doc.chars)),
            text: None,
            stance: None,
            actors: Vec::new(),
            line: sent[0].2,
        });
        sent.clear();
        Ok(())
    }

    fn flush_doc(docs: &mut Vec<GoldDoc>, doc: &mut Builder, next_line: u64) {
        let b =
            std::mem::replace(doc, Builder { text: String::new(), chars: 0, entities: Vec::new(), sentences: Vec::new(), line: next_line });
        if !b.sentences.is_empty() {
            docs.push(GoldDoc {
                id: Some(docs.len().to_string()),
                text: Some(b.text),
                entities: b.entities,
                sentences: b.sentences,
                line: b.line,
            });
        }
    }

    for (i, line) in content.lines().enumerate() {
        let lineno = i as u64 + 1;
        let mut parts = line.split_whitespace();
        match parts.next() {
            None => flush_sent(path, &mut doc, &mut sent)?,
            Some("-DOCSTART-") => {
                flush_sent(path, &mut doc, &mut sent)?;
                flush_doc(&mut docs, &mut doc, lineno);
            }
            Some(word) => {
                let tag = parts.next_back().unwrap_or(word);
                if sent.is_empty() && doc.sentences.is_empty() {
                    doc.line = lineno;
                }
                sent.push((word, tag, lineno));
            }
        }
    }
    flush_sent(path, &mut doc, &mut sent)?;
    flush_doc(&mut docs, &mut doc, 0);
    Ok(docs)
}

/// Parses a stance label, case-insensitively.
fn parse_stance(path: &Path, line: u64, s: &str) -> Result<Option<Stance>> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    Stance::parse(&s.to_ascii_lowercase())
        .map(Some)
        .ok_or_else(|| parse_err(path, line, format!("unknown stance `{s}` (expected conciliatory, threatening or neutral)")))
}

/// A list cell: a JSON array of strings, or `;`-separated names.
fn name_list(cell: &str) -> Vec<String> {
    let cell = cell.trim();
    if cell.starts_with('[') {
        if let Ok(Value::Array(items)) = serde_json::from_str::<Value>(cell) {
            return items.iter().filter_map(|v| v.as_str()).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        }
    }
    cell.split(';').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

/// The `entities` cell: a JSON array of `{"text", "role"}` objects.
fn actor_list(path: &Path, line: u64, cell: &str) -> Result<Vec<GoldActor>> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(Vec::new());
    }
    let v: Value = serde_json::from_str(cell)
        .map_err(|e| parse_err(path, line, format!("`entities` is not JSON ({e}); expected [{{\"text\": ..., \"role\": ...}}]")))?;
    actors_of(path, line, &v)
}

/// `entities` as JSON: an array of `{"text", "role"}` objects.
fn actors_of(path: &Path, line: u64, v: &Value) -> Result<Vec<GoldActor>> {
    let Value::Array(items) = v else {
        return Err(parse_err(path, line, "`entities` must be a JSON array"));
    };
    let mut out = Vec::new();
    for item in items {
        let text = item.get("text").and_then(Value::as_str);
        let role = item.get("role").and_then(Value::as_str);
        match (text, role) {
            (Some(t), Some(r)) => out.push(GoldActor { text: t.to_string(), role: r.trim().to_ascii_lowercase() }),
            (Some(_), None) => {}
            _ => return Err(parse_err(path, line, "each item of `entities` needs a string `text`")),
        }
    }
    Ok(out)
}

/// Sentence-level stance rows (`text`, `stance`, optional `doc_id`,
/// `entities`, `source`, `target`). Rows with the same `doc_id` form one
/// document; rows without one are documents of their own.
fn read_stance(path: &Path, content: &str) -> Result<Vec<GoldDoc>> {
    let first = content.lines().next().unwrap_or("");
    let is_tsv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("tsv"))
        || (!path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) && first.contains('\t'));
    let mut builder = csv::ReaderBuilder::new();
    builder.flexible(true);
    if is_tsv {
        // Quotes are undone field by field (`unquote_tsv`): a TSV written by
        // Python's csv module quotes a sentence that holds quotes, while a
        // hand-written one has sentences that merely start with one.
        builder.delimiter(b'\t').quoting(false);
    }
    let mut rd = builder.from_reader(content.as_bytes());
    let headers = rd.headers().map_err(|e| parse_err(path, 1, e.to_string()))?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let found = || headers.iter().collect::<Vec<_>>().join(", ");
    let text_col = col("text").ok_or_else(|| EvalError::Format {
        path: path.to_path_buf(),
        message: format!("stance file has no `text` column (columns: {})", found()),
    })?;
    let stance_col = col("stance").ok_or_else(|| EvalError::Format {
        path: path.to_path_buf(),
        message: format!("stance file has no `stance` column (columns: {})", found()),
    })?;
    let doc_col = col("doc_id");
    let entities_col = col("entities");
    let source_col = col("source");
    let target_col = col("target");

    let mut docs: Vec<GoldDoc> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for rec in rd.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            parse_err(path, line, e.to_string())
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let rec: csv::StringRecord = if is_tsv { rec.iter().map(unquote_tsv).collect() } else { rec };
        let cell = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("");
        let text = rec.get(text_col).ok_or_else(|| parse_err(path, line, "record has no `text` field"))?;
        if text.trim().is_empty() {
            return Err(parse_err(path, line, "empty `text`"));
        }
        let stance = parse_stance(path, line, cell(Some(stance_col)))?;
        let mut actors = actor_list(path, line, cell(entities_col))?;
        for name in name_list(cell(source_col)) {
            actors.push(GoldActor { text: name, role: "source".into() });
        }
        for name in name_list(cell(target_col)) {
            actors.push(GoldActor { text: name, role: "target".into() });
        }
        let sentence = GoldSentence { span: None, text: Some(text.to_string()), stance, actors, line };
        push_row(&mut docs, &mut by_id, cell(doc_col).trim(), sentence);
    }
    Ok(docs)
}

/// Adds a sentence row to its document (by id), or as a document of its own.
fn push_row(docs: &mut Vec<GoldDoc>, by_id: &mut HashMap<String, usize>, id: &str, sentence: GoldSentence) {
    let line = sentence.line;
    if id.is_empty() {
        docs.push(GoldDoc { id: None, text: None, entities: Vec::new(), sentences: vec![sentence], line });
    } else if let Some(&i) = by_id.get(id) {
        docs[i].sentences.push(sentence);
    } else {
        by_id.insert(id.to_string(), docs.len());
        docs.push(GoldDoc { id: Some(id.to_string()), text: None, entities: Vec::new(), sentences: vec![sentence], line });
    }
}

/// Undoes CSV-style quoting of one TSV field: `"a ""b"" c"` is `a "b" c`.
/// Only a field that is quoted as a whole (it starts and ends with `"`, and
/// every quote inside is doubled) is unquoted; anything else is text as it
/// stands, so `"Stop," he said.` keeps its quotes.
fn unquote_tsv(field: &str) -> std::borrow::Cow<'_, str> {
    let inner = match field.strip_prefix('"').and_then(|f| f.strip_suffix('"')) {
        Some(inner) if field.len() >= 2 => inner,
        _ => return field.into(),
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '"' && chars.next() != Some('"') {
            return field.into();
        }
        out.push(c);
    }
    out.into()
}

/// Sentence rows in JSONL, the format of `datasets/stance/*.jsonl`: `text`,
/// `stance`, the document in `doc_id` (else `id`; rows that share it form
/// one document), actors in `source` / `target` (lists of names) and
/// `entities` (`[{"text", "role"}]`).
fn read_stance_jsonl(path: &Path, content: &str) -> Result<Vec<GoldDoc>> {
    let mut docs: Vec<GoldDoc> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (i, raw) in content.lines().enumerate() {
        let line = i as u64 + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(raw).map_err(|e| parse_err(path, line, format!("malformed JSON: {e}")))?;
        let Value::Object(o) = &v else {
            return Err(parse_err(path, line, "line is not a JSON object"));
        };
        if !is_stance_row(o) {
            return Err(parse_err(path, line, "not a stance row (needs `text` and `stance`, no `sentences`); is the file mixing formats?"));
        }
        let text = o.get("text").and_then(Value::as_str).ok_or_else(|| parse_err(path, line, "`text` must be a string"))?;
        if text.trim().is_empty() {
            return Err(parse_err(path, line, "empty `text`"));
        }
        let stance = match o.get("stance") {
            Some(Value::String(s)) => parse_stance(path, line, s)?,
            Some(Value::Null) => None,
            _ => return Err(parse_err(path, line, "`stance` must be a string")),
        };
        let names = |field: &str| -> Result<Vec<String>> {
            match o.get(field) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::String(s)) => Ok(name_list(s)),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|x| x.as_str().map(|s| s.trim().to_string()))
                    .collect::<Option<Vec<_>>>()
                    .map(|v| v.into_iter().filter(|s| !s.is_empty()).collect())
                    .ok_or_else(|| parse_err(path, line, format!("`{field}` must be a list of strings"))),
                Some(_) => Err(parse_err(path, line, format!("`{field}` must be a list of strings"))),
            }
        };
        let mut actors = match o.get("entities") {
            None | Some(Value::Null) => Vec::new(),
            Some(e) => actors_of(path, line, e)?,
        };
        for name in names("source")? {
            actors.push(GoldActor { text: name, role: "source".into() });
        }
        for name in names("target")? {
            actors.push(GoldActor { text: name, role: "target".into() });
        }
        let id = match o.get("doc_id").or_else(|| o.get("id")) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.trim().to_string(),
            Some(Value::Number(n)) => n.to_string(),
            Some(_) => return Err(parse_err(path, line, "`doc_id` / `id` must be a string or an integer")),
        };
        let sentence = GoldSentence { span: None, text: Some(text.to_string()), stance, actors, line };
        push_row(&mut docs, &mut by_id, &id, sentence);
    }
    Ok(docs)
}

fn offset(path: &Path, line: u64, v: &Value, what: &str, field: &str, len: usize) -> Result<usize> {
    let n = v
        .get(field)
        .and_then(Value::as_u64)
        .ok_or_else(|| parse_err(path, line, format!("{what} needs a non-negative integer `{field}`")))?;
    let n = usize::try_from(n).unwrap_or(usize::MAX);
    if n > len {
        return Err(parse_err(path, line, format!("{what} `{field}` {n} is past the end of the text ({len} characters)")));
    }
    Ok(n)
}

/// JSONL: `{"id", "text", "entities": [{"start", "end", "label", "role"?}],
/// "sentences": [{"start", "end", "stance"}]}` with character offsets.
fn read_jsonl(path: &Path, content: &str) -> Result<Vec<GoldDoc>> {
    let mut docs = Vec::new();
    for (i, raw) in content.lines().enumerate() {
        let line = i as u64 + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(raw).map_err(|e| parse_err(path, line, format!("malformed JSON: {e}")))?;
        if !v.is_object() {
            return Err(parse_err(path, line, "line is not a JSON object"));
        }
        let id = match v.get("id") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return Err(parse_err(path, line, "`id` must be a string or an integer")),
        };
        let text = v.get("text").and_then(Value::as_str).ok_or_else(|| parse_err(path, line, "`text` must be a string"))?;
        let len = text.chars().count();
        let mut entities = Vec::new();
        for e in v.get("entities").and_then(Value::as_array).into_iter().flatten() {
            let start = offset(path, line, e, "entity", "start", len)?;
            let end = offset(path, line, e, "entity", "end", len)?;
            if start >= end {
                return Err(parse_err(path, line, format!("entity {start}..{end} is empty or reversed")));
            }
            let label = e.get("label").and_then(Value::as_str).ok_or_else(|| parse_err(path, line, "entity needs a string `label`"))?;
            let role = e.get("role").and_then(Value::as_str).map(|r| r.trim().to_ascii_lowercase());
            entities.push(GoldEntity { start, end, label: label.to_string(), role });
        }
        let mut sentences = Vec::new();
        for s in v.get("sentences").and_then(Value::as_array).into_iter().flatten() {
            let start = offset(path, line, s, "sentence", "start", len)?;
            let end = offset(path, line, s, "sentence", "end", len)?;
            if start > end {
                return Err(parse_err(path, line, format!("sentence {start}..{end} is reversed")));
            }
            let stance = parse_stance(path, line, s.get("stance").and_then(Value::as_str).unwrap_or(""))?;
            sentences.push(GoldSentence { span: Some((start, end)), text: None, stance, actors: Vec::new(), line });
        }
        docs.push(GoldDoc { id: Some(id), text: Some(text.to_string()), entities, sentences, line });
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conll(s: &str) -> Vec<GoldDoc> {
        read_conll(Path::new("t.conll"), s).unwrap()
    }

    fn ents(d: &GoldDoc) -> Vec<(usize, usize, &str)> {
        d.entities.iter().map(|e| (e.start, e.end, e.label.as_str())).collect()
    }

    #[test]
    fn conll_rebuilds_text_like_eval_binary() {
        let docs = conll("-DOCSTART- -X- O\n\nAnkara NNP B-LOC\nhosts VBZ O\nFidan NNP B-PER\n\nHe O\nleft O\n\n-DOCSTART- O\n\n-DOCSTART- O\nErdoğan B-PER\n");
        assert_eq!(docs.len(), 2, "the empty document gets no id");
        assert_eq!(docs[0].id.as_deref(), Some("0"));
        assert_eq!(docs[0].text.as_deref(), Some("Ankara hosts Fidan\n\nHe left"));
        assert_eq!(ents(&docs[0]), [(0, 6, "LOC"), (13, 18, "PER")]);
        assert_eq!(docs[0].sentences.iter().map(|s| s.span.unwrap()).collect::<Vec<_>>(), [(0, 18), (20, 27)]);
        assert_eq!(docs[1].id.as_deref(), Some("1"));
        assert_eq!(ents(&docs[1]), [(0, 7, "PER")], "offsets count characters, not bytes");
    }

    #[test]
    fn conll_iob1_and_iob2_agree() {
        // (tags, expected entities over tokens "a b c d", each 1 char, spaced)
        type Case<'a> = (&'a [&'a str], &'a [(usize, usize, &'a str)]);
        let cases: &[Case] = &[
            (&["B-PER", "I-PER", "O", "B-LOC"], &[(0, 3, "PER"), (6, 7, "LOC")]),
            (&["I-PER", "I-PER", "O", "I-LOC"], &[(0, 3, "PER"), (6, 7, "LOC")]),
            (&["I-PER", "B-PER", "I-PER", "O"], &[(0, 1, "PER"), (2, 5, "PER")]),
            (&["B-PER", "B-PER", "B-PER", "B-PER"], &[(0, 1, "PER"), (2, 3, "PER"), (4, 5, "PER"), (6, 7, "PER")]),
            (&["I-PER", "I-ORG", "I-ORG", "O"], &[(0, 1, "PER"), (2, 5, "ORG")]),
            (&["O", "O", "O", "B-MISC"], &[(6, 7, "MISC")]),
        ];
        for (tags, expected) in cases {
            let src: String = ["a", "b", "c", "d"].iter().zip(tags.iter()).map(|(w, t)| format!("{w} {t}\n")).collect();
            let docs = conll(&src);
            assert_eq!(ents(&docs[0]), *expected, "{tags:?}");
        }
    }

    #[test]
    fn conll_rejects_bad_tags_with_the_line() {
        let err = read_conll(Path::new("x.conll"), "a O\nb PER\n").unwrap_err();
        assert_eq!(err.to_string(), "x.conll:2: tag `PER` is neither O nor B-TYPE / I-TYPE");
    }

    #[test]
    fn formats_are_detected() {
        let cases = [
            ("a.conll", "", GoldFormat::Conll),
            ("dev.txt", "-DOCSTART- -X- O\n", GoldFormat::Conll),
            ("g.tsv", "", GoldFormat::Stance),
            ("g.dat", "doc_id\ttext\tstance\n", GoldFormat::Stance),
            ("g.jsonl", "", GoldFormat::Jsonl),
            ("g.dat", "\n{\"id\": 1}\n", GoldFormat::Jsonl),
            ("g.jsonl", "{\"id\": \"a-1\", \"text\": \"X.\", \"stance\": \"neutral\"}\n", GoldFormat::StanceJsonl),
            (
                "g.jsonl",
                "{\"id\": 1, \"text\": \"X.\", \"sentences\": [{\"start\": 0, \"end\": 2, \"stance\": \"neutral\"}]}\n",
                GoldFormat::Jsonl,
            ),
            ("g.dat", "{\"text\": \"X.\", \"stance\": \"neutral\"}\n", GoldFormat::StanceJsonl),
        ];
        for (name, content, expected) in cases {
            assert_eq!(GoldFormat::detect(Path::new(name), content), expected, "{name}");
        }
    }

    #[test]
    fn stance_rows_group_by_doc_id() {
        let src = "doc_id\ttext\tstance\tentities\n\
                   d1\tOman offered \"talks\".\tconciliatory\t[{\"text\": \"Oman\", \"role\": \"source\"}]\n\
                   \tStray line.\tNeutral\t\n\
                   d1\tIran warned.\tthreatening\t\n";
        let docs = read_stance(Path::new("g.tsv"), src).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].id.as_deref(), Some("d1"));
        assert_eq!(docs[0].sentences.len(), 2);
        assert_eq!(docs[0].sentences[0].text.as_deref(), Some("Oman offered \"talks\"."));
        assert_eq!(docs[0].sentences[0].actors, [GoldActor { text: "Oman".into(), role: "source".into() }]);
        assert_eq!(docs[1].id, None);
        assert_eq!(docs[1].sentences[0].stance, Some(Stance::Neutral));
        let err = read_stance(Path::new("g.tsv"), "text\tstance\nX.\thostile\n").unwrap_err();
        assert!(err.to_string().starts_with("g.tsv:2: unknown stance `hostile`"), "{err}");
    }

    #[test]
    fn tsv_fields_quoted_as_a_whole_are_unquoted() {
        let cases = [
            (r#""Lula warned it ""does not need a war"", urging talks.""#, r#"Lula warned it "does not need a war", urging talks."#),
            (r#""plain""#, "plain"),
            (r#""""Stop,"" he said.""#, r#""Stop," he said."#),
            // Not quoted as a whole: text as it stands.
            (r#""Stop," he said."#, r#""Stop," he said."#),
            (r#"He said "stop"."#, r#"He said "stop"."#),
            (r#""a "b" c""#, r#""a "b" c""#),
            ("\"", "\""),
            ("", ""),
        ];
        for (field, expected) in cases {
            assert_eq!(unquote_tsv(field), expected, "{field}");
        }
        let src = "doc_id\ttext\tstance\tsource\n\
                   a\t\"Lula said it \"\"does not need a war\"\".\"\tconciliatory\tLula\n";
        let docs = read_stance(Path::new("g.tsv"), src).unwrap();
        assert_eq!(docs[0].sentences[0].text.as_deref(), Some("Lula said it \"does not need a war\"."));
    }

    #[test]
    fn stance_jsonl_rows_are_sentences() {
        let src = r#"{"id": "a-1", "topic": "t", "text": "Oman offered talks.", "stance": "conciliatory", "source": ["Oman"], "target": []}

{"id": "a-2", "text": "Iran warned Israel.", "stance": "threatening", "source": ["Iran"], "target": ["Israel"]}
{"doc_id": "a-2", "id": "s9", "text": "It waited.", "stance": "Neutral"}
{"id": 7, "text": "Unlabelled.", "stance": null}
"#;
        let docs = read_stance_jsonl(Path::new("s.jsonl"), src).unwrap();
        let ids: Vec<_> = docs.iter().map(|d| d.id.as_deref().unwrap()).collect();
        assert_eq!(ids, ["a-1", "a-2", "7"]);
        assert_eq!(docs[1].sentences.len(), 2, "doc_id groups rows");
        assert_eq!(docs[1].sentences[0].actors.len(), 2);
        assert_eq!(docs[1].sentences[1].stance, Some(Stance::Neutral));
        assert_eq!(docs[1].sentences[1].line, 4);
        assert_eq!(docs[2].sentences[0].stance, None);
        let gold = Gold::parse(Path::new("s.jsonl"), GoldFormat::StanceJsonl, src).unwrap();
        assert!(gold.has_stance && gold.has_roles && !gold.has_entities);
        let err = read_stance_jsonl(Path::new("s.jsonl"), "{\"text\": \"x\", \"stance\": \"hostile\"}").unwrap_err();
        assert!(err.to_string().starts_with("s.jsonl:1: unknown stance `hostile`"), "{err}");
        let err = read_stance_jsonl(Path::new("s.jsonl"), "{\"text\": \"x\", \"stance\": \"neutral\", \"source\": [1]}").unwrap_err();
        assert_eq!(err.to_string(), "s.jsonl:1: `source` must be a list of strings");
    }

    #[test]
    fn jsonl_checks_offsets() {
        let ok = r#"{"id": 7, "text": "Erdoğan met Fidan.", "entities": [{"start": 0, "end": 7, "label": "PER"}], "sentences": [{"start": 0, "end": 18, "stance": "conciliatory"}]}"#;
        let docs = read_jsonl(Path::new("g.jsonl"), ok).unwrap();
        assert_eq!(docs[0].id.as_deref(), Some("7"));
        assert_eq!(ents(&docs[0]), [(0, 7, "PER")]);
        assert_eq!(docs[0].sentences[0].stance, Some(Stance::Conciliatory));
        let bad = r#"{"id": "a", "text": "short", "entities": [{"start": 0, "end": 9, "label": "PER"}]}"#;
        let err = read_jsonl(Path::new("g.jsonl"), &format!("\n{bad}")).unwrap_err();
        assert!(err.to_string().starts_with("g.jsonl:2: entity `end` 9 is past the end"), "{err}");
    }
}
