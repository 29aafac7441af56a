//! The credential file: `$XDG_CONFIG_HOME/restume/credentials.json` (else
//! `~/.config/restume/`), one entry per server URL plus the server used last.
//! The directory is 0700 and the file 0600, written whole to a temporary file
//! and renamed, so a crash never leaves half a file and no other user can
//! read a token, even for a moment.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::fail::Fail;

#[derive(Serialize, Deserialize, Default, Debug)]
pub struct Store {
    /// The server `login` last signed in to: used when neither `--server`
    /// nor `RESTUME_SERVER` names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_server: Option<String>,
    #[serde(default)]
    pub servers: BTreeMap<String, Entry>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Jwt,
    ApiKey,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Entry {
    pub username: String,
    #[serde(rename = "type")]
    pub kind: Kind,
    pub token: String,
}

/// Where the file lives; `None` when neither variable says.
pub fn dir() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty());
    match xdg {
        Some(x) if Path::new(&x).is_absolute() => Some(PathBuf::from(x).join("restume")),
        _ => std::env::var_os("HOME")
            .filter(|v| !v.is_empty())
            .map(|h| PathBuf::from(h).join(".config").join("restume")),
    }
}

fn file() -> Result<PathBuf, Fail> {
    dir().map(|d| d.join("credentials.json")).ok_or_else(|| {
        Fail::error("neither XDG_CONFIG_HOME nor HOME is set: nowhere to keep the credential")
    })
}

impl Store {
    /// The stored credentials; a missing file is an empty store.
    pub fn load() -> Result<Store, Fail> {
        let path = file()?;
        // Like ssh with a key file: tokens others can read are made private
        // again, and the owner is told.
        if let Ok(meta) = fs::metadata(&path)
            && meta.permissions().mode() & 0o077 != 0
        {
            eprintln!(
                "restume: {} was readable by others; it is 0600 again (consider signing in anew)",
                path.display()
            );
            fs::set_permissions(&path, fs::Permissions::from_mode(0o600))
                .map_err(|e| Fail::error(format!("cannot restrict {}: {e}", path.display())))?;
        }
        match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                Fail::error(format!(
                    "{} is damaged ({e}); remove it and sign in again",
                    path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Store::default()),
            Err(e) => Err(Fail::error(format!("cannot read {}: {e}", path.display()))),
        }
    }

    pub fn save(&self) -> Result<(), Fail> {
        let path = file()?;
        let dir = path.parent().expect("the file is inside a folder");
        let failed = |what: &str, e: std::io::Error| {
            Fail::error(format!("cannot {what} {}: {e}", dir.display()))
        };
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| failed("create", e))?;
        // A folder made earlier by someone else's tool may be wider.
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .map_err(|e| failed("restrict", e))?;
        let text = serde_json::to_vec_pretty(self).expect("the store serialises");
        let tmp = dir.join(format!(".credentials.json.{}", std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut f = fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(&tmp)?;
            f.set_permissions(fs::Permissions::from_mode(0o600))?;
            f.write_all(&text)?;
            f.write_all(b"\n")?;
            f.sync_all()?;
            fs::rename(&tmp, &path)
        };
        write().map_err(|e| {
            let _ = fs::remove_file(&tmp);
            Fail::error(format!("cannot write {}: {e}", path.display()))
        })
    }
}

/// The claims of a JWT the client needs (`iat`, `exp`), read without
/// checking the signature: the server checks it; this only decides when to
/// refresh.
pub fn jwt_times(token: &str) -> Option<(i64, i64)> {
    let payload = token.split('.').nth(1)?;
    let claims: serde_json::Value = serde_json::from_slice(&base64url(payload)?).ok()?;
    Some((claims["iat"].as_i64()?, claims["exp"].as_i64()?))
}

fn base64url(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes().take_while(|&c| c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_jwts_times() {
        // {"alg":"HS256"} . {"sub":"x","iat":1700000000,"exp":1700003600}
        let token =
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4IiwiaWF0IjoxNzAwMDAwMDAwLCJleHAiOjE3MDAwMDM2MDB9.sig";
        assert_eq!(jwt_times(token), Some((1_700_000_000, 1_700_003_600)));
        assert_eq!(jwt_times("not-a-jwt"), None);
        assert_eq!(jwt_times("a.b$d.c"), None);
        assert_eq!(base64url("aGk").unwrap(), b"hi");
        assert_eq!(base64url("aGk=").unwrap(), b"hi");
    }
}
