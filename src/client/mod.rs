//! The owner CLI (SPEC §9): the same `restume` binary as a client of any
//! RESTume server, speaking the public `/v1` API exactly as a script would.
//! `restume COMMAND --help` shows a command's options and an example.

mod account;
mod args;
mod creds;
mod fail;
mod fields;
mod http;
mod keys;
mod numbers;
mod out;
mod presentation;
mod prompt;
mod public;
mod resume;
mod sections;
mod session;

use args::{Args, Opt, flag, value, value_short};
use fail::Done;
use session::Ctx;

pub struct Command {
    pub name: &'static str,
    /// One line for `restume --help`.
    pub about: &'static str,
    /// The command's words, after `restume NAME`.
    pub synopsis: &'static str,
    /// What `restume NAME --help` adds: details and an example.
    pub help: &'static str,
    pub opts: &'static [Opt],
    pub run: fn(&mut Ctx) -> Done,
}

const SECTION_HELP: &str = "Actions:
  list                       the rows, in position order (the default)
  show ID                    one row, every field
  add FIELD=VALUE…           a new row (it goes last unless position= says)
  set ID FIELD=VALUE…        change the fields named; the others stay
  rm ID                      delete the row
ID is the full id or the first characters shown by list.
FIELD=VALUE: text by default; numbers and lists by the field (years=6,
keywords=tokio,serde or the field repeated, one item each); FIELD= clears it;
FIELD:=JSON sends any JSON value.";

macro_rules! section {
    ($name:literal, $example:literal) => {
        Command {
            name: $name,
            about: concat!("list, add, change and remove ", $name),
            synopsis: "[list | show ID | add FIELD=VALUE… | set ID FIELD=VALUE… | rm ID]",
            help: concat!("Example:\n  ", $example),
            opts: &[],
            run: sections::section,
        }
    };
}

pub const COMMANDS: &[Command] = &[
    Command {
        name: "signup",
        about: "create an account on a server and sign in",
        synopsis: "[--server URL] [--username U] [--email E] [--full-name N] [--password-stdin]",
        help: "Asks for what the options do not give; the password without echo, twice.
Without a terminal, give the options and pipe the password in.
Example:
  restume signup --server https://resume.example.com",
        opts: &[value("username"), value("email"), value("full-name"), flag("password-stdin")],
        run: account::signup,
    },
    Command {
        name: "login",
        about: "sign in (or keep an API key with --with-key)",
        synopsis: "[--server URL] [--username U] [--password-stdin] [--with-key]",
        help: "Keeps the credential in $XDG_CONFIG_HOME/restume/credentials.json (else
~/.config/restume/), one entry per server; the server signed in to last is
used when no --server or RESTUME_SERVER says otherwise. The password is asked
without echo on a terminal, else read from stdin with --password-stdin;
--with-key reads an API key (rst_…) from stdin instead.
Examples:
  restume login --server https://resume.example.com --username ada
  printf '%s\\n' \"$PASSWORD\" | restume login --username ada --password-stdin
  restume login --with-key < key.txt",
        opts: &[value("username"), flag("password-stdin"), flag("with-key")],
        run: account::login,
    },
    Command {
        name: "logout",
        about: "forget the credential (--everywhere: end every session too)",
        synopsis: "[--server URL] [--everywhere]",
        help: "Example:\n  restume logout --everywhere",
        opts: &[flag("everywhere")],
        run: account::logout,
    },
    Command {
        name: "whoami",
        about: "the account you are signed in as, and its plan",
        synopsis: "",
        help: "Example:\n  restume whoami",
        opts: &[],
        run: account::whoami,
    },
    Command {
        name: "profile",
        about: "read or change the profile",
        synopsis: "[show | set FIELD=VALUE…]",
        help: "Fields: headline, summary, location, public_email, phone, website,
avatar_url, links (JSON), open_to_work (true/false), open_to_work_note,
open_to_work_roles (a list), is_public (true/false). FIELD= clears it.
Example:
  restume profile set headline='Backend engineer' open_to_work=true open_to_work_roles=Staff,Principal",
        opts: &[],
        run: sections::profile,
    },
    section!("skills", "restume skills add name=Rust level=Expert years=6 keywords=tokio,serde"),
    section!(
        "experience",
        "restume experience add company=Acme title='Staff engineer' start_date=2021-03 highlights='Cut p99 by 40%'"
    ),
    section!(
        "education",
        "restume education add institution='University of London' area=Mathematics study_type=BSc end_date=2015"
    ),
    section!(
        "projects",
        "restume projects add name=restume url=https://github.com/ada/restume keywords=rust,sqlite"
    ),
    section!(
        "certifications",
        "restume certifications add name='CKA' issuer='CNCF' date=2024-05 expires=2027-05"
    ),
    Command {
        name: "resume",
        about: "import or export the whole résumé (JSON Resume)",
        synopsis: "import FILE|- | export [--format jsonresume] [-o FILE]",
        help: "import replaces the profile and the five sections with a JSON Resume
document, all or nothing; - reads it from stdin. export writes RESTume's own
form, or JSON Resume with --format jsonresume, to stdout or to FILE (written
whole or not at all).
Examples:
  restume resume import cv.json
  restume resume export --format jsonresume -o cv.json",
        opts: &[value("format"), value_short("output", "o")],
        run: resume::resume,
    },
    Command {
        name: "keys",
        about: "API keys for scripts",
        synopsis: "[list | create NAME [--expires-at T] | revoke ID]",
        help: "create prints the new key alone on stdout (shown this once); T is an
RFC 3339 time. revoke takes the key's ID (or its first characters) or its
prefix (rst_…, as list shows). Keys are managed from a password sign-in only.
Example:
  restume keys create ci --expires-at 2027-01-01T00:00:00Z > ci.key
  restume keys revoke \"$(head -c 8 ci.key)\"",
        opts: &[value("expires-at")],
        run: keys::keys,
    },
    Command {
        name: "theme",
        about: "the public page's theme",
        synopsis: "[show | list | set ID]",
        help: "Example:\n  restume theme list\n  restume theme set minimal",
        opts: &[],
        run: presentation::theme,
    },
    Command {
        name: "layout",
        about: "the order and visibility of the page's sections (pro)",
        synopsis: "[show | set SECTION…]",
        help: "set shows the sections named, in that order, and hides the others.
Example:
  restume layout set experience projects skills",
        opts: &[],
        run: presentation::layout,
    },
    Command {
        name: "analytics",
        about: "views, API requests, asks and MCP exposures per day",
        synopsis: "[--days N]",
        help: "N is 1-7 on the free plan, up to 365 on pro (default 7).\nExample:\n  restume analytics --days 7",
        opts: &[value("days")],
        run: numbers::analytics,
    },
    Command {
        name: "usage",
        about: "rate-limit buckets and API-key requests today",
        synopsis: "",
        help: "Example:\n  restume usage",
        opts: &[],
        run: numbers::usage,
    },
    Command {
        name: "transcripts",
        about: "visitors' chat transcripts (pro)",
        synopsis: "[list [--limit N] [--offset N] | show ID | rm ID]",
        help: "Example:\n  restume transcripts show 30c5a684",
        opts: &[value("limit"), value("offset")],
        run: numbers::transcripts,
    },
    Command {
        name: "insights",
        about: "top and unanswered questions, referrers (pro)",
        synopsis: "[--export csv|json [-o FILE]]",
        help: "Example:\n  restume insights --export csv -o insights.csv",
        opts: &[value("export"), value_short("output", "o")],
        run: numbers::insights,
    },
    Command {
        name: "search",
        about: "search public profiles",
        synopsis: "[QUERY] [--skill S] [--location L] [--open-to-work] [--limit N] [--offset N]",
        help: "Example:\n  restume search rust --open-to-work",
        opts: &[
            value("skill"),
            value("location"),
            flag("open-to-work"),
            value("limit"),
            value("offset"),
        ],
        run: public::search,
    },
    Command {
        name: "show",
        about: "someone's public résumé",
        synopsis: "USERNAME [--format jsonresume]",
        help: "Example:\n  restume show ada",
        opts: &[value("format")],
        run: public::show,
    },
    Command {
        name: "ask",
        about: "ask a question about someone's résumé",
        synopsis: "USERNAME QUESTION",
        help: "Example:\n  restume ask ada 'How many years of Rust does she have?'",
        opts: &[],
        run: public::ask,
    },
];

pub fn find(name: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| c.name == name)
}

const COMMON: &str = "Every client command takes --server URL (else RESTUME_SERVER, else the
server signed in to last, else http://127.0.0.1:8000) and --json (the
server's JSON, unchanged). RESTUME_TOKEN (a JWT or an API key) overrides the
stored credential; RESTUME_CA_CERT=FILE trusts a private CA's PEM instead of
the public roots. Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 not signed
in or not allowed, 5 rate limited.";

/// The client group of `restume --help`.
pub fn usage() -> String {
    let mut s =
        String::from("Client commands (against any RESTume server, see restume COMMAND --help):\n");
    for c in COMMANDS {
        s.push_str(&format!("  restume {:<27}{}\n", c.name, c.about));
    }
    s.push('\n');
    s.push_str(COMMON);
    s.push_str("\n\n");
    s
}

fn help(c: &Command) -> String {
    let mut s = format!("restume {} {}\n  {}\n\n", c.name, c.synopsis, c.about);
    if let Some(section) = crate::resume::sections::by_name(c.name) {
        s.push_str(SECTION_HELP);
        let fields: Vec<String> = section
            .cols
            .iter()
            .map(|col| match col.kind {
                crate::resume::sections::Kind::Text { min: 1.., .. } => {
                    format!("{} (required)", col.name)
                }
                _ => col.name.to_string(),
            })
            .collect();
        s.push_str(&format!("\nFields: {}, position.\n", fields.join(", ")));
    }
    s.push_str(c.help);
    s.push_str("\n\n");
    s.push_str(COMMON);
    s.push('\n');
    s
}

/// Runs client command `c` with the words after its name; the exit code.
pub fn run(c: &'static Command, rest: &[String]) -> i32 {
    if rest.iter().any(|a| a == "--help" || a == "-h") {
        print!("{}", help(c));
        return 0;
    }
    let result = Args::parse(c.name, rest, c.opts).and_then(|args| {
        let mut ctx = Ctx {
            command: c.name,
            json: args.has("json"),
            args,
        };
        (c.run)(&mut ctx)
    });
    match result {
        Ok(()) => 0,
        Err(f) => {
            eprintln!("restume {}: {}", c.name, f.message);
            f.code
        }
    }
}
