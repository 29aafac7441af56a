//! `POST /v1/profiles/{username}/ask` and `/chat` (SPEC §4, §4.1): questions
//! about a public résumé, answered by the engine in `crate::ask`. Both spend
//! the client IP's ask bucket; each question is counted (`asks`) and
//! remembered for insights in memory, written by the flusher.

use rusqlite::{OptionalExtension, params};
use serde_json::Value;

use super::Ctx;
use crate::ask::record::referrer_host;
use crate::ask::{self, Answer, Context, Facts};
use crate::domain::Email;
use crate::error::{ApiResult, FieldError};
use crate::policy::plans::plan_of;
use crate::store::counters::Counter;
use crate::store::db;
use crate::time::now;
use crate::validate::{Fields, Patch};

pub const MIN_QUESTION: usize = 3;
pub const MAX_QUESTION: usize = 500;

/// Runs `then` on the owner and the facts of the public profile named in the
/// path, or answers the 404 an unknown user gets, as fresh as a public read.
/// The facts come from the rendering's kept ask form (`ask::form`), else
/// from the rendering itself: a form missing, of another layout or damaged
/// is no worse than slower.
fn with_facts<R>(ctx: &Ctx, then: impl FnOnce(String, &Facts) -> ApiResult<R>) -> ApiResult<R> {
    let kept = ask::form::kept(&*ctx.app.pool.get()?, ctx.param(0))?;
    let mut pool = Vec::new();
    if let Some((user_id, form)) = kept
        && let Some(facts) = ask::form::decode(&form, &mut pool)
    {
        return then(user_id, &facts);
    }
    let (user_id, body, _) = super::public::rendering(ctx, ctx.param(0), "json")?;
    let facts = Facts::from_json(&body)
        .map_err(|e| crate::error::ApiError::internal(format!("rendering: {e}")))?;
    then(user_id, &facts)
}

/// Counts the ask and remembers it for insights; neither waits for the writer.
fn remember(ctx: &Ctx, user_id: &str, question: &str, a: &mut Answer) {
    ctx.app.counters.add(user_id, Counter::Ask);
    ctx.app.record.ask(
        user_id,
        question,
        std::mem::take(&mut a.normalised),
        a.status,
        referrer_host(ctx.req.header("Referer")),
    );
}

pub fn ask(ctx: &Ctx) -> ApiResult {
    ctx.limit_ip("ask", ctx.app.config.limits.ask)?;
    let mut f = Fields::new(ctx.body()?)?;
    let question = f.required_string("question", MIN_QUESTION, MAX_QUESTION);
    f.finish()?;
    let question = question.expect("checked by finish");
    with_facts(ctx, |user_id, facts| {
        let mut a = ask::answer(facts, &question, ask::today(), None);
        remember(ctx, &user_id, &question, &mut a);
        Ok(crate::http::ok(&a.body))
    })
}

/// A chat's answer (fields in the order the API has always written them).
#[derive(serde::Serialize)]
struct Reply<'a> {
    conversation_id: &'a str,
    reply: &'a ask::Body,
}

#[derive(Default)]
struct Visitor {
    name: Option<String>,
    company: Option<String>,
    email: Option<String>,
}

fn visitor(f: &mut Fields) -> Option<Visitor> {
    let value = match f.take("visitor") {
        None | Some(Value::Null) => return None,
        Some(v) => v,
    };
    let mut v = match Fields::nested(value, "visitor") {
        Ok(v) => v,
        Err(e) => {
            f.push(e);
            return None;
        }
    };
    let name = v.optional_string("name", 100).into_option();
    let company = v.optional_string("company", 200).into_option();
    let email = match v.optional_string("email", 254) {
        Patch::Set(s) if s.is_empty() => None,
        Patch::Set(s) => match Email::parse("visitor.email", &s) {
            Ok(e) => Some(e.as_str().to_string()),
            Err(e) => {
                v.push(e);
                None
            }
        },
        _ => None,
    };
    let errors: Vec<FieldError> = v.into_errors();
    let ok = errors.is_empty();
    errors.into_iter().for_each(|e| f.push(e));
    let blank = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    ok.then(|| Visitor {
        name: blank(name),
        company: blank(company),
        email,
    })
}

/// The last message of a kept transcript of `user_id`, for a conversation
/// the memory has forgotten (a restart).
fn kept(conn: &rusqlite::Connection, id: &str, user_id: &str) -> ApiResult<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT (SELECT m.message FROM transcript_messages m WHERE m.transcript_id = t.id
                     ORDER BY m.id DESC LIMIT 1)
             FROM transcripts t WHERE t.id = ?1 AND t.user_id = ?2",
        )?
        .query_row([id, user_id], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .map(Option::unwrap_or_default))
}

pub fn chat(ctx: &Ctx) -> ApiResult {
    ctx.limit_ip("ask", ctx.app.config.limits.ask)?;
    let mut f = Fields::new(ctx.body()?)?;
    let message = f.required_string("message", MIN_QUESTION, MAX_QUESTION);
    let asked_id = f.optional_string("conversation_id", 100).into_option();
    let visitor = visitor(&mut f);
    f.finish()?;
    let message = message.expect("checked by finish");
    with_facts(ctx, |user_id, facts| {
        converse(ctx, &user_id, facts, &message, asked_id, visitor)
    })
}

/// A chat message answered about `facts`, in the conversation `asked_id`
/// names when it is this profile's, else in a new one.
fn converse(
    ctx: &Ctx,
    user_id: &str,
    facts: &Facts,
    message: &str,
    asked_id: Option<String>,
    visitor: Option<Visitor>,
) -> ApiResult {
    let today = ask::today();
    let t = now();
    let keep = {
        let conn = ctx.app.pool.get()?;
        plan_of(&conn, user_id)?.0.has("transcripts")
    };
    // the conversation goes on when its id is this profile's; otherwise a new one
    let mut before: Option<Context> = None;
    let mut id = None;
    if let Some(asked) = asked_id {
        if let Some(c) = ctx.app.conversations.get(&asked, user_id, t) {
            before = Some(c);
            id = Some(asked);
        } else if keep {
            let conn = ctx.app.pool.get()?;
            if let Some(last) = kept(&conn, &asked, user_id)? {
                before = Some(ask::answer(facts, &last, today, None).context);
                id = Some(asked);
            }
        }
    }
    let id = id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let mut a = ask::answer(facts, message, today, before.as_ref());
    if keep {
        let answer = serde_json::to_string(&a.body).expect("an answer serialises");
        let v = visitor.unwrap_or_default();
        db::write(&ctx.app.pool, |tx| {
            let owner: Option<String> = tx
                .prepare_cached("SELECT user_id FROM transcripts WHERE id = ?1")?
                .query_row([&id], |r| r.get(0))
                .optional()?;
            match owner {
                None => {
                    tx.prepare_cached(
                        "INSERT INTO transcripts (id, user_id, visitor_name, visitor_company,
                                                  visitor_email, created_at, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                    )?
                    .execute(params![id, user_id, v.name, v.company, v.email, t])?;
                }
                Some(o) if o == user_id => {
                    tx.prepare_cached(
                        "UPDATE transcripts SET updated_at = ?2,
                           visitor_name = coalesce(?3, visitor_name),
                           visitor_company = coalesce(?4, visitor_company),
                           visitor_email = coalesce(?5, visitor_email)
                         WHERE id = ?1",
                    )?
                    .execute(params![id, t, v.name, v.company, v.email])?;
                }
                // an id can only be another owner's by a collision of UUIDs
                Some(_) => return Ok(()),
            }
            tx.prepare_cached(
                "INSERT INTO transcript_messages (transcript_id, message, answer, answer_status, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![id, message, answer, a.status, t])?;
            Ok(())
        })?;
    }
    // a message that asked nothing ("ok, thanks") leaves the context as it was
    let context = if a.context.intents.is_empty() {
        before.unwrap_or_default()
    } else {
        a.context.clone()
    };
    ctx.app.conversations.put(&id, user_id, context, t);
    remember(ctx, user_id, message, &mut a);
    Ok(crate::http::ok(&Reply {
        conversation_id: &id,
        reply: &a.body,
    }))
}
