//! Which buckets a request spends (SPEC §5), the 429 answer, and the
//! `RateLimit-Policy` / `RateLimit` headers of the tightest bucket.

use rouille::Response;
use serde_json::{Value, json};

use crate::app::App;
use crate::auth::{Caller, Via};
use crate::error::{ApiError, ApiResult};
use crate::policy::limits::{Rate, Take};
use crate::policy::plans::{Plan, plan_of};
use crate::store::counters::Counter;
use crate::time::{date_of, now};

pub fn clock() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

fn secs_to_midnight() -> u64 {
    (86_400 - now().rem_euclid(86_400)) as u64
}

/// The bucket of a client IP for a policy (`login:ip:192.0.2.1`).
pub fn ip_key(policy: &str, ip: std::net::IpAddr) -> String {
    format!("{policy}:ip:{ip}")
}

/// Takes a token; `Err` only when the database fails.
pub fn take(
    app: &App,
    policy: &'static str,
    key: &str,
    rate: Rate,
    resets_in: Option<u64>,
) -> ApiResult<Take> {
    let (allowed, remaining) = app.buckets.take(key, rate, clock(), || {
        app.pool.get().map_err(ApiError::from)
    })?;
    Ok(Take {
        policy,
        rate,
        allowed,
        remaining,
        resets_in,
    })
}

/// The 429 for a bucket that said no.
pub fn refused(t: &Take) -> ApiError {
    let (code, detail) = if t.resets_in.is_some() {
        (
            "quota_exceeded",
            "The daily API-key quota of your plan is used up",
        )
    } else {
        ("rate_limited", "Too many requests; slow down")
    };
    ApiError::new(429, code, detail).with_header("Retry-After", t.retry_after().to_string())
}

/// The API-key allowance of a plan: the per-minute bucket and the daily quota.
pub fn key_rates(app: &App, plan: Plan) -> (Rate, Rate) {
    let (minute, daily) = app.config.limits.keys[plan as usize];
    (
        minute,
        Rate {
            burst: f64::from(daily),
            per_sec: 0.0,
        },
    )
}

fn daily_key(user_id: &str) -> String {
    format!("keyday:{user_id}:{}", date_of(now()))
}

/// The buckets an authenticated call spends: API-key calls the owner's
/// per-minute bucket and daily quota; JWT calls their own bucket, never quota.
pub fn for_caller(app: &App, caller: &Caller) -> ApiResult<Vec<Take>> {
    match &caller.via {
        Via::Jwt => Ok(vec![take(
            app,
            "jwt",
            &format!("jwt:{}", caller.id),
            app.config.limits.jwt,
            None,
        )?]),
        Via::Key { plan, .. } => {
            let (minute, daily) = key_rates(app, *plan);
            let first = take(app, "api_key", &format!("key:{}", caller.id), minute, None)?;
            if !first.allowed {
                return Ok(vec![first]);
            }
            let day = take(
                app,
                "api_key_daily",
                &daily_key(&caller.id),
                daily,
                Some(secs_to_midnight()),
            )?;
            if day.allowed {
                app.counters.add(&caller.id, Counter::ApiRequest);
            }
            Ok(vec![first, day])
        }
    }
}

/// The tightest bucket: the one that refused, else the one with the fewest
/// tokens left.
pub fn tightest(takes: &[Take]) -> Option<&Take> {
    takes.iter().find(|t| !t.allowed).or_else(|| {
        takes.iter().min_by(|a, b| {
            a.remaining
                .partial_cmp(&b.remaining)
                .unwrap_or(std::cmp::Ordering::Equal)
        })
    })
}

pub fn with_headers(response: Response, takes: &[Take]) -> Response {
    let Some(t) = tightest(takes) else {
        return response;
    };
    let window = t.resets_in.map_or_else(|| t.rate.window_secs(), |_| 86_400);
    response
        .with_unique_header(
            "RateLimit-Policy",
            format!("\"{}\";q={};w={window}", t.policy, t.rate.burst as u64),
        )
        .with_unique_header(
            "RateLimit",
            format!(
                "\"{}\";r={};t={}",
                t.policy,
                t.remaining_whole(),
                t.reset_secs()
            ),
        )
}

/// `/v1/me/usage`: where the owner stands in each bucket, without spending.
pub fn usage(app: &App, conn: &rusqlite::Connection, user_id: &str) -> ApiResult<Value> {
    let (plan, _) = plan_of(conn, user_id)?;
    let (minute, daily) = key_rates(app, plan);
    let now = clock();
    let show = |key: &str, rate: Rate, resets_in: Option<u64>| -> ApiResult<Value> {
        let remaining = app.buckets.peek(conn, key, rate, now)?;
        let t = Take {
            policy: "",
            rate,
            allowed: true,
            remaining,
            resets_in,
        };
        Ok(
            json!({"limit": rate.burst as u64, "remaining": t.remaining_whole(), "reset_seconds": t.reset_secs()}),
        )
    };
    let day = show(&daily_key(user_id), daily, Some(secs_to_midnight()))?;
    let used_today = daily.burst as u64 - day["remaining"].as_u64().unwrap_or(0);
    Ok(json!({
        "plan": plan.name(),
        "buckets": {
            "api_key": show(&format!("key:{user_id}"), minute, None)?,
            "api_key_daily": day,
            "jwt": show(&format!("jwt:{user_id}"), app.config.limits.jwt, None)?,
        },
        "api_key_requests_today": used_today,
    }))
}
