//! The inference engine: finds and loads ONNX Runtime, loads a model folder
//! (`model.onnx`, `tokenizer.json`, `config.json`, `SHA256SUMS`), and runs the
//! encoder forward on padded `i64` batches, returning the raw logits.
//!
//! Tokenising and decoding live in the stages ([`crate::ner`]); this module is
//! load plus forward only. There is one ONNX Runtime session per rayon worker,
//! each single-threaded, so parallelism stays at one level (rayon over
//! batches) and never nests inside ONNX Runtime. (`--intra-threads` exists to
//! measure the other layout: one worker whose session uses several threads.)

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use ndarray::{Array2, Array3};
use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::TensorRef;
use serde::Deserialize;

/// Problems loading or running a model. All are fatal for the run except
/// [`ModelError::Run`], which costs one batch.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error(
        "ONNX Runtime library not found (tried: {tried}).\n\
         Build once with network access to PyPI (`cargo build --release` fetches onnxruntime==1.32.0 via pip), \
         or run `pip download --no-deps onnxruntime==1.32.0 -d /tmp/ort && unzip -o /tmp/ort/onnxruntime-*.whl 'onnxruntime/capi/libonnxruntime.so*' -d /tmp/ort` \
         and pass `--ort-lib /tmp/ort/onnxruntime/capi/libonnxruntime.so.1.32.0` (or set ORT_DYLIB_PATH)"
    )]
    LibraryNotFound { tried: String },
    #[error("cannot load ONNX Runtime from {}: {message}", .path.display())]
    Library { path: PathBuf, message: String },
    #[error("{}: {message}", .path.display())]
    File { path: PathBuf, message: String },
    #[error("{}: checksum mismatch (expected {expected}, found {found}); the model file is damaged or was replaced", .path.display())]
    Checksum { path: PathBuf, expected: String, found: String },
    #[error("{}: {message}", .path.display())]
    Config { path: PathBuf, message: String },
    #[error("cannot load model {}: {message}", .path.display())]
    Session { path: PathBuf, message: String },
    #[error("model forward pass failed: {0}")]
    Run(String),
}

/// Where to look for ONNX Runtime, in order.
pub fn library_candidates(explicit: Option<&Path>) -> Vec<PathBuf> {
    let mut c = Vec::new();
    if let Some(p) = explicit {
        c.push(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os("ORT_DYLIB_PATH") {
        c.push(PathBuf::from(p));
    }
    if let Some(dir) = std::env::current_exe().ok().and_then(|e| e.parent().map(Path::to_path_buf)) {
        c.push(dir.join("libonnxruntime.so"));
        // Test binaries live one level down, in target/<profile>/deps.
        if let Some(up) = dir.parent() {
            c.push(up.join("libonnxruntime.so"));
        }
    }
    c.push(PathBuf::from(env!("DETENTE_BUILD_ORT_LIB")));
    c
}

static RUNTIME: OnceLock<Result<ort::environment::Environment, String>> = OnceLock::new();

/// Loads ONNX Runtime once per process. An explicit path that does not exist
/// is an error rather than a silent fallback.
pub fn runtime(explicit: Option<&Path>) -> Result<&'static ort::environment::Environment, ModelError> {
    if let Some(p) = explicit {
        if !p.exists() {
            return Err(ModelError::Library { path: p.to_path_buf(), message: "no such file".into() });
        }
    }
    let result = RUNTIME.get_or_init(|| {
        let candidates = library_candidates(explicit);
        let Some(path) = candidates.iter().find(|p| p.is_file()) else {
            let tried: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
            return Err(format!("\0{}", tried.join(", ")));
        };
        let builder = ort::init_from(path).map_err(|e| format!("{}\0{e}", path.display()))?;
        builder.with_name("detente").with_telemetry(false).build().map_err(|e| format!("{}\0{e}", path.display()))
    });
    match result {
        Ok(env) => Ok(env),
        Err(e) => {
            let (path, message) = e.split_once('\0').unwrap_or(("", e));
            if path.is_empty() {
                Err(ModelError::LibraryNotFound { tried: message.to_string() })
            } else {
                Err(ModelError::Library { path: path.into(), message: message.to_string() })
            }
        }
    }
}

/// `config.json` of a model folder: the parts the Rust side reads.
#[derive(Debug, Clone, Deserialize)]
pub struct ModelConfig {
    pub id2label: BTreeMap<String, String>,
    #[serde(default = "default_max_length")]
    pub max_length: usize,
    /// Order of the stance outputs, when the model has a stance head.
    #[serde(default)]
    pub stance_labels: Option<Vec<String>>,
    /// Order of the role outputs.
    #[serde(default)]
    pub role_labels: Option<Vec<String>>,
    /// Temperature fitted on dev so that probabilities are calibrated.
    #[serde(default)]
    pub stance_temperature: Option<f32>,
}

fn default_max_length() -> usize {
    128
}

impl ModelConfig {
    /// Labels in id order; fails unless ids are exactly 0..n.
    pub fn labels(map: &BTreeMap<String, String>, path: &Path) -> Result<Vec<String>, ModelError> {
        let mut v: Vec<(usize, String)> = Vec::with_capacity(map.len());
        for (k, l) in map {
            let id: usize = k.parse().map_err(|_| ModelError::Config {
                path: path.to_path_buf(),
                message: format!("label id `{k}` is not a number"),
            })?;
            v.push((id, l.clone()));
        }
        v.sort();
        for (i, (id, _)) in v.iter().enumerate() {
            if *id != i {
                return Err(ModelError::Config { path: path.to_path_buf(), message: format!("label ids are not 0..{}", v.len()) });
            }
        }
        Ok(v.into_iter().map(|(_, l)| l).collect())
    }
}

/// The model folder's files, verified.
pub struct ModelFiles {
    pub dir: PathBuf,
    pub config: ModelConfig,
    pub tokenizer: PathBuf,
    pub onnx: PathBuf,
}

impl ModelFiles {
    /// Reads `config.json` and checks every file listed in `SHA256SUMS`, so a
    /// truncated or corrupted model fails here with a clear message instead
    /// of producing garbage.
    pub fn open(dir: &Path) -> Result<ModelFiles, ModelError> {
        let sums = dir.join("SHA256SUMS");
        let listing = fs::read_to_string(&sums).map_err(|e| ModelError::File { path: sums.clone(), message: e.to_string() })?;
        for line in listing.lines().filter(|l| !l.trim().is_empty()) {
            let mut parts = line.split_whitespace();
            let (Some(expected), Some(name)) = (parts.next(), parts.next()) else {
                return Err(ModelError::Config { path: sums.clone(), message: format!("malformed line `{line}`") });
            };
            let path = dir.join(name.trim_start_matches('*'));
            let bytes = fs::read(&path).map_err(|e| ModelError::File { path: path.clone(), message: e.to_string() })?;
            let found = hex_sha256(&bytes);
            if found != expected.to_ascii_lowercase() {
                return Err(ModelError::Checksum { path, expected: expected.to_string(), found });
            }
        }
        let config_path = dir.join("config.json");
        let text = fs::read_to_string(&config_path).map_err(|e| ModelError::File { path: config_path.clone(), message: e.to_string() })?;
        let config: ModelConfig =
            serde_json::from_str(&text).map_err(|e| ModelError::Config { path: config_path.clone(), message: e.to_string() })?;
        Ok(ModelFiles { dir: dir.to_path_buf(), config, tokenizer: dir.join("tokenizer.json"), onnx: dir.join("model.onnx") })
    }
}

/// A padded batch of encoder inputs, `[batch, seq]` each.
pub struct EncoderInput {
    pub input_ids: Array2<i64>,
    pub attention_mask: Array2<i64>,
    pub case_ids: Array2<i64>,
}

/// What one forward pass returns.
pub struct EncoderOutput {
    /// Token-classification logits, `[batch, seq, labels]`.
    pub ner_logits: Array3<f32>,
    /// Per-token stance logits, `[batch, seq, 3]`: a linear head on every
    /// token, so that the mean over a sentence's pieces is the sentence's
    /// logits even when several sentences share a row.
    pub stance_token_logits: Option<Array3<f32>>,
    /// Per-token role logits, `[batch, seq, 3]`, averaged over an entity's pieces.
    pub role_logits: Option<Array3<f32>>,
}

/// The encoder: one session per worker.
pub struct Encoder {
    sessions: Vec<Mutex<Session>>,
    path: PathBuf,
    has_stance: bool,
    uses_case_ids: bool,
}

impl Encoder {
    pub fn load(files: &ModelFiles, workers: usize, intra_threads: usize, env: &ort::environment::Environment) -> Result<Encoder, ModelError> {
        let path = files.onnx.clone();
        let err = |e: ort::Error| ModelError::Session { path: path.clone(), message: e.to_string() };
        let mut sessions = Vec::with_capacity(workers.max(1));
        // The sessions share one copy of the prepacked weights.
        let prepacked = ort::session::builder::PrepackedWeights::new();
        for _ in 0..workers.max(1) {
            let session = Session::builder(env)
                .map_err(err)?
                .with_prepacked_weights(&prepacked)
                .map_err(|e| err(e.into()))?
                // Input shapes vary with every batch: planned memory patterns
                // would only grow the arena.
                .with_memory_pattern(false)
                .map_err(|e| err(e.into()))?
                .with_optimization_level(GraphOptimizationLevel::Level3)
                .map_err(|e| err(e.into()))?
                // ONNX Runtime 1.32's fused SkipLayerNormalization kernel is
                // slower on these CPUs than the Add + LayerNormalization it
                // replaces: 17-22% per forward pass of our graphs
                // (benches/ort_options.py).
                .with_disabled_optimizers("SkipLayerNormFusion")
                .map_err(|e| err(e.into()))?
                .with_intra_threads(intra_threads.max(1))
                .map_err(|e| err(e.into()))?
                .with_inter_threads(1)
                .map_err(|e| err(e.into()))?
                .commit_from_file(&path)
                .map_err(err)?;
            sessions.push(Mutex::new(session));
        }
        let first = sessions[0].lock().expect("fresh lock");
        let has_stance = first.outputs().iter().any(|o| o.name() == "stance_token_logits")
            && first.outputs().iter().any(|o| o.name() == "role_logits");
        let uses_case_ids = first.inputs().iter().any(|i| i.name() == "case_ids");
        if !first.outputs().iter().any(|o| o.name() == "logits") {
            return Err(ModelError::Session { path: path.clone(), message: "model has no `logits` output".into() });
        }
        drop(first);
        Ok(Encoder { sessions, path, has_stance, uses_case_ids })
    }

    pub fn has_stance(&self) -> bool {
        self.has_stance
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs the encoder on the session of the calling rayon worker.
    pub fn forward(&self, input: &EncoderInput) -> Result<EncoderOutput, ModelError> {
        let worker = rayon::current_thread_index().unwrap_or(0) % self.sessions.len();
        let mut session = self.sessions[worker].lock().unwrap_or_else(|p| p.into_inner());
        let run = |e: ort::Error| ModelError::Run(e.to_string());
        let ids = TensorRef::from_array_view(input.input_ids.view()).map_err(run)?;
        let mask = TensorRef::from_array_view(input.attention_mask.view()).map_err(run)?;
        let outputs = if self.uses_case_ids {
            let case = TensorRef::from_array_view(input.case_ids.view()).map_err(run)?;
            session.run(ort::inputs!["input_ids" => ids, "attention_mask" => mask, "case_ids" => case]).map_err(run)?
        } else {
            session.run(ort::inputs!["input_ids" => ids, "attention_mask" => mask]).map_err(run)?
        };
        let ner = outputs["logits"].try_extract_array::<f32>().map_err(run)?;
        let ner_logits = ner.into_dimensionality::<ndarray::Ix3>().map_err(|e| ModelError::Run(e.to_string()))?.to_owned();
        let token_output = |name: &str| -> Result<Option<Array3<f32>>, ModelError> {
            if !self.has_stance {
                return Ok(None);
            }
            let Some(v) = outputs.get(name) else { return Ok(None) };
            let a = v.try_extract_array::<f32>().map_err(run)?;
            Ok(Some(a.into_dimensionality::<ndarray::Ix3>().map_err(|e| ModelError::Run(e.to_string()))?.to_owned()))
        };
        let stance_token_logits = token_output("stance_token_logits")?;
        let role_logits = token_output("role_logits")?;
        Ok(EncoderOutput { ner_logits, stance_token_logits, role_logits })
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
