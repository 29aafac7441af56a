//! Why a client command stopped, and the exit code that says so (SPEC §9):
//! 1 error, 2 usage, 3 not found, 4 not signed in or not allowed, 5 rate limited.

#[derive(Debug)]
pub struct Fail {
    pub code: i32,
    pub message: String,
}

pub type Done = Result<(), Fail>;

pub const ERROR: i32 = 1;
pub const USAGE: i32 = 2;
pub const NOT_FOUND: i32 = 3;
pub const DENIED: i32 = 4;
pub const LIMITED: i32 = 5;

impl Fail {
    pub fn new(code: i32, message: impl Into<String>) -> Fail {
        Fail {
            code,
            message: message.into(),
        }
    }

    pub fn error(message: impl Into<String>) -> Fail {
        Fail::new(ERROR, message)
    }

    /// The command line itself is wrong; `command` names where to read more.
    pub fn usage(command: &str, message: impl Into<String>) -> Fail {
        let help = if command.is_empty() {
            "restume --help".to_string()
        } else {
            format!("restume {command} --help")
        };
        Fail::new(USAGE, format!("{} (see {help})", message.into()))
    }

    pub fn denied(message: impl Into<String>) -> Fail {
        Fail::new(DENIED, message)
    }
}

/// The exit code for an HTTP status the server answered with.
pub fn code_for_status(status: u16) -> i32 {
    match status {
        401 | 403 => DENIED,
        404 => NOT_FOUND,
        429 => LIMITED,
        _ => ERROR,
    }
}
