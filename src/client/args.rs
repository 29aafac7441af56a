//! The words and options of one client command. Each command declares the
//! options it knows; anything else is a usage error rather than a silent no-op.

use super::fail::Fail;

/// An option a command accepts: its long name, an optional short alias, and
/// whether a value follows it.
pub struct Opt {
    pub name: &'static str,
    pub short: Option<&'static str>,
    pub takes_value: bool,
}

pub const fn flag(name: &'static str) -> Opt {
    Opt {
        name,
        short: None,
        takes_value: false,
    }
}

pub const fn value(name: &'static str) -> Opt {
    Opt {
        name,
        short: None,
        takes_value: true,
    }
}

pub const fn value_short(name: &'static str, short: &'static str) -> Opt {
    Opt {
        name,
        short: Some(short),
        takes_value: true,
    }
}

/// Options every client command takes.
pub const GLOBAL: &[Opt] = &[value("server"), flag("json")];

#[derive(Debug, Default)]
pub struct Args {
    pub words: Vec<String>,
    opts: Vec<(&'static str, Option<String>)>,
}

impl Args {
    /// The first word (a command's verb), or `default` when there is none.
    pub fn verb(&self, default: &str) -> String {
        self.words
            .first()
            .cloned()
            .unwrap_or_else(|| default.into())
    }

    /// Splits `args` into words and the options of `known` (plus the global
    /// ones). `--name=value` and `--name value` both work; `--` ends options;
    /// a lone `-` is a word (stdin).
    pub fn parse(command: &str, args: &[String], known: &[Opt]) -> Result<Args, Fail> {
        let mut out = Args::default();
        let mut it = args.iter();
        let mut options_done = false;
        while let Some(a) = it.next() {
            if options_done || a == "-" || !a.starts_with('-') {
                out.words.push(a.clone());
                continue;
            }
            if a == "--" {
                options_done = true;
                continue;
            }
            let (name, inline) = match a.split_once('=') {
                Some((n, v)) if a.starts_with("--") => (n, Some(v.to_string())),
                _ => (a.as_str(), None),
            };
            let opt = known.iter().chain(GLOBAL).find(|o| {
                name.strip_prefix("--") == Some(o.name)
                    || (o.short.is_some() && name.strip_prefix('-') == o.short)
            });
            let Some(opt) = opt else {
                return Err(Fail::usage(command, format!("unknown option '{name}'")));
            };
            let value = match (opt.takes_value, inline) {
                (true, Some(v)) => Some(v),
                (true, None) => Some(it.next().cloned().ok_or_else(|| {
                    Fail::usage(command, format!("--{} needs a value", opt.name))
                })?),
                (false, Some(_)) => {
                    return Err(Fail::usage(
                        command,
                        format!("--{} takes no value", opt.name),
                    ));
                }
                (false, None) => None,
            };
            out.opts.push((opt.name, value));
        }
        Ok(out)
    }

    pub fn has(&self, name: &str) -> bool {
        self.opts.iter().any(|(n, _)| *n == name)
    }

    /// The last value given for an option (a later flag wins).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.opts
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    /// A whole-number option.
    pub fn number(&self, command: &str, name: &str) -> Result<Option<i64>, Fail> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v.parse().map(Some).map_err(|_| {
                Fail::usage(command, format!("--{name} needs a whole number, not '{v}'"))
            }),
        }
    }

    /// No more than `max` words.
    pub fn at_most(&self, command: &str, max: usize) -> Result<(), Fail> {
        match self.words.get(max) {
            Some(extra) => Err(Fail::usage(command, format!("unexpected '{extra}'"))),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn words_options_and_values() {
        let known = [
            value("days"),
            flag("everywhere"),
            value_short("output", "o"),
        ];
        let a = Args::parse(
            "x",
            &strings(&[
                "add", "--days=3", "-o", "f.json", "--json", "-", "--", "--not",
            ]),
            &known,
        )
        .unwrap();
        assert_eq!(a.words, ["add", "-", "--not"]);
        assert_eq!(a.get("days"), Some("3"));
        assert_eq!(a.get("output"), Some("f.json"));
        assert!(a.has("json") && !a.has("everywhere"));
        assert_eq!(a.number("x", "days").unwrap(), Some(3));
    }

    #[test]
    fn refusals_are_usage_errors() {
        let known = [value("days"), flag("everywhere")];
        for bad in [&["--nope"][..], &["--days"], &["--everywhere=yes"], &["-x"]] {
            let e = Args::parse("x", &strings(bad), &known).unwrap_err();
            assert_eq!(e.code, 2, "{bad:?}");
        }
        let a = Args::parse("x", &strings(&["--days", "many"]), &known).unwrap();
        assert_eq!(a.number("x", "days").unwrap_err().code, 2);
    }
}
