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

impl Plan {
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
