//! Settings: one table (name, environment variable, default, doc) is the single
//! source of truth for the flags, the environment, `--help` and `restume config`.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use crate::policy::limits::Rate;

pub struct Setting {
    pub name: &'static str,
    pub env: &'static str,
    pub default: &'static str,
    pub secret: bool,
    pub doc: &'static str,
}

pub const SETTINGS: &[Setting] = &[
    Setting {
        name: "db",
        env: "RESTUME_DB",
        default: "./restume.db",
        secret: false,
        doc: "SQLite database file, created on first start",
    },
    Setting {
        name: "bind",
        env: "RESTUME_BIND",
        default: "127.0.0.1:8000",
        secret: false,
        doc: "address and port to listen on (port 0 picks a free one)",
    },
    Setting {
        name: "threads",
        env: "RESTUME_THREADS",
        default: "16",
        secret: false,
        doc: "requests handled at once (1-1024)",
    },
    Setting {
        name: "max-connections",
        env: "RESTUME_MAX_CONNECTIONS",
        default: "1024",
        secret: false,
        doc: "open connections at most (1-100000); past it a new one gets 503",
    },
    Setting {
        name: "jwt-secret",
        env: "RESTUME_JWT_SECRET",
        default: "",
        secret: true,
        doc: "HS256 signing secret, at least 32 bytes; empty: generated once and kept in the database",
    },
    Setting {
        name: "jwt-ttl",
        env: "RESTUME_JWT_TTL",
        default: "3600",
        secret: false,
        doc: "JWT lifetime in seconds (60-2592000)",
    },
    Setting {
        name: "bcrypt-cost",
        env: "RESTUME_BCRYPT_COST",
        default: "12",
        secret: false,
        doc: "bcrypt cost for password hashes (4-31)",
    },
    Setting {
        name: "hash-concurrency",
        env: "RESTUME_HASH_CONCURRENCY",
        default: "0",
        secret: false,
        doc: "password hashes run at once (as many more may wait); 0: half the cores, at least 1",
    },
    Setting {
        name: "trusted-proxies",
        env: "RESTUME_TRUSTED_PROXIES",
        default: "",
        secret: false,
        doc: "comma-separated proxy IPs whose X-Forwarded-For is believed",
    },
    Setting {
        name: "limit-login-ip",
        env: "RESTUME_LIMIT_LOGIN_IP",
        default: "10:1/6s",
        secret: false,
        doc: "sign-ins per client IP, as burst:count/period",
    },
    Setting {
        name: "limit-login-account",
        env: "RESTUME_LIMIT_LOGIN_ACCOUNT",
        default: "5:1/60s",
        secret: false,
        doc: "sign-ins per account name",
    },
    Setting {
        name: "limit-register",
        env: "RESTUME_LIMIT_REGISTER",
        default: "5:5/h",
        secret: false,
        doc: "registrations per client IP",
    },
    Setting {
        name: "limit-public",
        env: "RESTUME_LIMIT_PUBLIC",
        default: "120:2/s",
        secret: false,
        doc: "public reads per client IP",
    },
    Setting {
        name: "limit-ask",
        env: "RESTUME_LIMIT_ASK",
        default: "10:20/h",
        secret: false,
        doc: "ask and chat questions per client IP",
    },
    Setting {
        name: "limit-jwt",
        env: "RESTUME_LIMIT_JWT",
        default: "100:20/s",
        secret: false,
        doc: "owner calls with a JWT, per user",
    },
    Setting {
        name: "plan-free-keys",
        env: "RESTUME_PLAN_FREE_KEYS",
        default: "60:1/s,1000/d",
        secret: false,
        doc: "API-key quota of the free plan: key_burst:key_rate/s,key_daily/d",
    },
    Setting {
        name: "plan-pro-keys",
        env: "RESTUME_PLAN_PRO_KEYS",
        default: "600:10/s,100000/d",
        secret: false,
        doc: "API-key quota of the pro plan",
    },
    Setting {
        name: "plan-recruiter-keys",
        env: "RESTUME_PLAN_RECRUITER_KEYS",
        default: "600:10/s,100000/d",
        secret: false,
        doc: "API-key quota of the recruiter plan",
    },
    Setting {
        name: "billing-checkout-url",
        env: "RESTUME_BILLING_CHECKOUT_URL",
        default: "",
        secret: false,
        doc: "where /v1/me/billing/checkout sends people; unset: no checkout",
    },
    Setting {
        name: "billing-portal-url",
        env: "RESTUME_BILLING_PORTAL_URL",
        default: "",
        secret: false,
        doc: "where /v1/me/billing/portal sends people; unset: no portal",
    },
    Setting {
        name: "mcp-allowed-origins",
        env: "RESTUME_MCP_ALLOWED_ORIGINS",
        default: "",
        secret: false,
        doc: "comma-separated origins (https://app.example.com) whose pages may call /mcp besides the server's own",
    },
    Setting {
        name: "replicated",
        env: "RESTUME_REPLICATED",
        default: "0",
        secret: false,
        doc: "1: the database is replicated by Litestream, which then does every WAL checkpoint (the server does none of its own, nor one at a clean stop)",
    },
];

/// The rate limits of SPEC §5, each configurable.
#[derive(Clone, Debug)]
pub struct Limits {
    pub login_ip: Rate,
    pub login_account: Rate,
    pub register: Rate,
    pub public: Rate,
    pub ask: Rate,
    pub jwt: Rate,
    /// Per plan (free, pro, recruiter): the per-minute bucket and the daily quota.
    pub keys: [(Rate, u32); 3],
}

/// The validated settings the server runs with.
#[derive(Clone, Debug)]
pub struct Config {
    pub db: PathBuf,
    pub bind: SocketAddr,
    pub threads: usize,
    pub max_connections: usize,
    pub jwt_secret: Option<Vec<u8>>,
    pub jwt_ttl: i64,
    pub bcrypt_cost: u32,
    pub hash_concurrency: usize,
    pub trusted_proxies: Vec<IpAddr>,
    /// Origins besides the server's own that may call `/mcp`.
    pub mcp_allowed_origins: Vec<String>,
    pub limits: Limits,
    pub billing_checkout_url: Option<String>,
    pub billing_portal_url: Option<String>,
    /// Litestream replicates the database and does its checkpoints.
    pub replicated: bool,
}

/// Raw values by setting name, with where each came from.
pub struct Raw {
    values: BTreeMap<&'static str, (String, &'static str)>,
}

impl Raw {
    /// Flags win over the environment, which wins over the default.
    /// `args` are the words after the subcommand; returns the ones that are not settings.
    pub fn gather(
        args: &[String],
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<(Raw, Vec<String>), String> {
        let mut values = BTreeMap::new();
        for s in SETTINGS {
            match env(s.env) {
                Some(v) => values.insert(s.name, (v, "env")),
                None => values.insert(s.name, (s.default.to_string(), "default")),
            };
        }
        let mut rest = Vec::new();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let Some(flag) = arg.strip_prefix("--") else {
                rest.push(arg.clone());
                continue;
            };
            let (name, inline) = match flag.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (flag, None),
            };
            let Some(setting) = SETTINGS.iter().find(|s| s.name == name) else {
                rest.push(arg.clone());
                continue;
            };
            let value = match inline {
                Some(v) => v,
                None => it
                    .next()
                    .cloned()
                    .ok_or_else(|| format!("--{name} needs a value"))?,
            };
            values.insert(setting.name, (value, "flag"));
        }
        Ok((Raw { values }, rest))
    }

    fn get(&self, name: &str) -> &str {
        &self.values[name].0
    }

    /// `restume config`: every setting, its effective value and its source; secrets redacted.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        for s in SETTINGS {
            let (value, source) = &self.values[s.name];
            let shown = if s.secret && !value.is_empty() {
                "<redacted>".to_string()
            } else {
                value.clone()
            };
            out.push_str(&format!(
                "{:<18} {:<28} ({source}, {})\n",
                s.name, shown, s.env
            ));
        }
        out
    }

    pub fn validate(&self) -> Result<Config, String> {
        let bind: SocketAddr = self.get("bind").parse().map_err(|_| {
            format!(
                "bind: '{}' is not an address like 127.0.0.1:8000",
                self.get("bind")
            )
        })?;
        let threads = number(self, "threads", 1, 1024)? as usize;
        let secret = self.get("jwt-secret");
        let jwt_secret = match secret.len() {
            0 => None,
            n if n < 32 => {
                return Err(format!("jwt-secret: must be at least 32 bytes, got {n}"));
            }
            _ => Some(secret.as_bytes().to_vec()),
        };
        let trusted_proxies = self
            .get("trusted-proxies")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpAddr>()
                    .map_err(|_| format!("trusted-proxies: '{s}' is not an IP address"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mcp_allowed_origins = self
            .get("mcp-allowed-origins")
            .split(',')
            .map(|s| s.trim().trim_end_matches('/'))
            .filter(|s| !s.is_empty())
            .map(|s| {
                let ok = (s.starts_with("http://") || s.starts_with("https://"))
                    && !s.contains(char::is_whitespace)
                    && s.split("://")
                        .nth(1)
                        .is_some_and(|h| !h.is_empty() && !h.contains('/'));
                if ok {
                    Ok(s.to_string())
                } else {
                    Err(format!(
                        "mcp-allowed-origins: '{s}' is not an origin like https://app.example.com"
                    ))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let hash_concurrency = match number(self, "hash-concurrency", 0, 1024)? as usize {
            // half the cores: the rest keep serving while sign-ins hash
            0 => (std::thread::available_parallelism().map_or(1, |n| n.get()) / 2).max(1),
            n => n,
        };
        let rate = |name: &str| Rate::parse(self.get(name)).map_err(|e| format!("{name}: {e}"));
        let keys = |name: &str| -> Result<(Rate, u32), String> {
            let v = self.get(name);
            let bad = || format!("{name}: '{v}' is not like 60:1/s,1000/d");
            let (minute, daily) = v.split_once(',').ok_or_else(bad)?;
            let daily = daily.trim().strip_suffix("/d").ok_or_else(bad)?;
            Ok((
                Rate::parse(minute).map_err(|_| bad())?,
                daily.parse().map_err(|_| bad())?,
            ))
        };
        let limits = Limits {
            login_ip: rate("limit-login-ip")?,
            login_account: rate("limit-login-account")?,
            register: rate("limit-register")?,
            public: rate("limit-public")?,
            ask: rate("limit-ask")?,
            jwt: rate("limit-jwt")?,
            keys: [
                keys("plan-free-keys")?,
                keys("plan-pro-keys")?,
                keys("plan-recruiter-keys")?,
            ],
        };
        let url = |name: &str| -> Result<Option<String>, String> {
            match self.get(name) {
                "" => Ok(None),
                u if crate::validate::is_web_url(u) && u.starts_with("http") => {
                    Ok(Some(u.to_string()))
                }
                u => Err(format!("{name}: '{u}' is not an http(s) URL")),
            }
        };
        let replicated = match self.get("replicated").trim() {
            "1" | "true" | "yes" => true,
            "0" | "false" | "no" | "" => false,
            v => return Err(format!("replicated: '{v}' is not 1 or 0")),
        };
        Ok(Config {
            replicated,
            limits,
            billing_checkout_url: url("billing-checkout-url")?,
            billing_portal_url: url("billing-portal-url")?,
            db: PathBuf::from(self.get("db")),
            bind,
            threads,
            max_connections: number(self, "max-connections", 1, 100_000)? as usize,
            jwt_secret,
            jwt_ttl: number(self, "jwt-ttl", 60, 2_592_000)?,
            bcrypt_cost: number(self, "bcrypt-cost", 4, 31)? as u32,
            hash_concurrency,
            trusted_proxies,
            mcp_allowed_origins,
        })
    }
}

fn number(raw: &Raw, name: &str, min: i64, max: i64) -> Result<i64, String> {
    let v = raw.get(name);
    match v.trim().parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "{name}: '{v}' is not a whole number from {min} to {max}"
        )),
    }
}

/// The settings part of `--help`.
pub fn help() -> String {
    let mut out = String::from("Settings (flag, environment variable, default):\n");
    for s in SETTINGS {
        let default = if s.default.is_empty() {
            "unset"
        } else {
            s.default
        };
        out.push_str(&format!(
            "  --{:<18} {:<26} [{}]\n      {}\n",
            s.name, s.env, default, s.doc
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], env: &[(&str, &str)]) -> Result<Config, String> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let (raw, _) = Raw::gather(&args, |k| {
            env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
        })?;
        raw.validate()
    }

    #[test]
    fn defaults_are_valid() {
        let c = parse(&[], &[]).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:8000");
        assert_eq!(c.bcrypt_cost, 12);
        assert!(c.jwt_secret.is_none());
        assert_eq!(
            c.limits.public,
            Rate {
                burst: 120.0,
                per_sec: 2.0
            }
        );
        assert_eq!(
            c.limits.keys[0],
            (
                Rate {
                    burst: 60.0,
                    per_sec: 1.0
                },
                1000
            )
        );
        assert_eq!(c.limits.keys[1].1, 100_000);
    }

    #[test]
    fn flag_beats_environment() {
        let c = parse(
            &["--bind", "127.0.0.1:9"],
            &[("RESTUME_BIND", "127.0.0.1:7")],
        )
        .unwrap();
        assert_eq!(c.bind.port(), 9);
        let c = parse(&["--bind=127.0.0.1:5"], &[]).unwrap();
        assert_eq!(c.bind.port(), 5);
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(
            parse(&["--bind", "nowhere"], &[])
                .unwrap_err()
                .contains("bind")
        );
        assert!(
            parse(&[], &[("RESTUME_JWT_SECRET", "short")])
                .unwrap_err()
                .contains("32 bytes")
        );
        assert!(parse(&["--bcrypt-cost", "3"], &[]).is_err());
        assert!(parse(&["--bcrypt-cost", "32"], &[]).is_err());
        assert!(parse(&["--threads", "0"], &[]).is_err());
        assert!(parse(&["--trusted-proxies", "1.2.3.4,x"], &[]).is_err());
        assert!(parse(&["--db"], &[]).is_err());
        assert!(
            parse(&["--limit-public", "fast"], &[])
                .unwrap_err()
                .contains("limit-public")
        );
        assert!(parse(&["--plan-free-keys", "60:1/s"], &[]).is_err());
        assert!(parse(&["--billing-checkout-url", "javascript:x"], &[]).is_err());
    }
}
