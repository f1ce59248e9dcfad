//! `detente review`: the server's API (token, escaping, decisions stored at
//! once, two clients at once, a killed server), and the export that `detente
//! eval` reads back as gold.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;

use common::{jsonl, ReviewServer as Server};

/// What the API tests do with a server.
trait Api {
    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String);
    fn get_json(&self, path: &str) -> serde_json::Value;
    fn token(&self) -> String;
    fn decide(&self, token: &str, body: serde_json::Value) -> (u16, String);
}

impl Api for Server {
    /// One HTTP/1.1 request; returns the status and the body.
    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n", self.addr, body.len());
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(body);
        s.write_all(req.as_bytes()).unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let raw = String::from_utf8_lossy(&raw).to_string();
        let status = raw.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        // Chunked bodies (axum's default for some responses) are not used here:
        // every response has a Content-Length.
        assert!(!head.to_ascii_lowercase().contains("transfer-encoding: chunked"), "{head}");
        (status, body.to_string())
    }

    fn get_json(&self, path: &str) -> serde_json::Value {
        let (status, body) = self.request("GET", path, &[], "");
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).unwrap()
    }

    fn token(&self) -> String {
        let (_, page) = self.request("GET", "/", &[], "");
        let at = page.find("const TOKEN = \"").expect("the page carries its token") + "const TOKEN = \"".len();
        page[at..at + 32].to_string()
    }

    fn decide(&self, token: &str, body: serde_json::Value) -> (u16, String) {
        self.request("POST", "/api/decision", &[("Content-Type", "application/json"), ("X-Detente-Token", token)], &body.to_string())
    }
}

const HOSTILE: &str = "Iran warned <script>alert('x')</script> Turkey on Monday. The talks in Ankara were <b>calm</b>.";

/// A corpus of three documents (one with markup), annotated.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let docs = [
        ("a", HOSTILE),
        ("b", "Turkey offered on Monday to host talks between Iran and the United States. Washington welcomed it."),
        ("c", "Israel threatened to strike Hezbollah positions in Lebanon."),
    ];
    std::fs::write(dir.path().join("corpus.jsonl"), jsonl(&docs)).unwrap();
    let out = common::run_in(dir.path(), &["annotate", "-q", "corpus.jsonl", "-o", "spans.csv"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    dir
}

fn stance(doc: &str, sentence: usize, value: &str, reviewer: &str) -> serde_json::Value {
    serde_json::json!({"reviewer": reviewer, "doc_id": doc, "sentence": sentence, "action": "stance", "value": value})
}

#[test]
fn text_leaves_as_data_and_the_page_holds_none() {
    let dir = setup();
    let server = Server::start(dir.path(), "ana");
    let (status, page) = server.request("GET", "/", &[], "");
    assert_eq!(status, 200);
    assert!(!page.contains("alert('x')") && !page.contains("__DETENTE_TOKEN__"), "the page embeds no document text and no placeholder");
    // The page builds the article with text nodes only.
    assert!(page.contains("textContent") && !page.contains(".innerHTML ="), "the page must not write data as HTML");
    let (status, body) = server.request("GET", "/api/doc?id=a", &[], "");
    assert_eq!(status, 200);
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc["sentences"][0]["text"].as_str().unwrap(), "Iran warned <script>alert('x')</script> Turkey on Monday.");
    let (status, _) = server.request("GET", "/api/doc?id=nope", &[], "");
    assert_eq!(status, 404);
}

#[test]
fn decisions_need_the_session_token() {
    let dir = setup();
    let server = Server::start(dir.path(), "ana");
    let token = server.token();
    assert_eq!(token.len(), 32);
    assert!(token.chars().all(|c| c.is_ascii_hexdigit()));
    let (status, _) = server.decide("", stance("a", 0, "neutral", "ana"));
    assert_eq!(status, 403);
    let (status, _) = server.decide("0123456789abcdef0123456789abcdef", stance("a", 0, "neutral", "ana"));
    assert_eq!(status, 403);
    assert!(server.get_json("/api/doc?id=a")["sentences"][0]["decision"].is_null(), "a refused decision is not stored");
    let (status, body) = server.decide(&token, stance("a", 0, "neutral", "ana"));
    assert_eq!(status, 200, "{body}");
    // Bad decisions are refused with a reason.
    for bad in [
        stance("a", 9, "neutral", "ana"),
        stance("a", 0, "angry", "ana"),
        stance("zz", 0, "neutral", "ana"),
        stance("a", 0, "neutral", " "),
    ] {
        let (status, body) = server.decide(&token, bad.clone());
        assert!((400..500).contains(&status), "{bad}: {status} {body}");
        assert!(body.contains("error"), "{body}");
    }
    let span = serde_json::json!({"reviewer": "ana", "doc_id": "a", "sentence": 0, "action": "add_entity", "start": 5, "end": 500, "value": "ORG"});
    assert_eq!(server.decide(&token, span).0, 400);
}

#[test]
fn two_clients_at_once_lose_nothing() {
    let dir = setup();
    let server = Server::start(dir.path(), "ana");
    let token = server.token();
    std::thread::scope(|s| {
        for (shift, reviewer) in ["ana", "ben"].into_iter().enumerate() {
            let (server, token) = (&server, &token);
            s.spawn(move || {
                for i in 0..40 {
                    let value = ["conciliatory", "threatening", "neutral"][(i + shift) % 3];
                    let (status, body) = server.decide(token, stance("b", i % 2, value, reviewer));
                    assert_eq!(status, 200, "{body}");
                }
            });
        }
    });
    let ids: Vec<i64> = {
        let conn_count = |reviewer: &str| {
            let doc = server.get_json(&format!("/api/doc?id=b&reviewer={reviewer}"));
            doc["sentences"].as_array().unwrap().iter().filter(|s| !s["decision"].is_null()).count() as i64
        };
        vec![conn_count("ana"), conn_count("ben")]
    };
    assert_eq!(ids, [2, 2]);
    // Every one of the 80 decisions was stored: the next id says so.
    let (_, body) = server.decide(&token, stance("c", 0, "neutral", "ana"));
    let id = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"].as_i64().unwrap();
    assert_eq!(id, 81);
    // Two reviewers who left different stances show as a disagreement.
    let list = server.get_json("/api/docs?disagreement=1");
    let listed: Vec<&str> = list["docs"].as_array().unwrap().iter().map(|d| d["doc_id"].as_str().unwrap()).collect();
    assert_eq!(listed, ["b"]);
}

#[test]
fn a_killed_server_keeps_every_acknowledged_decision_and_the_export_is_gold() {
    let dir = setup();
    let server = Server::start(dir.path(), "ana");
    let token = server.token();
    let doc = server.get_json("/api/doc?id=a");
    let sentences = doc["sentences"].as_array().unwrap();
    assert_eq!(sentences.len(), 2);
    let model_label = sentences[0]["label"].as_str().unwrap().to_string();
    let changed = if model_label == "threatening" { "neutral" } else { "threatening" };
    // Sentence 0: a new stance and a new entity; sentence 1: accepted, with
    // the model's first entity removed.
    assert_eq!(server.decide(&token, stance("a", 0, changed, "ana")).0, 200);
    let add = serde_json::json!({"reviewer": "ana", "doc_id": "a", "sentence": 0, "action": "add_entity", "start": 12, "end": 18, "value": "MISC"});
    assert_eq!(server.decide(&token, add).0, 200);
    let first = &sentences[1]["entities"][0];
    let (fs, fe) = (first["start"].as_u64().unwrap(), first["end"].as_u64().unwrap());
    let remove = serde_json::json!({"reviewer": "ana", "doc_id": "a", "sentence": 1, "action": "remove_entity", "start": fs, "end": fe});
    assert_eq!(server.decide(&token, remove).0, 200);
    assert_eq!(server.decide(&token, serde_json::json!({"reviewer": "ana", "doc_id": "a", "sentence": 1, "action": "accept"})).0, 200);
    server.kill();

    let server = Server::start(dir.path(), "ana");
    let doc = server.get_json("/api/doc?id=a");
    assert_eq!(doc["sentences"][0]["decision"]["stance"], changed);
    let added =
        doc["sentences"][0]["entities"].as_array().unwrap().iter().find(|e| e["origin"] == "added").expect("the added entity survives");
    assert_eq!((added["text"].as_str(), added["label"].as_str()), (Some("<scrip"), Some("MISC")));
    assert_eq!(doc["sentences"][1]["decision"]["accepted"], true);
    server.kill();

    // Export: only document a is finished.
    let out =
        common::run_in(dir.path(), &["review", "spans.csv", "--corpus", "corpus.jsonl", "--db", "review.sqlite", "--export", "gold.jsonl"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let gold = std::fs::read_to_string(dir.path().join("gold.jsonl")).unwrap();
    assert_eq!(gold.lines().count(), 1);
    let g: serde_json::Value = serde_json::from_str(gold.lines().next().unwrap()).unwrap();
    assert_eq!((g["id"].as_str(), g["text"].as_str()), (Some("a"), Some(HOSTILE)));
    assert_eq!(g["sentences"][0]["stance"], changed);
    assert_eq!(g["sentences"][1]["stance"], doc["sentences"][1]["label"]);
    let starts: Vec<u64> = g["entities"].as_array().unwrap().iter().map(|e| e["start"].as_u64().unwrap()).collect();
    assert!(starts.contains(&12), "the added entity is gold: {starts:?}");
    let s1 = g["sentences"][1]["start"].as_u64().unwrap();
    assert!(!starts.contains(&(s1 + fs)), "the removed entity is not: {starts:?}");

    // eval scores the model's CSV against the corrections.
    let out = common::run_in(dir.path(), &["eval", "--gold", "gold.jsonl", "--pred", "spans.csv", "--report", "rep", "-q"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("rep/metrics.json")).unwrap()).unwrap();
    assert_eq!(m["stance"]["accuracy"].as_f64(), Some(0.5), "one of the two sentences was corrected: {}", m["stance"]);
}

#[test]
fn agreement_is_reported_for_two_reviewers() {
    let dir = setup();
    let server = Server::start(dir.path(), "ana");
    let token = server.token();
    for (reviewer, values) in [("ana", ["neutral", "threatening"]), ("ben", ["neutral", "conciliatory"])] {
        for (i, v) in values.iter().enumerate() {
            assert_eq!(server.decide(&token, stance("b", i, v, reviewer)).0, 200);
        }
    }
    server.kill();
    let out =
        common::run_in(dir.path(), &["review", "spans.csv", "--corpus", "corpus.jsonl", "--db", "review.sqlite", "--export", "g.jsonl"]);
    assert_eq!(out.status.code(), Some(2), "two reviewers: --reviewer must choose");
    assert!(String::from_utf8_lossy(&out.stderr).contains("ana, ben"));
    let out = common::run_in(
        dir.path(),
        &["review", "spans.csv", "--corpus", "corpus.jsonl", "--db", "review.sqlite", "--export", "g.jsonl", "--reviewer", "ben"],
    );
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    // Stance: 1 of 2 agree; kappa of (n, t) against (n, c) is 1/3.
    assert!(err.contains("agreement ana / ben on stance: 2 items, 0.500 observed, Cohen's kappa 0.333"), "{err}");
}
