//! Subcommands, one module each, and what they share: exit codes and the
//! output file that only appears once it is complete.

pub mod annotate;
pub mod eval;

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::Context;

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
/// killed run can be continued with `--resume`.
pub enum Output {
    Stdout(BufWriter<io::Stdout>),
    File { file: BufWriter<File>, partial: TempPath, checkpoint: PathBuf, dest: PathBuf, written: Arc<AtomicU64> },
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
}

impl ResumePoint {
    fn parse(text: &str) -> Option<ResumePoint> {
        let mut lines = text.lines();
        if lines.next()? != "detente-checkpoint 1" {
            return None;
        }
        let mut field = |name: &str| lines.next()?.strip_prefix(name)?.trim().parse::<u64>().ok();
        Some(ResumePoint { items: field("items")?, bytes: field("bytes")?, skipped: field("skipped")? })
    }
}

impl Output {
    /// Opens the output. With `resume`, continues a killed run's partial
    /// file from its last checkpoint and returns where to start; without a
    /// checkpoint it starts afresh.
    pub fn create(dest: Option<&Path>, resume: bool) -> anyhow::Result<(Output, ResumePoint)> {
        let Some(dest) = dest else {
            if resume {
                anyhow::bail!("--resume needs --output FILE");
            }
            return Ok((Output::Stdout(BufWriter::with_capacity(1 << 16, io::stdout())), ResumePoint::default()));
        };
        let name = dest.file_name().with_context(|| format!("{} is not a file name", dest.display()))?;
        let partial = dest.with_file_name(format!(".{}.partial", name.to_string_lossy()));
        let checkpoint = checkpoint_path(&partial);
        let mut point = ResumePoint::default();
        if resume {
            if let Ok(text) = fs::read_to_string(&checkpoint) {
                point = ResumePoint::parse(&text).with_context(|| format!("{} is not a detente checkpoint", checkpoint.display()))?;
            }
        }
        let file = if point.items > 0 {
            let file = fs::OpenOptions::new()
                .write(true)
                .open(&partial)
                .with_context(|| format!("cannot reopen {} to resume", partial.display()))?;
            let len = file.metadata()?.len();
            if len < point.bytes {
                anyhow::bail!("{} is shorter ({len} bytes) than its checkpoint says ({}); cannot resume", partial.display(), point.bytes);
            }
            // Drop whatever was written after the last checkpoint.
            file.set_len(point.bytes)?;
            let mut file = file;
            io::Seek::seek(&mut file, io::SeekFrom::End(0))?;
            file
        } else {
            File::create(&partial).with_context(|| format!("cannot create {}", partial.display()))?
        };
        let output = Output::File {
            file: BufWriter::with_capacity(1 << 16, file),
            partial: TempPath(Some(partial)),
            checkpoint,
            dest: dest.to_path_buf(),
            written: Arc::new(AtomicU64::new(point.bytes)),
        };
        Ok((output, point))
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
        match self {
            Output::Stdout(mut w) => Ok(w.flush()?),
            Output::File { file, mut partial, checkpoint, dest, .. } => {
                let path = partial.0.take().expect("partial path");
                let file = file.into_inner().map_err(|e| e.into_error())?;
                file.sync_all().with_context(|| format!("cannot write {}", path.display()))?;
                if let Err(e) = fs::rename(&path, &dest) {
                    let _ = fs::remove_file(&path);
                    return Err(e).with_context(|| format!("cannot rename {} to {}", path.display(), dest.display()));
                }
                let _ = fs::remove_file(checkpoint);
                Ok(())
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
    pub fn save(&self, items: u64, skipped: u64) -> io::Result<()> {
        self.file.sync_data()?;
        let bytes = self.written.load(Ordering::Relaxed);
        let tmp = self.path.with_extension("checkpoint-new");
        fs::write(&tmp, format!("detente-checkpoint 1\nitems {items}\nbytes {bytes}\nskipped {skipped}\n"))?;
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
