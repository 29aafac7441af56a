//! Parse, don't validate: a `Username`, `Email` or `Password` can only exist
//! once it has passed the rules of SPEC §2.3.

use crate::error::FieldError;

pub const RESERVED: &[&str] = &[
    "admin",
    "administrator",
    "api",
    "auth",
    "blog",
    "health",
    "me",
    "mcp",
    "openapi",
    "root",
    "static",
    "system",
    "u",
    "v1",
    "www",
    "restume",
    "support",
    "login",
    "register",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Username(String);

impl Username {
    pub fn parse(field: &str, s: &str) -> Result<Username, FieldError> {
        let n = s.chars().count();
        let bad = |code, msg: &str| Err(FieldError::new(field, code, msg));
        if RESERVED.contains(&s.to_ascii_lowercase().as_str()) {
            return bad("reserved", "this name is reserved");
        }
        if n < 3 {
            return bad("too_short", "at least 3 characters");
        }
        if n > 50 {
            return bad("too_long", "at most 50 characters");
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return bad("invalid_format", "only letters, digits, '-' and '_'");
        }
        if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return bad("invalid_format", "must start with a letter or a digit");
        }
        Ok(Username(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form uniqueness is checked on.
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

/// The longest email address, in bytes (RFC 5321's path limit).
pub const MAX_EMAIL: usize = 254;
/// The longest password, in characters.
pub const MAX_PASSWORD: usize = 128;

#[derive(Debug, Clone, PartialEq)]
pub struct Email(String);

impl Email {
    /// A pragmatic check: one `@`, a non-empty local part, a dotted domain, no spaces.
    pub fn parse(field: &str, s: &str) -> Result<Email, FieldError> {
        let s = s.trim();
        if s.len() > MAX_EMAIL {
            return Err(FieldError::new(
                field,
                "too_long",
                format!("at most {MAX_EMAIL} characters"),
            ));
        }
        let valid = match s.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && local.len() <= 64
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
                    && !s
                        .chars()
                        .any(|c| c.is_whitespace() || c.is_control() || "<>()[],;:\"\\".contains(c))
            }
            None => false,
        };
        if !valid {
            return Err(FieldError::new(
                field,
                "invalid_format",
                "must be an email address",
            ));
        }
        Ok(Email(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A new password: 8–128 characters, every one of them significant.
pub struct Password(String);

impl Password {
    pub fn parse(field: &str, s: String) -> Result<Password, FieldError> {
        let n = s.chars().count();
        if n < 8 {
            return Err(FieldError::new(field, "too_short", "at least 8 characters"));
        }
        if n > MAX_PASSWORD {
            return Err(FieldError::new(
                field,
                "too_long",
                format!("at most {MAX_PASSWORD} characters"),
            ));
        }
        Ok(Password(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(Username::parse("u", "ada").is_ok());
        assert!(Username::parse("u", "9lives_x-y").is_ok());
        for (bad, code) in [
            ("ab", "too_short"),
            ("-ada", "invalid_format"),
            ("_ada", "invalid_format"),
            ("ad a", "invalid_format"),
            ("adé", "invalid_format"),
            ("Admin", "reserved"),
            ("ME", "reserved"),
        ] {
            assert_eq!(Username::parse("u", bad).unwrap_err().code, code, "{bad}");
        }
        assert_eq!(
            Username::parse("u", &"a".repeat(51)).unwrap_err().code,
            "too_long"
        );
    }

    #[test]
    fn emails() {
        assert!(Email::parse("e", "ada@example.com").is_ok());
        for bad in [
            "ada",
            "ada@",
            "@x.com",
            "a@b",
            "a b@c.com",
            "a@@b.com",
            "a@.com",
            "a@b..com",
        ] {
            assert!(Email::parse("e", bad).is_err(), "{bad}");
        }
        assert_eq!(
            Email::parse("e", "Ada@Example.COM").unwrap().key(),
            "ada@example.com"
        );
    }

    #[test]
    fn passwords_count_characters() {
        assert!(Password::parse("p", "1234567".into()).is_err());
        assert!(Password::parse("p", "éééééééé".into()).is_ok());
        assert!(Password::parse("p", "x".repeat(129)).is_err());
    }
}
