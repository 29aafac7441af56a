//! Plans (SPEC §5.1): the one table every feature check reads.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Plan {
    Free,
    Pro,
    Recruiter,
}

/// What a plan allows besides its features. (Its API-key quota is a setting:
/// `Config::limits.keys`.)
pub struct Limits {
    pub active_keys: u32,
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
                analytics_days: 7,
            },
            Plan::Pro | Plan::Recruiter => Limits {
                active_keys: 20,
                analytics_days: 365,
            },
        }
    }
}

/// Features a plan may lack, with the least plan that has each (SPEC §5.1).
/// Plans are ordered: recruiter has everything pro has, and `mcp`.
const FEATURES: &[(&str, Plan)] = &[
    ("layout", Plan::Pro),
    ("transcripts", Plan::Pro),
    ("insights", Plan::Pro),
    ("premium_themes", Plan::Pro),
    ("analytics_history", Plan::Pro),
    ("mcp", Plan::Recruiter),
];

pub fn least_plan(feature: &str) -> Plan {
    FEATURES
        .iter()
        .find(|(f, _)| *f == feature)
        .map_or(Plan::Free, |(_, p)| *p)
}

impl Plan {
    pub fn has(self, feature: &str) -> bool {
        self >= least_plan(feature)
    }
}

/// The caller's plan, or the 403 when it lacks `feature`.
pub fn require(
    conn: &rusqlite::Connection,
    user_id: &str,
    feature: &str,
) -> crate::error::ApiResult<Plan> {
    let (plan, _) = plan_of(conn, user_id)?;
    if plan.has(feature) {
        Ok(plan)
    } else {
        Err(required(feature, least_plan(feature).name()))
    }
}

/// The 403 for a feature outside the caller's plan (SPEC §1.1).
pub fn required(feature: &str, plan: &str) -> crate::error::ApiError {
    crate::error::ApiError::forbidden("plan_required", &format!("This needs the {plan} plan"))
        .with_member("feature", serde_json::json!(feature))
        .with_member("required_plan", serde_json::json!(plan))
}
