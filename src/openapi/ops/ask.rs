//! The operations of Ask, chat, transcripts and insights (SPEC §3.5, §4.1),
//! with their schemas inline, kept apart from the other operations.

use serde_json::{Value, json};

use super::{Op, op, page_params, param};
use crate::openapi::schemas::{email, nullable, page_of, string, text};
use crate::routes::ask::{MAX_QUESTION, MIN_QUESTION};

fn answer() -> Value {
    json!({"type": "object",
        "required": ["username", "answer", "answer_status", "answer_mode", "confidence_band",
                     "confidence", "evidence_types", "sources"],
        "properties": {
            "username": {"type": "string"},
            "answer": {"type": "string"},
            "answer_status": {"type": "string", "enum": ["answered", "partially_answered",
                "insufficient_evidence", "unsupported", "no_profile_data"]},
            "answer_mode": {"type": "string", "const": "deterministic"},
            "confidence_band": {"type": "string", "enum": ["high", "medium", "low", "none"]},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "evidence_types": {"type": "array", "items": {"type": "string"}},
            "sources": {"type": "array", "items": {"type": "object",
                "required": ["label", "facet", "snippet"],
                "properties": {"label": {"type": "string"}, "facet": {"type": "string"},
                               "snippet": {"type": "string"}}}}}})
}

fn question(name: &str) -> Value {
    let mut q = string(MIN_QUESTION, MAX_QUESTION);
    q["description"] = json!(format!(
        "the {name}; {}",
        q["description"].as_str().unwrap_or("")
    ));
    q
}

fn visitor() -> Value {
    json!({"type": ["object", "null"], "additionalProperties": false, "properties": {
        "name": nullable(text(100)),
        "company": nullable(text(200)),
        "email": {"anyOf": [email(), {"const": ""}, {"type": "null"}],
                  "description": "an email address; \"\" or null: none"}}})
}

fn transcript() -> Value {
    json!({"type": "object", "properties": {
        "id": {"type": "string", "format": "uuid"}, "visitor": visitor(),
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "messages": {"type": "array", "items": {"type": "object", "properties": {
            "message": {"type": "string"}, "reply": answer(),
            "answer_status": {"type": "string"},
            "created_at": {"type": "string", "format": "date-time"}}}}}})
}

fn transcript_summary() -> Value {
    json!({"type": "object", "properties": {
        "id": {"type": "string", "format": "uuid"}, "visitor": visitor(),
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "message_count": {"type": "integer"}, "first_message": {"type": ["string", "null"]}}})
}

fn insights() -> Value {
    let question = json!({"type": "object", "properties": {
        "question": {"type": "string"}, "normalised": {"type": "string"},
        "status": {"type": "string"}, "count": {"type": "integer"}}});
    let host = json!({"type": "array", "items": {"type": "object", "properties": {
        "host": {"type": "string"}, "count": {"type": "integer"}}}});
    json!({"type": "object", "properties": {
        "days": {"type": "integer"}, "since": {"type": "string", "format": "date"},
        "until": {"type": "string", "format": "date"}, "asks": {"type": "integer"},
        "top_questions": {"type": "array", "items": question},
        "unanswered_questions": {"type": "array", "items": question},
        "referrers": {"type": "object", "properties": {"views": host, "asks": host}},
        "mcp_exposures": {"type": "integer"}}})
}

fn days() -> Value {
    param(
        "days",
        json!({"type": "integer", "minimum": 1, "maximum": 365, "default": 30}),
        "days of history; beyond your plan's history: 403 plan_required",
    )
}

pub fn ops() -> Vec<Op> {
    vec![
        op("POST", "/v1/profiles/{username}/ask", "Ask a question about a public résumé")
            .body(json!({"type": "object", "additionalProperties": false, "required": ["question"],
                         "properties": {"question": question("question")}}))
            .ok(answer())
            .limited()
            .describe("Answered from the profile's own data, deterministically; spends the client address's ask bucket."),
        op("POST", "/v1/profiles/{username}/chat", "Chat about a public résumé")
            .body(json!({"type": "object", "additionalProperties": false, "required": ["message"],
                         "properties": {"message": question("message"),
                                        "conversation_id": {"type": ["string", "null"], "maxLength": 100,
                                            "pattern": crate::openapi::schemas::NO_CONTROL_PATTERN},
                                        "visitor": visitor()}}))
            .ok(json!({"type": "object", "required": ["conversation_id", "reply"], "properties": {
                "conversation_id": {"type": "string", "format": "uuid"}, "reply": answer()}}))
            .limited()
            .describe("Give `conversation_id` back to continue; an unknown one starts a new conversation. Kept as a transcript when the owner's plan has `transcripts`."),
        op("GET", "/v1/me/transcripts", "Your visitors' chat transcripts, newest first")
            .query(&page_params())
            .ok(page_of(transcript_summary()))
            .errors(&[403]),
        op("GET", "/v1/me/transcripts/{id}", "One transcript with every message")
            .ok(transcript())
            .errors(&[403]),
        op("DELETE", "/v1/me/transcripts/{id}", "Delete a transcript")
            .no_content()
            .errors(&[403]),
        op("GET", "/v1/me/insights", "What visitors asked and where they came from")
            .query(&[days()])
            .ok(insights())
            .errors(&[403]),
        op("GET", "/v1/me/insights/export", "Your insights as a download")
            .query(&[
                days(),
                param("format", json!({"type": "string", "enum": ["csv", "json"], "default": "json"}),
                      "`csv`: one row per item, with a header row"),
            ])
            .ok(insights())
            .or_media("text/csv", json!({"type": "string",
                "description": "one row per item, after the header row kind,question,status,host,count"}))
            .header("Content-Disposition")
            .describe("`format=json` answers the insights document; `format=csv` answers `text/csv` with the header row `kind,question,status,host,count`.")
            .errors(&[403]),
    ]
}
