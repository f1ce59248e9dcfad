//! The Parquet writer: reads annotated documents and writes the spans as a
//! Parquet file with the review CSV's columns, typed (offsets as integers,
//! probabilities as floats, dates as dates). [`TableWriter`] is the small
//! typed-table layer under it, which `summarize` also writes its tables with.
//!
//! Unlike the CSV, text cells are written exactly (no formula neutralising:
//! Parquet is not opened by spreadsheets), empty cells are nulls, and
//! probabilities keep their full `f32` precision instead of four decimals.

use std::io::{self, Write};
use std::sync::Arc;

use ::parquet::arrow::ArrowWriter;
use ::parquet::basic::Compression;
use ::parquet::file::properties::WriterProperties;
use arrow_array::builder::{Date32Builder, Float32Builder, Float64Builder, StringBuilder, UInt32Builder, UInt64Builder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};

use super::csv::HEADER;
use crate::core::Annotated;

/// Rows per record batch, and so per row group: enough for good compression,
/// few enough that the buffered columns stay small whatever the corpus size.
pub const ROWS_PER_GROUP: usize = 64 * 1024;

/// A cell, typed as its column.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    Str(Option<&'a str>),
    U32(u32),
    U64(u64),
    F32(Option<f32>),
    F64(f64),
    /// Days since 1970-01-01.
    Date(Option<i32>),
}

enum Builder {
    Str(StringBuilder),
    U32(UInt32Builder),
    U64(UInt64Builder),
    F32(Float32Builder),
    F64(Float64Builder),
    Date(Date32Builder),
}

impl Builder {
    fn new(t: &DataType) -> Builder {
        match t {
            DataType::Utf8 => Builder::Str(StringBuilder::new()),
            DataType::UInt32 => Builder::U32(UInt32Builder::new()),
            DataType::UInt64 => Builder::U64(UInt64Builder::new()),
            DataType::Float32 => Builder::F32(Float32Builder::new()),
            DataType::Float64 => Builder::F64(Float64Builder::new()),
            DataType::Date32 => Builder::Date(Date32Builder::new()),
            other => unreachable!("no builder for {other}"),
        }
    }

    fn push(&mut self, v: Value<'_>) {
        match (self, v) {
            (Builder::Str(b), Value::Str(s)) => b.append_option(s),
            (Builder::U32(b), Value::U32(n)) => b.append_value(n),
            (Builder::U64(b), Value::U64(n)) => b.append_value(n),
            (Builder::F32(b), Value::F32(x)) => b.append_option(x),
            (Builder::F64(b), Value::F64(x)) => b.append_value(x),
            (Builder::Date(b), Value::Date(d)) => b.append_option(d),
            (_, v) => panic!("value {v:?} does not fit its column"),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Str(b) => Arc::new(b.finish()),
            Builder::U32(b) => Arc::new(b.finish()),
            Builder::U64(b) => Arc::new(b.finish()),
            Builder::F32(b) => Arc::new(b.finish()),
            Builder::F64(b) => Arc::new(b.finish()),
            Builder::Date(b) => Arc::new(b.finish()),
        }
    }
}

/// Writes a table of typed columns as Parquet, a row at a time, in row
/// groups of [`ROWS_PER_GROUP`] rows.
pub struct TableWriter<W: Write + Send> {
    out: ArrowWriter<W>,
    schema: SchemaRef,
    builders: Vec<Builder>,
    rows: usize,
}

impl<W: Write + Send> TableWriter<W> {
    /// `columns`: name, type (Utf8, UInt32, UInt64, Float32, Float64 or
    /// Date32) and whether it may hold nulls.
    pub fn new(out: W, columns: &[(&str, DataType, bool)]) -> io::Result<Self> {
        let schema: SchemaRef =
            Arc::new(Schema::new(columns.iter().map(|(n, t, null)| Field::new(*n, t.clone(), *null)).collect::<Vec<_>>()));
        // Snappy: the fastest to write and read, and the smallest build.
        let props =
            WriterProperties::builder().set_compression(Compression::SNAPPY).set_max_row_group_row_count(Some(ROWS_PER_GROUP)).build();
        let out = ArrowWriter::try_new(out, Arc::clone(&schema), Some(props)).map_err(into_io)?;
        let builders = columns.iter().map(|(_, t, _)| Builder::new(t)).collect();
        Ok(TableWriter { out, schema, builders, rows: 0 })
    }

    /// One row, a value per column in order.
    pub fn push(&mut self, row: &[Value<'_>]) -> io::Result<()> {
        assert_eq!(row.len(), self.builders.len(), "a value per column");
        for (b, v) in self.builders.iter_mut().zip(row) {
            b.push(*v);
        }
        self.rows += 1;
        if self.rows >= ROWS_PER_GROUP {
            self.write_batch()?;
        }
        Ok(())
    }

    fn write_batch(&mut self) -> io::Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let columns = self.builders.iter_mut().map(Builder::finish).collect();
        let batch = RecordBatch::try_new(Arc::clone(&self.schema), columns).map_err(|e| io::Error::other(e.to_string()))?;
        self.rows = 0;
        self.out.write(&batch).map_err(into_io)
    }

    /// Writes the last rows and the footer, and returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.write_batch()?;
        self.out.into_inner().map_err(into_io)
    }
}

/// Keeps the I/O error kind (a closed pipe must stay recognisable).
fn into_io(e: ::parquet::errors::ParquetError) -> io::Error {
    match e {
        ::parquet::errors::ParquetError::External(e) => match e.downcast::<io::Error>() {
            Ok(e) => *e,
            Err(e) => io::Error::other(e.to_string()),
        },
        other => io::Error::other(other.to_string()),
    }
}

/// The spans' column types, in [`HEADER`] order.
pub fn span_columns() -> Vec<(&'static str, DataType, bool)> {
    use DataType::*;
    let types = [Utf8, UInt32, Utf8, UInt64, UInt64, Utf8, Utf8, Float32, Utf8, Float32, Float32, Float32, Utf8, Date32];
    // The first six are never empty.
    HEADER.iter().zip(types).enumerate().map(|(i, (n, t))| (*n, t, i >= 6)).collect()
}

/// Writes the spans as Parquet.
pub struct ParquetWriter<W: Write + Send> {
    table: TableWriter<W>,
}

impl<W: Write + Send> ParquetWriter<W> {
    pub fn new(out: W) -> io::Result<Self> {
        Ok(ParquetWriter { table: TableWriter::new(out, &span_columns())? })
    }

    /// Writes every row of one document: the CSV's rows, typed.
    pub fn write_doc(&mut self, a: &Annotated) -> io::Result<()> {
        let doc_id = Value::Str(Some(&a.doc.id));
        // A date that is not a day (the reader accepts only days) is left null.
        let date = Value::Date(a.doc.date.as_deref().and_then(crate::summarize::Date::parse).map(|d| d.days()));
        let table = &mut self.table;
        super::for_each_row(a, |r| {
            let [p0, p1, p2] = r.probs.map_or([None; 3], |p| p.map(Some)).map(Value::F32);
            table.push(&[
                doc_id,
                Value::U32(r.sentence as u32),
                Value::Str(Some(r.kind.as_str())),
                Value::U64(r.start as u64),
                Value::U64(r.end as u64),
                Value::Str(Some(r.text)),
                Value::Str(r.label),
                Value::F32(r.confidence),
                Value::Str(r.role),
                p0,
                p1,
                p2,
                Value::Str(r.actor),
                date,
            ])
        })
    }
}

impl<W: Write + Send> super::SpanWriter<W> for ParquetWriter<W> {
    fn write_doc(&mut self, a: &Annotated) -> io::Result<()> {
        ParquetWriter::write_doc(self, a)
    }

    /// Nothing: row groups close at their size (an early one would only be
    /// small), and a Parquet file without its footer cannot be resumed.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn finish(self: Box<Self>) -> io::Result<W> {
        self.table.finish()
    }
}
