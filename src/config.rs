//! Settings: one table (name, environment variable, default, doc) is the single
//! source of truth for the flags, the environment, `--help` and `restume config`.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

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
        doc: "request worker threads (1-1024)",
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
        doc: "password hashes run at once; 0: one per core",
    },
    Setting {
        name: "trusted-proxies",
        env: "RESTUME_TRUSTED_PROXIES",
        default: "",
        secret: false,
        doc: "comma-separated proxy IPs whose X-Forwarded-For is believed",
    },
];

/// The validated settings the server runs with.
#[derive(Clone, Debug)]
pub struct Config {
    pub db: PathBuf,
    pub bind: SocketAddr,
    pub threads: usize,
    pub jwt_secret: Option<Vec<u8>>,
    pub jwt_ttl: i64,
    pub bcrypt_cost: u32,
    pub hash_concurrency: usize,
    pub trusted_proxies: Vec<IpAddr>,
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
        let hash_concurrency = match number(self, "hash-concurrency", 0, 1024)? as usize {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        Ok(Config {
            db: PathBuf::from(self.get("db")),
            bind,
            threads,
            jwt_secret,
            jwt_ttl: number(self, "jwt-ttl", 60, 2_592_000)?,
            bcrypt_cost: number(self, "bcrypt-cost", 4, 31)? as u32,
            hash_concurrency,
            trusted_proxies,
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
    }
}
