//! Typed errors of the library. Each input problem names the document (when
//! its id is known) and where it came from (file and line), so that one bad
//! document can be reported and counted while the run goes on.

use std::io;
use std::path::PathBuf;

use crate::core::Origin;

/// A problem with one document or one input file.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read: {source}")]
    Io {
        #[source]
        source: io::Error,
    },
    #[error("malformed JSON: {message}")]
    Json { message: String },
    #[error("line is not a JSON object")]
    NotAnObject,
    #[error("field `{field}` is missing")]
    MissingField { field: String },
    #[error("field `{field}` must be a string{}", if *.allow_number { " or a number" } else { "" })]
    FieldType { field: String, allow_number: bool },
    #[error("CSV header has no `{column}` column (columns: {found})")]
    MissingColumn { column: String, found: String },
    #[error("CSV record has {found} fields, but `{column}` is field {wanted}")]
    ShortRecord { column: String, wanted: usize, found: usize },
    #[error("field `{field}` is not a date (`{value}`; expected YYYY-MM-DD, optionally with a time); date left empty")]
    BadDate { field: String, value: String },
    #[error("malformed CSV: {message}")]
    Csv { message: String },
    #[error("unsupported file type (expected .txt, .jsonl or .csv; use --format to force one)")]
    UnsupportedFormat,
    #[error("document is {size} bytes, over the --max-doc-bytes limit of {limit}")]
    TooLarge { size: u64, limit: u64 },
    #[error("invalid UTF-8 at byte {offset}; decoded lossily (invalid bytes became U+FFFD)")]
    InvalidUtf8 { offset: usize },
    #[error("document is empty or only whitespace")]
    Empty,
    #[error("file looks binary (NUL bytes in the first 8 KiB); skipped")]
    Binary,
    #[error("directory loop through {}; not followed", .path.display())]
    Loop { path: PathBuf },
    #[error("duplicate document id (kept; ids should be unique for review)")]
    DuplicateId,
    #[error(transparent)]
    Stage(#[from] StageError),
}

/// How bad a problem is for its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The document was still processed.
    Warning,
    /// The document (or the whole file) was skipped.
    Error,
}

impl Severity {
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// An input problem in context.
#[derive(Debug, thiserror::Error)]
#[error("{origin}{}: {error}", .doc_id.as_ref().map(|id| format!(" (document `{id}`)")).unwrap_or_default())]
pub struct Problem {
    pub severity: Severity,
    pub origin: Origin,
    pub doc_id: Option<String>,
    #[source]
    pub error: InputError,
}

impl Problem {
    pub fn error(origin: Origin, doc_id: Option<String>, error: InputError) -> Self {
        Problem { severity: Severity::Error, origin, doc_id, error }
    }

    pub fn warning(origin: Origin, doc_id: Option<String>, error: InputError) -> Self {
        Problem { severity: Severity::Warning, origin, doc_id, error }
    }
}

/// A model stage failed on a batch.
#[derive(Debug, thiserror::Error)]
pub enum StageError {
    #[error("{stage}: {message}")]
    Failed { stage: &'static str, message: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_names_file_line_and_document() {
        let p = Problem::error(
            Origin { path: Some("corpus/a.jsonl".into()), line: Some(12) },
            Some("doc-7".into()),
            InputError::MissingField { field: "text".into() },
        );
        assert_eq!(p.to_string(), "corpus/a.jsonl:12 (document `doc-7`): field `text` is missing");
        let p = Problem::warning(
            Origin { path: None, line: Some(3) },
            None,
            InputError::FieldType { field: "id".into(), allow_number: true },
        );
        assert_eq!(p.to_string(), "<stdin>:3: field `id` must be a string or a number");
    }
}
