//! `/v1/me/insights` and its export (SPEC §3.5): what visitors asked (top
//! questions, and those left unanswered), where views and asks came from,
//! and recruiter (MCP) exposures, over the last `days` days within the
//! plan's history. Pro and recruiter only.

use rusqlite::params;
use serde_json::{Value, json};

use super::{Ctx, ok};
use crate::error::{ApiError, ApiResult};
use crate::policy::plans;
use crate::time::{date_of, now};

/// Rows of each list, at most.
const TOP: i64 = 50;

fn days(ctx: &Ctx) -> ApiResult<i64> {
    match ctx.req.get_param("days") {
        None => Ok(30),
        Some(v) => match v.parse::<i64>() {
            Ok(n) if (1..=365).contains(&n) => Ok(n),
            _ => Err(ApiError::field(
                "days",
                "out_of_range",
                "must be a whole number from 1 to 365",
            )),
        },
    }
}

/// The insights of `user_id` over the last `days` days (today included).
pub fn insights(ctx: &Ctx, user_id: &str, days: i64) -> ApiResult<Value> {
    // what is still buffered is written first, so the owner sees every ask
    if let Err(e) = ctx.app.record.flush(&ctx.app.pool) {
        crate::http::log::line(&format!("insights not written yet: {e}"));
    }
    let conn = ctx.app.pool.get()?;
    let today = now();
    let since = date_of(today - (days - 1) * 86_400);
    let mut top = conn.prepare_cached(
        "SELECT normalised, question, count(*) AS n, max(id) FROM ask_log
         WHERE user_id = ?1 AND day >= ?2
         GROUP BY normalised ORDER BY n DESC, normalised LIMIT ?3",
    )?;
    let top_questions = top
        .query_map(params![user_id, since, TOP], |r| {
            Ok(
                json!({"normalised": r.get::<_, String>(0)?, "question": r.get::<_, String>(1)?,
                      "count": r.get::<_, i64>(2)?}),
            )
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut open = conn.prepare_cached(
        "SELECT normalised, question, status, count(*) AS n, max(id) FROM ask_log
         WHERE user_id = ?1 AND day >= ?2 AND status IN ('insufficient_evidence', 'unsupported')
         GROUP BY normalised, status ORDER BY n DESC, normalised, status LIMIT ?3",
    )?;
    let unanswered = open
        .query_map(params![user_id, since, TOP], |r| {
            Ok(
                json!({"normalised": r.get::<_, String>(0)?, "question": r.get::<_, String>(1)?,
                      "status": r.get::<_, String>(2)?, "count": r.get::<_, i64>(3)?}),
            )
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut hosts = conn.prepare_cached(
        "SELECT host, sum(n) AS c FROM referrer_stats
         WHERE user_id = ?1 AND day >= ?2 AND source = ?3
         GROUP BY host ORDER BY c DESC, host LIMIT ?4",
    )?;
    let mut referrers = serde_json::Map::new();
    for source in ["view", "ask"] {
        let list = hosts
            .query_map(params![user_id, since, source, TOP], |r| {
                Ok(json!({"host": r.get::<_, String>(0)?, "count": r.get::<_, i64>(1)?}))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        referrers.insert(format!("{source}s"), Value::Array(list));
    }
    let (asks, stored_mcp): (i64, i64) = conn
        .prepare_cached(
            "SELECT (SELECT count(*) FROM ask_log WHERE user_id = ?1 AND day >= ?2),
                    coalesce((SELECT sum(mcp_exposures) FROM daily_stats WHERE user_id = ?1 AND day >= ?2), 0)",
        )?
        .query_row(params![user_id, since], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let pending_mcp: i64 = (0..days)
        .map(|back| {
            ctx.app
                .counters
                .unwritten(user_id, &date_of(today - back * 86_400))[3]
        })
        .sum();
    Ok(json!({
        "days": days, "since": since, "until": date_of(today), "asks": asks,
        "top_questions": top_questions, "unanswered_questions": unanswered,
        "referrers": referrers, "mcp_exposures": stored_mcp + pending_mcp,
    }))
}

/// The caller's insights after the plan checks: the feature, then the history.
fn checked(ctx: &Ctx) -> ApiResult<(i64, Value)> {
    let days = days(ctx)?;
    let user_id = ctx.user_id();
    let plan = {
        let conn = ctx.app.pool.get()?;
        plans::require(&conn, user_id, "insights")?
    };
    if days > i64::from(plan.limits().analytics_days) {
        return Err(plans::required("analytics_history", "pro"));
    }
    Ok((days, insights(ctx, user_id, days)?))
}

pub fn get(ctx: &Ctx) -> ApiResult {
    ok(checked(ctx)?.1)
}

/// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line
/// break, quotes doubled. A field a spreadsheet would run as a formula
/// (`=`, `+`, `-`, `@` first) gets a leading `'`.
pub fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn csv(v: &Value) -> String {
    let mut out = String::from("kind,question,status,host,count\r\n");
    let mut row = |cells: [&str; 5]| {
        let line: Vec<String> = cells.iter().map(|c| csv_field(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    };
    let s = |x: &Value| x.as_str().unwrap_or_default().to_string();
    for q in v["top_questions"].as_array().into_iter().flatten() {
        row([
            "top_question",
            &s(&q["question"]),
            "",
            "",
            &q["count"].to_string(),
        ]);
    }
    for q in v["unanswered_questions"].as_array().into_iter().flatten() {
        row([
            "unanswered_question",
            &s(&q["question"]),
            &s(&q["status"]),
            "",
            &q["count"].to_string(),
        ]);
    }
    for (source, kind) in [("views", "view_referrer"), ("asks", "ask_referrer")] {
        for h in v["referrers"][source].as_array().into_iter().flatten() {
            row([kind, "", "", &s(&h["host"]), &h["count"].to_string()]);
        }
    }
    row(["mcp_exposures", "", "", "", &v["mcp_exposures"].to_string()]);
    out
}

pub fn export(ctx: &Ctx) -> ApiResult {
    let format = match ctx.req.get_param("format").as_deref() {
        None | Some("json") => "json",
        Some("csv") => "csv",
        Some(_) => {
            return Err(ApiError::field(
                "format",
                "invalid_value",
                "must be csv or json",
            ));
        }
    };
    let (_, v) = checked(ctx)?;
    let name = format!("restume-insights-{}.{format}", date_of(now()));
    let response = match format {
        "csv" => rouille::Response::from_data("text/csv; charset=utf-8", csv(&v)),
        _ => crate::http::ok(&v),
    };
    Ok(response.with_unique_header(
        "Content-Disposition",
        format!("attachment; filename=\"{name}\""),
    ))
}

/// Everything remembered for insights, for the owner's export.
pub fn all(ctx: &Ctx, conn: &rusqlite::Connection, user_id: &str) -> ApiResult<Value> {
    if let Err(e) = ctx.app.record.flush(&ctx.app.pool) {
        crate::http::log::line(&format!("insights not written yet: {e}"));
    }
    let asks = conn
        .prepare_cached(
            "SELECT day, question, status, referrer_host FROM ask_log WHERE user_id = ?1 ORDER BY id",
        )?
        .query_map([user_id], |r| {
            Ok(json!({"day": r.get::<_, String>(0)?, "question": r.get::<_, String>(1)?,
                      "answer_status": r.get::<_, String>(2)?,
                      "referrer_host": r.get::<_, Option<String>>(3)?}))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let referrers = conn
        .prepare_cached(
            "SELECT day, source, host, n FROM referrer_stats WHERE user_id = ?1 ORDER BY day, source, host",
        )?
        .query_map([user_id], |r| {
            Ok(json!({"day": r.get::<_, String>(0)?, "source": r.get::<_, String>(1)?,
                      "host": r.get::<_, String>(2)?, "count": r.get::<_, i64>(3)?}))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json!({"asks": asks, "referrers": referrers}))
}
