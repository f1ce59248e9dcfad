//! Puts ONNX Runtime's shared library where the binary will find it.
//!
//! `ort` is built with `load-dynamic`, so nothing links against ONNX Runtime
//! at build time; the library is loaded when the first model is. Its official
//! download host is unreachable here, so the library comes from the PyPI wheel
//! `onnxruntime==1.32.0`, fetched with the ordinary `pip download` and checked
//! against a pinned SHA-256. The library is copied next to the built binaries
//! (`target/<profile>/`), and its path is compiled in as a last fallback.
//!
//! Set `DETENTE_SKIP_ORT_FETCH=1` to skip this (the binary then needs
//! `--ort-lib` or `ORT_DYLIB_PATH`). A failed fetch is a warning, not a build
//! error: splitting and the tests that need no model still work, and the
//! binary's error message says what to run.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const VERSION: &str = "1.32.0";
const WHEEL: &str = "onnxruntime-1.32.0-cp311-cp311-manylinux_2_28_x86_64.whl";
const WHEEL_SHA256: &str = "5a34fc4dfeb5a7b4a74c95dcba1e773d722abda720b474edf1b0c419dc6d163d";
const LIB_IN_WHEEL: &str = "onnxruntime/capi/libonnxruntime.so.1.32.0";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=DETENTE_SKIP_ORT_FETCH");
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    // OUT_DIR is target/<profile>/build/detente-<hash>/out.
    let profile_dir = out_dir.ancestors().nth(3).expect("target/<profile>").to_path_buf();
    let cache = profile_dir.parent().expect("target").join("onnxruntime");
    let lib = cache.join(format!("libonnxruntime.so.{VERSION}"));
    println!("cargo:rustc-env=DETENTE_BUILD_ORT_LIB={}", lib.display());

    if env::var_os("DETENTE_SKIP_ORT_FETCH").is_some() {
        return;
    }
    if env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux") || env::var("CARGO_CFG_TARGET_ARCH").as_deref() != Ok("x86_64") {
        println!("cargo:warning=no pinned ONNX Runtime wheel for this platform; pass --ort-lib or set ORT_DYLIB_PATH");
        return;
    }
    if !lib.exists() {
        if let Err(e) = fetch(&cache, &lib) {
            println!("cargo:warning=could not fetch ONNX Runtime {VERSION}: {e}");
            println!("cargo:warning=run: pip download --no-deps --only-binary=:all: --python-version 3.11 --platform manylinux_2_28_x86_64 onnxruntime=={VERSION} -d target/onnxruntime, then rebuild (or set ORT_DYLIB_PATH)");
            return;
        }
    }
    for name in [format!("libonnxruntime.so.{VERSION}"), "libonnxruntime.so".to_string()] {
        let dest = profile_dir.join(name);
        if !dest.exists() {
            if let Err(e) = fs::copy(&lib, &dest) {
                println!("cargo:warning=could not copy {} to {}: {e}", lib.display(), dest.display());
            }
        }
    }
}

fn fetch(cache: &Path, lib: &Path) -> Result<(), String> {
    fs::create_dir_all(cache).map_err(|e| e.to_string())?;
    let wheel = cache.join(WHEEL);
    if !wheel.exists() {
        let python = env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        let status = Command::new(&python)
            .args(["-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"])
            .args(["--python-version", "3.11", "--platform", "manylinux_2_28_x86_64"])
            .arg(format!("onnxruntime=={VERSION}"))
            .arg("-d")
            .arg(cache)
            .status()
            .map_err(|e| format!("cannot run {python} -m pip: {e}"))?;
        if !status.success() {
            return Err(format!("pip download failed ({status})"));
        }
    }
    // Verify and extract with Python's standard library, which pip already
    // needs, rather than adding hashing and zip crates to every build.
    let script = "import hashlib,sys,zipfile\n\
         w,want,member,dest=sys.argv[1:5]\n\
         h=hashlib.sha256(open(w,'rb').read()).hexdigest()\n\
         if h!=want: sys.exit('sha256 mismatch for '+w+': '+h)\n\
         z=zipfile.ZipFile(w)\n\
         open(dest+'.part','wb').write(z.read(member))\n";
    let python = env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let part = format!("{}", lib.display());
    let status = Command::new(&python)
        .args(["-c", script])
        .arg(&wheel)
        .arg(WHEEL_SHA256)
        .arg(LIB_IN_WHEEL)
        .arg(&part)
        .status()
        .map_err(|e| format!("cannot run {python}: {e}"))?;
    if !status.success() {
        let _ = fs::remove_file(&wheel);
        return Err("wheel verification or extraction failed".into());
    }
    fs::rename(format!("{part}.part"), lib).map_err(|e| e.to_string())?;
    Ok(())
}
