//! The output writers: they read annotated documents and write the spans,
//! as the review CSV ([`csv`]) or as Parquet ([`parquet`]), with the same
//! columns in the same order. [`SpanWriter`] lets `annotate` hold either.

pub mod csv;
pub mod parquet;

use std::io;

use crate::core::Annotated;

pub use self::csv::{CharCursor, CsvWriter, HEADER};
pub use self::parquet::ParquetWriter;

/// What `annotate` needs of an output writer.
pub trait SpanWriter<W> {
    /// Writes every row of one document.
    fn write_doc(&mut self, a: &Annotated) -> io::Result<()>;
    /// Pushes what is buffered down to `W`, for a `--resume` checkpoint.
    fn flush(&mut self) -> io::Result<()>;
    /// Completes the output (a Parquet footer) and returns the writer.
    fn finish(self: Box<Self>) -> io::Result<W>;
}

impl<W: io::Write> SpanWriter<W> for CsvWriter<W> {
    fn write_doc(&mut self, a: &Annotated) -> io::Result<()> {
        CsvWriter::write_doc(self, a)
    }

    fn flush(&mut self) -> io::Result<()> {
        CsvWriter::flush(self)
    }

    fn finish(self: Box<Self>) -> io::Result<W> {
        self.into_inner()
    }
}
