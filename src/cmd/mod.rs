//! Subcommands, one module each, and what they share: exit codes and the
//! output file that only appears once it is complete.

pub mod annotate;
pub mod eval;
pub mod merge;
pub mod review;
pub mod summarize;

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::Context;

/// `--output-format`: what the output files are written as.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Csv,
    Parquet,
    /// One JSON object per document (annotate only).
    Jsonl,
}

impl OutputFormat {
    /// The flag's value, else Parquet for a FILE named `*.parquet`, else CSV.
    pub fn resolve(flag: Option<OutputFormat>, file: Option<&Path>) -> OutputFormat {
        flag.unwrap_or(match file.and_then(|f| f.extension()) {
            Some(e) if e.eq_ignore_ascii_case("parquet") => OutputFormat::Parquet,
            Some(e) if e.eq_ignore_ascii_case("jsonl") || e.eq_ignore_ascii_case("ndjson") => OutputFormat::Jsonl,
            _ => OutputFormat::Csv,
        })
    }
}

/// `--shard I/N`: which part of a corpus a run processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("`{s}` is not a shard: expected I/N with 0 <= I < N, e.g. 0/4");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u64, u64) = (i.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Whether a document id belongs to this shard. The hash is FNV-1a
    /// (64-bit) of the id's UTF-8 bytes: fixed, documented and the same on
    /// every platform and in every language, unlike Rust's own hasher.
    pub fn holds(&self, id: &str) -> bool {
        fnv1a64(id.as_bytes()) % self.count == self.index
    }
}

pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Some documents were skipped; the output is complete for the rest.
pub const EXIT_SKIPPED: u8 = 1;
/// Bad arguments, a missing model, an unwritable output.
pub const EXIT_FATAL: u8 = 2;

pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .any(|c| c.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe))
}

/// Where output goes. A file is written under a hidden name in the same
/// folder (`.NAME.partial`) and renamed when complete, so a killed run never
/// leaves a truncated file that looks finished. Progress is recorded in
/// `.NAME.checkpoint` (documents done, bytes written and synced), so that a
/// killed run can be continued with `--resume`. The run holds an advisory
/// lock on `.NAME.partial` while it writes, so a second run with the same
/// output is refused instead of writing into the same file; the lock dies
/// with the process, so `--resume` after a kill finds it free.
pub enum Output {
    Stdout(BufWriter<io::Stdout>),
    // `partial` comes before `file` because fields drop in order: a failed
    // run removes its temporary file while it still holds the lock, so no
    // other run can lock that file just before it disappears.
    File { partial: TempPath, file: BufWriter<File>, checkpoint: PathBuf, dest: PathBuf, written: Arc<AtomicU64> },
}

/// Removes the temporary files unless the run completed or was killed, so
/// that a failed run (an error, a closed pipe) leaves nothing behind.
pub struct TempPath(Option<PathBuf>);

impl Drop for TempPath {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = fs::remove_file(&p);
            let _ = fs::remove_file(checkpoint_path(&p));
        }
    }
}

fn checkpoint_path(partial: &Path) -> PathBuf {
    partial.with_extension("checkpoint")
}

/// Where a resumed run starts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResumePoint {
    /// Input items (documents and problems) already written.
    pub items: u64,
    /// Valid bytes of the partial file; anything after is a torn write.
    pub bytes: u64,
    /// Documents skipped before the checkpoint, so the exit status covers
    /// the whole run.
    pub skipped: u64,
    /// Documents written before the checkpoint, so that a resumed run that
    /// has nothing left to read is not taken for a run that read nothing.
    pub documents: u64,
}

impl ResumePoint {
    fn parse(text: &str) -> Option<ResumePoint> {
        let mut lines = text.lines();
        if lines.next()? != "detente-checkpoint 1" {
            return None;
        }
        let mut field = |name: &str| lines.next()?.strip_prefix(name)?.trim().parse::<u64>().ok();
        let (items, bytes, skipped) = (field("items")?, field("bytes")?, field("skipped")?);
        // Checkpoints from before `documents` was recorded count every item
        // as a document: an over-count can only spare a warning, never add one.
        let documents = field("documents").unwrap_or(items);
        Some(ResumePoint { items, bytes, skipped, documents })
    }
}

/// Opens `.NAME.partial` without truncating it and takes its lock: whatever
/// is in it may be another run's output, or the progress `--resume` needs.
/// Also says whether the file was created now.
fn open_locked(dest: &Path, partial: &Path) -> anyhow::Result<(File, bool)> {
    let cannot = || format!("cannot write the output {}", dest.display());
    // Another run can rename or remove the file between our open and our
    // lock; a lock on a file no longer at `partial` guards nothing, so open
    // again. Two tries suffice unless runs keep finishing under our feet.
    for _ in 0..5 {
        let (file, created) = match fs::OpenOptions::new().write(true).open(partial) {
            Ok(f) => (f, false),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                match fs::OpenOptions::new().write(true).create_new(true).open(partial) {
                    Ok(f) => (f, true),
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                    Err(e) => {
                        return Err(e).with_context(|| format!("cannot create its temporary file {}", partial.display())).with_context(cannot)
                    }
                }
            }
            Err(e) => return Err(e).with_context(|| format!("cannot open its temporary file {}", partial.display())).with_context(cannot),
        };
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => anyhow::bail!(
                "another detente run is writing {} (it holds the lock on {}); wait for it to finish or choose another --output",
                dest.display(),
                partial.display()
            ),
            Err(fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock its temporary file {}", partial.display())).with_context(cannot)
            }
        }
        if still_at(&file, partial) {
            return Ok((file, created));
        }
    }
    anyhow::bail!("{}: its temporary file {} keeps being replaced by other runs", cannot(), partial.display())
}

/// Whether `path` still names the open `file`.
#[cfg(unix)]
fn still_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn still_at(_file: &File, path: &Path) -> bool {
    path.exists()
}

impl Output {
    /// Opens the output. With `resume`, continues a killed run's partial
    /// file from its last checkpoint and returns where to start; without a
    /// checkpoint it starts afresh. Refuses, before changing anything, when
    /// another run is writing the same output.
    pub fn create(dest: Option<&Path>, resume: bool) -> anyhow::Result<(Output, ResumePoint)> {
        let Some(dest) = dest else {
            if resume {
                anyhow::bail!("--resume needs --output FILE");
            }
            return Ok((Output::Stdout(BufWriter::with_capacity(1 << 16, io::stdout())), ResumePoint::default()));
        };
        let cannot = || format!("cannot write the output {}", dest.display());
        let name = dest.file_name().with_context(|| format!("{}: not a file name", cannot()))?;
        // Caught now rather than by the rename at the end of a long run.
        if dest.is_dir() {
            anyhow::bail!("{}: it is a folder", cannot());
        }
        let partial = dest.with_file_name(format!(".{}.partial", name.to_string_lossy()));
        let checkpoint = checkpoint_path(&partial);
        let (mut file, created) = open_locked(dest, &partial)?;
        let mut point = ResumePoint::default();
        if resume {
            if let Ok(text) = fs::read_to_string(&checkpoint) {
                point = ResumePoint::parse(&text)
                    .with_context(|| format!("cannot resume {}: {} is not a detente checkpoint", dest.display(), checkpoint.display()))?;
            }
        }
        if point.items > 0 && created {
            let _ = fs::remove_file(&partial);
            anyhow::bail!(
                "cannot resume {}: its temporary file {} is gone, so its checkpoint {} has nothing to continue; run without --resume to start over",
                dest.display(),
                partial.display(),
                checkpoint.display()
            );
        }
        if point.items > 0 {
            let len = file.metadata().with_context(cannot)?.len();
            if len < point.bytes {
                anyhow::bail!(
                    "cannot resume {}: its temporary file {} is shorter ({len} bytes) than its checkpoint says ({})",
                    dest.display(),
                    partial.display(),
                    point.bytes
                );
            }
            // Drop whatever was written after the last checkpoint.
            file.set_len(point.bytes).with_context(cannot)?;
            io::Seek::seek(&mut file, io::SeekFrom::End(0)).with_context(cannot)?;
        } else {
            // A fresh run. The lock makes what is there ours to discard: an
            // older killed run's partial file, and its checkpoint, which a
            // later --resume would otherwise apply to this run's bytes.
            file.set_len(0).with_context(cannot)?;
            match fs::remove_file(&checkpoint) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(e).with_context(|| format!("cannot remove the old checkpoint {}", checkpoint.display())).with_context(cannot)
                }
                _ => {}
            }
        }
        let output = Output::File {
            partial: TempPath(Some(partial)),
            file: BufWriter::with_capacity(1 << 16, file),
            checkpoint,
            dest: dest.to_path_buf(),
            written: Arc::new(AtomicU64::new(point.bytes)),
        };
        Ok((output, point))
    }

    /// What the user asked to write, for messages.
    pub fn describe(&self) -> String {
        match self {
            Output::Stdout(_) => "the output (standard output)".to_string(),
            Output::File { dest, .. } => format!("the output {}", dest.display()),
        }
    }

    /// Something that records progress durably, for file outputs.
    pub fn checkpointer(&self) -> anyhow::Result<Option<Checkpointer>> {
        match self {
            Output::Stdout(_) => Ok(None),
            Output::File { file, checkpoint, written, .. } => Ok(Some(Checkpointer {
                file: file.get_ref().try_clone()?,
                path: checkpoint.clone(),
                written: Arc::clone(written),
            })),
        }
    }

    /// Flushes, syncs and moves the file into place.
    pub fn finish(self) -> anyhow::Result<()> {
        let cannot = self.describe();
        match self {
            Output::Stdout(mut w) => w.flush().with_context(|| format!("cannot write {cannot}")),
            Output::File { mut partial, mut file, checkpoint, dest, .. } => {
                let path = partial.0.clone().expect("partial path");
                let mut complete = || -> anyhow::Result<()> {
                    file.flush()
                        .and_then(|()| file.get_ref().sync_all())
                        .with_context(|| format!("cannot write its temporary file {}", path.display()))?;
                    // The checkpoint goes first: once the rename is done, the
                    // name may belong to the next run.
                    let _ = fs::remove_file(&checkpoint);
                    fs::rename(&path, &dest).with_context(|| format!("cannot rename its temporary file {} to it", path.display()))
                };
                let result = complete();
                if result.is_ok() {
                    partial.0 = None;
                }
                // On failure the temporary file is removed while the lock is
                // still held; the lock goes with `file`, last.
                drop(partial);
                drop(file);
                result.with_context(|| format!("cannot write {cannot}"))
            }
        }
    }
}

/// Writes `.NAME.checkpoint` once the bytes it counts are on disk.
pub struct Checkpointer {
    file: File,
    path: PathBuf,
    written: Arc<AtomicU64>,
}

impl Checkpointer {
    /// Call after flushing the writer: the file's bytes are synced first, so
    /// the checkpoint never points past data that a crash could lose.
    pub fn save(&self, items: u64, skipped: u64, documents: u64) -> io::Result<()> {
        self.file.sync_data()?;
        let bytes = self.written.load(Ordering::Relaxed);
        let tmp = self.path.with_extension("checkpoint-new");
        fs::write(&tmp, format!("detente-checkpoint 1\nitems {items}\nbytes {bytes}\nskipped {skipped}\ndocuments {documents}\n"))?;
        fs::rename(&tmp, &self.path)
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::File { file, written, .. } => {
                let n = file.write(buf)?;
                written.fetch_add(n as u64, Ordering::Relaxed);
                Ok(n)
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::File { file, .. } => file.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_parse_with_and_without_documents() {
        let point = |items, bytes, skipped, documents| Some(ResumePoint { items, bytes, skipped, documents });
        let cases: &[(&str, Option<ResumePoint>)] = &[
            ("detente-checkpoint 1\nitems 12\nbytes 900\nskipped 2\ndocuments 9\n", point(12, 900, 2, 9)),
            ("detente-checkpoint 1\nitems 12\nbytes 900\nskipped 2\ndocuments 0\n", point(12, 900, 2, 0)),
            // Written before `documents` existed: every item counts.
            ("detente-checkpoint 1\nitems 12\nbytes 900\nskipped 2\n", point(12, 900, 2, 12)),
            ("detente-checkpoint 1\nitems 12\nbytes 900\n", None),
            ("detente-checkpoint 2\nitems 12\nbytes 900\nskipped 2\n", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(ResumePoint::parse(text), *expected, "{text:?}");
        }
    }
}
