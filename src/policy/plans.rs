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

/// The plan of `u.id` as an SQL expression, `?1` being today (YYYY-MM-DD),
/// for queries over many users; `plan_of` is the same rule for one user (a
/// test below holds them together).
pub const PLAN_SQL: &str = "CASE
    WHEN EXISTS (SELECT 1 FROM grants g WHERE g.user_id = u.id AND g.revoked_at IS NULL
                 AND g.plan = 'recruiter' AND (g.expires_on IS NULL OR g.expires_on > ?1)) THEN 'recruiter'
    WHEN EXISTS (SELECT 1 FROM grants g WHERE g.user_id = u.id AND g.revoked_at IS NULL
                 AND g.plan = 'pro' AND (g.expires_on IS NULL OR g.expires_on > ?1)) THEN 'pro'
    ELSE 'free' END";

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{date_of, now};

    #[test]
    fn plan_sql_and_plan_of_agree() {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        c.execute_batch(crate::store::db::SCHEMA).unwrap();
        let today = date_of(now());
        let tomorrow = date_of(now() + 86_400);
        // (user, its grants as (plan, expires_on, revoked), the plan it has)
        type Grant<'a> = (&'a str, Option<&'a str>, bool);
        let cases: &[(&str, &[Grant], Plan)] = &[
            ("a", &[], Plan::Free),
            ("b", &[("pro", None, false)], Plan::Pro),
            (
                "c",
                &[
                    ("pro", Some(&tomorrow), false),
                    ("recruiter", Some(&today), false),
                ],
                Plan::Pro,
            ),
            (
                "d",
                &[("recruiter", None, true), ("pro", Some(&tomorrow), false)],
                Plan::Pro,
            ),
            (
                "e",
                &[("pro", None, false), ("recruiter", Some(&tomorrow), false)],
                Plan::Recruiter,
            ),
        ];
        for (user, grants, want) in cases {
            c.execute(
                "INSERT INTO users (id, username, username_key, email, email_key, full_name, password_hash,
                                    security_stamp, created_at, updated_at)
                 VALUES (?1, ?1, ?1, ?1, ?1, ?1, 'x', 's', 0, 0)",
                [user],
            )
            .unwrap();
            for (i, (plan, until, revoked)) in grants.iter().enumerate() {
                c.execute(
                    "INSERT INTO grants (id, user_id, plan, reason, created_at, expires_on, revoked_at)
                     VALUES (?1, ?2, ?3, 'test', 0, ?4, ?5)",
                    rusqlite::params![format!("{user}{i}"), user, plan, until, revoked.then_some(1)],
                )
                .unwrap();
            }
            assert_eq!(plan_of(&c, user).unwrap().0, *want, "{user}");
            let sql: String = c
                .query_row(
                    &format!("SELECT {PLAN_SQL} FROM users u WHERE u.id = ?2"),
                    rusqlite::params![today, user],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(sql, want.name(), "{user}");
        }
    }
}
