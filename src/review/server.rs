//! The review server: serves the page and a small JSON API over the
//! predictions and the store. Reads decisions from the page (POST, with the
//! session token) and writes them to the store before answering; all
//! document text leaves as JSON and the page renders it as text.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::state::{by_doc, reviewers, view};
use super::store::{Action, Store};
use crate::core::{EntityKind, Role, Stance};
use crate::eval::pred::Predictions;

/// The page, with `__DETENTE_TOKEN__` and `__DETENTE_REVIEWER__` filled in.
const PAGE: &str = include_str!("page.html");
const TOKEN_HEADER: &str = "x-detente-token";

/// What the server holds.
pub struct App {
    pub preds: Predictions,
    pub store: Store,
    pub token: String,
    pub reviewer: String,
    /// The page with the token and reviewer filled in, made once.
    page: String,
}

impl App {
    pub fn new(preds: Predictions, store: Store, token: String, reviewer: String) -> App {
        let page = PAGE.replace("\"__DETENTE_TOKEN__\"", &js_string(&token)).replace("\"__DETENTE_REVIEWER__\"", &js_string(&reviewer));
        App { preds, store, token, reviewer, page }
    }

    /// The reviewer a request names, else the one the server started with.
    fn reviewer(&self, asked: Option<String>) -> String {
        asked.filter(|r| !r.is_empty()).unwrap_or_else(|| self.reviewer.clone())
    }
}

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/api/docs", get(docs))
        .route("/api/doc", get(doc))
        .route("/api/decision", post(decision))
        .with_state(app)
}

/// Serves until the process is stopped.
pub async fn serve(app: Arc<App>, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(listener, router(app)).await
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

/// A string as a JavaScript string literal that cannot close its script.
fn js_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises").replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

async fn page(State(app): State<Arc<App>>) -> Html<String> {
    Html(app.page.clone())
}

#[derive(Deserialize)]
struct DocsQuery {
    label: Option<String>,
    max_confidence: Option<String>,
    disagreement: Option<String>,
    unreviewed: Option<String>,
    reviewer: Option<String>,
}

#[derive(Serialize)]
struct DocSummary<'a> {
    doc_id: &'a str,
    sentences: usize,
    reviewed: usize,
    min_confidence: Option<f64>,
    labels: HashMap<&'static str, usize>,
    disagreement: bool,
}

async fn docs(State(app): State<Arc<App>>, Query(q): Query<DocsQuery>) -> Response {
    let decisions = match app.store.decisions(None) {
        Ok(d) => d,
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    };
    let by_doc = by_doc(decisions);
    let reviewer = app.reviewer(q.reviewer.clone());
    let max_conf: Option<f64> = q.max_confidence.as_deref().and_then(|v| v.trim().parse().ok());
    let label = q.label.as_deref().filter(|l| !l.is_empty());
    let empty = Vec::new();
    let mut out: Vec<DocSummary> = Vec::new();
    for d in &app.preds.docs {
        let ds = by_doc.get(&d.id).unwrap_or(&empty);
        let v = view(d, ds, &reviewer);
        let mut labels: HashMap<&'static str, usize> = Stance::ALL.into_iter().map(|l| (l.as_str(), 0)).collect();
        for l in v.sentences.iter().filter_map(|s| s.current_label()) {
            if let Some(n) = labels.get_mut(l) {
                *n += 1;
            }
        }
        // Two reviewers who left different stances on one sentence (a
        // document one reviewer or none touched cannot have them).
        let others = reviewers(ds);
        let disagreement = others.len() >= 2 && {
            let finals: Vec<Vec<Option<String>>> = others
                .iter()
                .map(|r| {
                    let theirs = if *r == reviewer { None } else { Some(view(d, ds, r)) };
                    let sentences = &theirs.as_ref().unwrap_or(&v).sentences;
                    sentences.iter().map(|s| s.decision.as_ref().and(s.current_label().map(str::to_string))).collect()
                })
                .collect();
            (0..v.sentences.len()).any(|i| {
                let said: Vec<&String> = finals.iter().filter_map(|f| f[i].as_ref()).collect();
                said.windows(2).any(|w| w[0] != w[1])
            })
        };
        let summary = DocSummary {
            doc_id: &d.id,
            sentences: v.sentences.len(),
            reviewed: v.sentences.iter().filter(|s| s.decision.is_some()).count(),
            min_confidence: d.sentences.iter().filter_map(|s| s.confidence).reduce(f64::min),
            labels,
            disagreement,
        };
        let keep = label.is_none_or(|l| summary.labels.get(l).is_some_and(|n| *n > 0))
            && max_conf.is_none_or(|m| summary.min_confidence.is_some_and(|c| c < m))
            && (q.disagreement.as_deref() != Some("1") || summary.disagreement)
            && (q.unreviewed.as_deref() != Some("1") || summary.reviewed < summary.sentences);
        if keep {
            out.push(summary);
        }
    }
    // Where the model is least sure first; documents without stance last.
    out.sort_by(|a, b| a.min_confidence.unwrap_or(f64::INFINITY).total_cmp(&b.min_confidence.unwrap_or(f64::INFINITY)));
    Json(json!({ "docs": out })).into_response()
}

#[derive(Deserialize)]
struct DocQuery {
    id: String,
    reviewer: Option<String>,
}

async fn doc(State(app): State<Arc<App>>, Query(q): Query<DocQuery>) -> Response {
    let Some(d) = app.preds.get(&q.id) else { return error(StatusCode::NOT_FOUND, format!("no document `{}`", q.id)) };
    let decisions = match app.store.decisions(Some(&d.id)) {
        Ok(ds) => ds,
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    };
    Json(view(d, &decisions, &app.reviewer(q.reviewer))).into_response()
}

#[derive(Deserialize)]
struct DecisionIn {
    reviewer: String,
    doc_id: String,
    sentence: usize,
    action: String,
    start: Option<usize>,
    end: Option<usize>,
    value: Option<String>,
}

async fn decision(State(app): State<Arc<App>>, headers: HeaderMap, Json(d): Json<DecisionIn>) -> Response {
    if headers.get(TOKEN_HEADER).and_then(|v| v.to_str().ok()) != Some(app.token.as_str()) {
        return error(StatusCode::FORBIDDEN, "missing or wrong session token (reload the page)");
    }
    let reviewer = d.reviewer.trim();
    if reviewer.is_empty() || reviewer.len() > 100 {
        return error(StatusCode::BAD_REQUEST, "a reviewer name (1 to 100 bytes) is needed");
    }
    let Some(doc) = app.preds.get(&d.doc_id) else { return error(StatusCode::NOT_FOUND, format!("no document `{}`", d.doc_id)) };
    let Some(s) = doc.sentence(d.sentence) else {
        return error(StatusCode::BAD_REQUEST, format!("document `{}` has no sentence {}", d.doc_id, d.sentence));
    };
    let Some(action) = Action::parse(&d.action) else { return error(StatusCode::BAD_REQUEST, format!("unknown action `{}`", d.action)) };
    let value = d.value.as_deref();
    let (stances, types, roles) = (Stance::ALL.map(Stance::as_str), EntityKind::ALL.map(EntityKind::as_str), Role::ALL.map(Role::as_str));
    let allowed: &[&str] = match action {
        Action::Accept | Action::RemoveEntity => &[],
        Action::Stance => &stances,
        Action::AddEntity | Action::EntityType => &types,
        Action::Role => &roles,
    };
    match value {
        Some(v) if !allowed.contains(&v) => return error(StatusCode::BAD_REQUEST, format!("`{v}` is not a value for {}", action.as_str())),
        None if !allowed.is_empty() => {
            return error(StatusCode::BAD_REQUEST, format!("{} needs a value: {}", action.as_str(), allowed.join(", ")))
        }
        _ => {}
    }
    let span = match (action.has_span(), d.start, d.end) {
        (false, _, _) => None,
        (true, Some(a), Some(b)) if a < b && b <= s.text.chars().count() => Some((a, b)),
        (true, _, _) => return error(StatusCode::BAD_REQUEST, "an entity needs start < end within the sentence (code points)"),
    };
    match app.store.record(&d.doc_id, d.sentence, action, span, value, reviewer) {
        Ok(id) => Json(json!({ "ok": true, "id": id })).into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}
