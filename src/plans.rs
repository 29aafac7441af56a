//! Plans (SPEC §5.1): the one table every feature check reads.

use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Plan {
    Free,
    Pro,
    Recruiter,
}

pub struct Limits {
    pub active_keys: u32,
    pub key_burst: u32,
    pub key_rate: u32,
    pub key_daily: u32,
    pub analytics_days: u32,
}

/// A user's plan today: the best active grant, else free. Returns the plan and
/// the date its grant ends (`None`: free, or a grant without end).
pub fn plan_of(
    conn: &rusqlite::Connection,
    user_id: &str,
) -> rusqlite::Result<(Plan, Option<String>)> {
    let today = crate::time::date_of(crate::time::now());
    let mut stmt = conn.prepare_cached(
        "SELECT plan, expires_on FROM grants
         WHERE user_id = ?1 AND revoked_at IS NULL AND (expires_on IS NULL OR expires_on > ?2)",
    )?;
    let mut best = (Plan::Free, None);
    let mut rows = stmt.query(rusqlite::params![user_id, today])?;
    while let Some(r) = rows.next()? {
        let plan = Plan::parse(&r.get::<_, String>(0)?).unwrap_or(Plan::Free);
        let until: Option<String> = r.get(1)?;
        // the best plan; among equals, the one that lasts longest
        let later = match (&best.1, &until) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(a), Some(b)) => b > a,
        };
        if plan > best.0 || (plan == best.0 && best.0 != Plan::Free && later) {
            best = (plan, until);
        }
    }
    Ok(best)
}

impl Plan {
    pub fn parse(s: &str) -> Option<Plan> {
        match s {
            "free" => Some(Plan::Free),
            "pro" => Some(Plan::Pro),
            "recruiter" => Some(Plan::Recruiter),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Pro => "pro",
            Plan::Recruiter => "recruiter",
        }
    }

    pub fn limits(self) -> Limits {
        match self {
            Plan::Free => Limits {
                active_keys: 3,
                key_burst: 60,
                key_rate: 1,
                key_daily: 1_000,
                analytics_days: 7,
            },
            Plan::Pro | Plan::Recruiter => Limits {
                active_keys: 20,
                key_burst: 600,
                key_rate: 10,
                key_daily: 100_000,
                analytics_days: 365,
            },
        }
    }

    /// The API-key allowance of the plan, as `/v1/me/account` shows it.
    pub fn quota_json(self) -> Value {
        let l = self.limits();
        json!({"plan": self.name(), "key_burst": l.key_burst, "key_rate_per_second": l.key_rate,
               "key_daily": l.key_daily, "active_keys": l.active_keys})
    }
}

/// The 403 for a feature outside the caller's plan (SPEC §1.1).
pub fn required(feature: &str, plan: &str) -> crate::error::ApiError {
    crate::error::ApiError::forbidden("plan_required", &format!("This needs the {plan} plan"))
        .with_member("feature", serde_json::json!(feature))
        .with_member("required_plan", serde_json::json!(plan))
}
