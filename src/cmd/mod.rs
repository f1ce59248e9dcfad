//! Subcommands, one module each, and what they share: exit codes and the
//! output file that only appears once it is complete.

pub mod annotate;

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

/// Some documents were skipped; the output is complete for the rest.
pub const EXIT_SKIPPED: u8 = 1;
/// Bad arguments, a missing model, an unwritable output.
pub const EXIT_FATAL: u8 = 2;

pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .any(|c| c.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe))
}

/// Where output goes. A file is written under a temporary name in the same
/// folder and renamed when complete, so a killed run never leaves a
/// truncated file that looks finished.
pub enum Output {
    Stdout(BufWriter<io::Stdout>),
    File { file: BufWriter<File>, tmp: TempPath, dest: PathBuf },
}

/// Removes the temporary file unless the run completed, so that a failed
/// run (an error, a closed pipe) leaves nothing behind.
pub struct TempPath(Option<PathBuf>);

impl Drop for TempPath {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = fs::remove_file(p);
        }
    }
}

impl Output {
    pub fn create(dest: Option<&Path>) -> anyhow::Result<Output> {
        let Some(dest) = dest else {
            return Ok(Output::Stdout(BufWriter::with_capacity(1 << 16, io::stdout())));
        };
        let name = dest.file_name().with_context(|| format!("{} is not a file name", dest.display()))?;
        let tmp = dest.with_file_name(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
        let file = File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        Ok(Output::File { file: BufWriter::with_capacity(1 << 16, file), tmp: TempPath(Some(tmp)), dest: dest.to_path_buf() })
    }

    /// Flushes, syncs and moves the file into place.
    pub fn finish(self) -> anyhow::Result<()> {
        match self {
            Output::Stdout(mut w) => Ok(w.flush()?),
            Output::File { file, mut tmp, dest } => {
                let path = tmp.0.take().expect("temporary path");
                let file = file.into_inner().map_err(|e| e.into_error())?;
                file.sync_all().with_context(|| format!("cannot write {}", path.display()))?;
                if let Err(e) = fs::rename(&path, &dest) {
                    let _ = fs::remove_file(&path);
                    return Err(e).with_context(|| format!("cannot rename {} to {}", path.display(), dest.display()));
                }
                Ok(())
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::File { file, .. } => file.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.write_all(buf),
            Output::File { file, .. } => file.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::File { file, .. } => file.flush(),
        }
    }
}
