//! `detente review` end to end in a real browser: headless Chromium driven
//! through ChromeDriver's W3C WebDriver HTTP API (a minimal HTTP/1.1 client
//! on `std::net`, no WebDriver crate). A reviewer changes a stance with the
//! keyboard and an entity type with the mouse; the decisions survive a
//! restart of the server, the export turns them into gold, and `detente
//! eval` scores the model's CSV against that gold.
//!
//! Needs `chromedriver` and Chromium on the PATH. Without them the test says
//! so on stderr and passes, unless DETENTE_REQUIRE_BROWSER=1 (set in CI),
//! where it fails.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use common::{jsonl, ReviewServer as Server};

/// The document under review: three sentences, the first conciliatory by
/// the model, entities in each. Its id has a space and a slash so that the
/// URL hash has to be encoded.
const DOC: &str = "talks 1/b";
const TEXT: &str = "Turkey offered on Monday to host talks between Iran and the United States. \
                    Washington welcomed the offer from Ankara. \
                    Israel threatened to strike Hezbollah positions in Lebanon.";

/// How long to wait for the browser or the page before failing. Generous:
/// CI machines are slow, and every wait ends as soon as its condition holds.
const PAGE_TIMEOUT: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------- the review server

/// The page, opened on `DOC` with sentence `s` focused.
fn page_url(server: &Server, s: usize) -> String {
    format!("http://{}/#doc={}&s={s}", server.addr, percent_encode(DOC))
}

/// The corpus (the document under review and one left alone), annotated.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let docs = [(DOC, TEXT), ("c", "Israel threatened to strike Hezbollah positions in Lebanon.")];
    std::fs::write(dir.path().join("corpus.jsonl"), jsonl(&docs)).unwrap();
    let out = common::run_in(dir.path(), &["annotate", "-q", "corpus.jsonl", "-o", "spans.csv"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    dir
}

/// `encodeURIComponent`: everything but unreserved characters as %XX.
fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

// ---------------------------------------------------------------- a minimal HTTP/1.1 client

/// One request with a Content-Length body; returns the status and the body.
/// chromedriver keeps connections open whatever the request asks, so the
/// answer ends where its Content-Length says (or its last chunk), not at
/// end of stream.
fn http(addr: &str, method: &str, path: &str, body: Option<&Value>) -> std::io::Result<(u16, Vec<u8>)> {
    let mut s = TcpStream::connect(addr)?;
    // Starting Chromium for a new session is the slowest answer; nothing
    // should take a minute, and a hung driver must not hang the test.
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    s.set_write_timeout(Some(Duration::from_secs(60)))?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes())?;
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let mut read_more = |raw: &mut Vec<u8>| -> std::io::Result<bool> {
        let n = s.read(&mut buf)?;
        raw.extend_from_slice(&buf[..n]);
        Ok(n > 0)
    };
    let split = loop {
        if let Some(at) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        if !read_more(&mut raw)? {
            return Err(std::io::Error::other("the connection closed before the end of the headers"));
        }
    };
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status = head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let length: Option<usize> = head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok());
    let chunked = head.contains("transfer-encoding: chunked");
    let start = split + 4;
    loop {
        let got = raw.len() - start;
        let complete = match length {
            Some(n) => got >= n,
            None if chunked => raw[start..].ends_with(b"0\r\n\r\n"),
            None => false,
        };
        if complete || !read_more(&mut raw)? {
            break;
        }
    }
    let mut body = raw[start..].to_vec();
    if let Some(n) = length {
        body.truncate(n);
    } else if chunked {
        body = dechunk(&body);
    }
    Ok((status, body))
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..eol]).split(';').next().unwrap_or("").trim(), 16).unwrap_or(0);
        if size == 0 || eol + 2 + size > data.len() {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[(eol + 4 + size).min(data.len())..];
    }
    out
}

/// Standard base64 (the screenshot), ignoring line breaks and padding.
fn base64_decode(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let (mut out, mut acc, mut bits) = (Vec::new(), 0u32, 0);
    for v in s.bytes().filter_map(value) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

// ---------------------------------------------------------------- WebDriver

/// The name W3C WebDriver gives an element reference in JSON.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A running chromedriver with one browser session. Dropping it ends the
/// session (which closes Chromium) and then stops chromedriver.
struct Driver {
    child: Child,
    addr: String,
    session: Option<String>,
}

impl Driver {
    /// Starts chromedriver on a free port and opens a headless session.
    fn start(chromedriver: &Path, browser: &Path) -> Driver {
        let mut driver = Driver::spawn(chromedriver);
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": browser,
                // No sandbox: CI runs as root in a container. A small /dev/shm
                // there crashes tabs unless Chromium writes to /tmp instead.
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,900"],
            },
        }}});
        let (status, body) = http(&driver.addr, "POST", "/session", Some(&caps)).expect("ask chromedriver for a session");
        let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let id = v["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session ({status}): {}", String::from_utf8_lossy(&body)));
        driver.session = Some(id.to_string());
        driver
    }

    /// chromedriver on a port that was free a moment ago; tried again on
    /// another if it does not come up (someone took the port meanwhile).
    fn spawn(chromedriver: &Path) -> Driver {
        for _ in 0..3 {
            let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let child = Command::new(chromedriver)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start chromedriver");
            let mut driver = Driver { child, addr: format!("127.0.0.1:{port}"), session: None };
            let deadline = Instant::now() + PAGE_TIMEOUT;
            while Instant::now() < deadline && driver.child.try_wait().ok().flatten().is_none() {
                if let Ok((200, body)) = http(&driver.addr, "GET", "/status", None) {
                    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    if v["value"]["ready"] == true {
                        return driver;
                    }
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        panic!("chromedriver did not come up (three ports tried)");
    }

    /// A session command; Err carries WebDriver's error code and message.
    fn try_cmd(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let session = self.session.as_deref().expect("a session");
        let (status, raw) = http(&self.addr, method, &format!("/session/{session}{path}"), body.as_ref()).map_err(|e| e.to_string())?;
        let v: Value = serde_json::from_slice(&raw).map_err(|e| format!("{e}: {}", String::from_utf8_lossy(&raw)))?;
        if status == 200 {
            return Ok(v["value"].clone());
        }
        let message = v["value"]["message"].as_str().unwrap_or("").lines().next().unwrap_or("");
        Err(format!("{method} {path}: {status} {}: {message}", v["value"]["error"].as_str().unwrap_or("?")))
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.try_cmd(method, path, body).unwrap_or_else(|e| panic!("{e}"))
    }

    fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }

    /// Runs a script in the page and returns what it returns.
    fn js(&self, script: &str) -> Value {
        self.cmd("POST", "/execute/sync", Some(json!({ "script": script, "args": [] })))
    }

    /// A real click (scrolled into view, at the element's centre) on the
    /// first element matching `css`.
    fn click(&self, css: &str) -> Result<(), String> {
        let found = self.try_cmd("POST", "/element", Some(json!({ "using": "css selector", "value": css })))?;
        let id = found[ELEMENT].as_str().ok_or("no element reference")?;
        self.try_cmd("POST", &format!("/element/{id}/click"), Some(json!({}))).map(|_| ())
    }

    /// Presses and releases one key, sent to whatever has the focus (the page
    /// listens on the document).
    fn press(&self, key: &str) {
        let actions = json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
            {"type": "keyDown", "value": key}, {"type": "keyUp", "value": key},
        ]}]});
        self.cmd("POST", "/actions", Some(actions));
    }

    /// A PNG of the viewport.
    fn screenshot(&self) -> Vec<u8> {
        base64_decode(self.cmd("GET", "/screenshot", None).as_str().expect("base64 PNG"))
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(id) = self.session.take() {
            let _ = http(&self.addr, "DELETE", &format!("/session/{id}"), None);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------- what the page shows

#[derive(Debug, Clone, PartialEq)]
struct Entity {
    start: u64,
    end: u64,
    label: String,
}

#[derive(Debug, Clone)]
struct Sentence {
    n: u64,
    label: String,
    reviewed: bool,
    focused: bool,
    /// The saved-decision line ("✓ → threatening · ana · 12:00"), or "".
    decision: String,
    entities: Vec<Entity>,
}

/// What `page_state` reads, as JSON.
const PAGE_STATE_JS: &str = r##"return {
    toast: document.getElementById("toast").classList.contains("show") ? document.getElementById("toast-msg").textContent : "",
    sentences: Array.from(document.querySelectorAll("#main .sentence")).map((s) => ({
        n: Number(s.dataset.sentence),
        label: s.dataset.label || "",
        reviewed: s.dataset.reviewed === "1",
        focused: s.classList.contains("focused"),
        decision: (s.querySelector(".decision") || {}).textContent || "",
        entities: Array.from(s.querySelectorAll(".entity:not([data-removed])")).map((e) => ({
            start: Number(e.dataset.start), end: Number(e.dataset.end), label: e.dataset.label,
        })),
    })),
};"##;

/// The sentences as rendered, read from the DOM's data attributes in one
/// script (so no element reference can go stale between reads), and the
/// text of the page's error toast, if one shows.
fn page_state(driver: &Driver) -> (Vec<Sentence>, String) {
    let v = driver.js(PAGE_STATE_JS);
    let sentences = v["sentences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| Sentence {
            n: s["n"].as_u64().unwrap(),
            label: s["label"].as_str().unwrap().to_string(),
            reviewed: s["reviewed"] == true,
            focused: s["focused"] == true,
            decision: s["decision"].as_str().unwrap().to_string(),
            entities: s["entities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| Entity {
                    start: e["start"].as_u64().unwrap(),
                    end: e["end"].as_u64().unwrap(),
                    label: e["label"].as_str().unwrap().to_string(),
                })
                .collect(),
        })
        .collect();
    (sentences, v["toast"].as_str().unwrap_or("").to_string())
}

/// Polls the page until `ready` holds for its sentences; fails after
/// PAGE_TIMEOUT naming `what`, the last state seen and any error toast.
fn wait_until(driver: &Driver, what: &str, ready: impl Fn(&[Sentence]) -> bool) -> Vec<Sentence> {
    let deadline = Instant::now() + PAGE_TIMEOUT;
    loop {
        let (sentences, toast) = page_state(driver);
        if ready(&sentences) {
            return sentences;
        }
        if Instant::now() > deadline {
            panic!("timed out after {PAGE_TIMEOUT:?} waiting for {what}; the page shows {sentences:#?}, toast {toast:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Opens the document and waits until it is rendered with sentence `s`
/// focused (keys act on the focused sentence, so none may be sent before).
fn open(driver: &Driver, server: &Server, s: u64) -> Vec<Sentence> {
    driver.goto(&page_url(server, s as usize));
    wait_until(driver, &format!("the document, sentence {s} focused"), |ss| ss.len() == 3 && ss.iter().any(|x| x.focused && x.n == s))
}

// ---------------------------------------------------------------- finding the tools

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(name)).find(|p| p.is_file())
}

/// chromedriver and a Chromium, or None (after saying why) when either is
/// missing and the environment does not require them.
fn tools_or_skip() -> Option<(PathBuf, PathBuf)> {
    let chromedriver = on_path("chromedriver");
    let browser = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"].iter().find_map(|n| on_path(n));
    let missing = match (&chromedriver, &browser) {
        (Some(d), Some(b)) => return Some((d.clone(), b.clone())),
        (None, _) => "no chromedriver",
        (Some(_), None) => "no chromium",
    };
    if std::env::var("DETENTE_REQUIRE_BROWSER").as_deref() == Ok("1") {
        panic!("review_browser: DETENTE_REQUIRE_BROWSER=1 but {missing} on the PATH (apt-get install chromium chromium-driver)");
    }
    eprintln!("review_browser: skipped: {missing}");
    None
}

// ---------------------------------------------------------------- the test

#[test]
fn a_reviewer_corrects_a_document_in_the_browser_and_eval_scores_the_model_against_it() {
    let Some((chromedriver, browser)) = tools_or_skip() else { return };
    let began = Instant::now();
    let dir = setup();
    let server = Server::start(dir.path(), "ana");
    // Declared after the server, so dropped first: the session closes while
    // the server is still up.
    let driver = Driver::start(&chromedriver, &browser);

    let before = open(&driver, &server, 0);
    assert_eq!(before.iter().map(|s| s.n).collect::<Vec<_>>(), [0, 1, 2]);
    assert!(before.iter().all(|s| !s.reviewed), "nothing is reviewed yet: {before:#?}");
    // The model calls the offer conciliatory; threatening is a real change.
    assert_eq!(before[0].label, "conciliatory", "{before:#?}");

    // Keyboard: `2` sets the focused sentence (0) threatening, and the page
    // moves the focus on to sentence 1.
    driver.press("2");
    wait_until(&driver, "sentence 0 threatening and reviewed", |ss| ss.first().is_some_and(|s| s.label == "threatening" && s.reviewed));

    // Mouse: click an entity of sentence 1, then a different type in its menu.
    let target = before[1].entities[0].clone();
    let new_type = if target.label == "ORG" { "PER" } else { "ORG" };
    let entity_css = format!(r#"#main .sentence[data-sentence="1"] .entity[data-start="{}"][data-end="{}"]"#, target.start, target.end);
    let menu_for_target = format!(
        r#"const m = document.getElementById("entity-menu");
           return !m.hidden && m.dataset.sentence === "1" && m.dataset.start === "{}" && m.dataset.end === "{}";"#,
        target.start, target.end
    );
    // The menu closes when the article scrolls (the focus move above may
    // still be scrolling it), so click again until it stays open.
    let deadline = Instant::now() + PAGE_TIMEOUT;
    loop {
        let last = match driver.click(&entity_css) {
            Ok(()) => {
                let settle = Instant::now() + Duration::from_secs(2);
                while Instant::now() < settle && driver.js(&menu_for_target) != true {
                    std::thread::sleep(Duration::from_millis(50));
                }
                if driver.js(&menu_for_target) == true {
                    break;
                }
                "clicked, but the menu did not stay open".to_string()
            }
            Err(e) => e,
        };
        assert!(Instant::now() < deadline, "the entity menu did not open for {target:?}: {last}");
        std::thread::sleep(Duration::from_millis(100));
    }
    driver
        .click(&format!(r#"#entity-menu .entity-action[data-action="type"][data-type="{new_type}"]"#))
        .unwrap_or_else(|e| panic!("click {new_type} in the entity menu: {e}"));
    let changed = Entity { label: new_type.to_string(), ..target.clone() };
    wait_until(&driver, &format!("the entity {target:?} to become {new_type}"), |ss| {
        ss.get(1).is_some_and(|s| s.entities.contains(&changed) && s.reviewed)
    });

    // For people: what the reviewer sees now. Not asserted.
    let png = driver.screenshot();
    assert!(png.starts_with(b"\x89PNG"), "the screenshot is a PNG");
    let target_dir = Path::new(env!("CARGO_BIN_EXE_detente")).parent().and_then(Path::parent).expect("target dir");
    let shot = target_dir.join("review-browser.png");
    std::fs::write(&shot, &png).unwrap();

    // A new server on the same database shows both decisions.
    server.kill();
    let server = Server::start(dir.path(), "ana");
    let after = open(&driver, &server, 1);
    assert_eq!(after[0].label, "threatening", "{after:#?}");
    assert!(after[0].reviewed && after[0].decision.contains("threatening") && after[0].decision.contains("ana"), "{after:#?}");
    assert!(after[1].entities.contains(&changed), "{after:#?}");
    assert!(after[1].reviewed && after[1].decision.contains("entities edited"), "{after:#?}");

    // Finish the document with the keyboard: `a` accepts the focused sentence
    // and moves on; the export takes only documents decided throughout.
    for k in 1..after.len() as u64 {
        wait_until(&driver, &format!("sentence {k} focused"), |ss| ss.iter().any(|s| s.focused && s.n == k));
        driver.press("a");
        wait_until(&driver, &format!("sentence {k} accepted"), |ss| {
            ss.iter().any(|s| s.n == k && s.reviewed && s.decision.contains("accepted"))
        });
    }
    let done = wait_until(&driver, "every sentence reviewed", |ss| !ss.is_empty() && ss.iter().all(|s| s.reviewed));
    // Accepting after the corrections keeps them.
    assert_eq!(done[0].label, "threatening");
    assert!(done[1].entities.contains(&changed), "{done:#?}");
    server.kill();

    let out = common::run_in(
        dir.path(),
        &["review", "spans.csv", "--corpus", "corpus.jsonl", "--db", "review.sqlite", "--export", "gold.jsonl", "--reviewer", "ana"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let gold = std::fs::read_to_string(dir.path().join("gold.jsonl")).unwrap();
    assert_eq!(gold.lines().count(), 1, "only the reviewed document: {gold}");
    let g: Value = serde_json::from_str(gold.lines().next().unwrap()).unwrap();
    assert_eq!((g["id"].as_str(), g["sentences"][0]["stance"].as_str()), (Some(DOC), Some("threatening")), "{g}");

    let out = common::run_in(dir.path(), &["eval", "--gold", "gold.jsonl", "--pred", "spans.csv", "--report", "rep", "-q"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let m: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("rep/metrics.json")).unwrap()).unwrap();
    // Stance: the corrected sentence is the model's one error (of n).
    let n = before.len() as f64;
    let accuracy = m["stance"]["accuracy"].as_f64().unwrap();
    assert!((accuracy - (n - 1.0) / n).abs() < 1e-9, "stance accuracy {accuracy}: {}", m["stance"]);
    // Entities: the gold ones are the model's with one retyped, which is
    // then a strict miss and sits in the type confusion table, gold row
    // against the model's column.
    let entities = before.iter().map(|s| s.entities.len() as u64).sum::<u64>();
    let ner = &m["ner"];
    let strict = &ner["strict"]["micro"];
    assert_eq!((strict["support"].as_u64(), strict["correct"].as_u64()), (Some(entities), Some(entities - 1)), "{strict}");
    assert!(strict["f1"].as_f64().unwrap() < 1.0, "{strict}");
    let confusion = &ner["confusion"];
    let index = |axis: &str, label: &str| confusion[axis].as_array().unwrap().iter().position(|l| l == label);
    let (row, col) = (index("rows", new_type), index("columns", &target.label));
    let cell = row.zip(col).and_then(|(r, c)| confusion["counts"][r][c].as_u64());
    assert_eq!(cell, Some(1), "gold {new_type}, predicted {}: {confusion}", target.label);

    eprintln!("review_browser: passed in {:.1} s; screenshot in {}", began.elapsed().as_secs_f64(), shot.display());
}
