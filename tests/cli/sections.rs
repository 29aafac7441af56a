//! `profile` and the five sections: FIELD=VALUE typed by the field, every
//! action, `--json` parsed, and the server's refusals at their fields.

use serde_json::json;

use crate::helpers::{User, server};

#[test]
fn skills_add_list_set_rm_with_typed_values() {
    let s = server(&[]);
    let u = User::new(&s);
    u.signup("ada");
    let out = u
        .cli(&[
            "skills",
            "add",
            "name=Rust",
            "level=Expert",
            "years=6",
            "keywords=tokio, serde",
            "--json",
        ])
        .ok();
    let row = out.json();
    assert_eq!(row["years"], 6, "a number, not \"6\"");
    assert_eq!(row["keywords"], json!(["tokio", "serde"]));
    assert!(out.stderr.contains("Added skills"), "{out:?}");
    let id = row["id"].as_str().unwrap().to_string();

    // a number-looking name stays text; repeated list items keep their commas
    let row = u
        .cli(&[
            "skills",
            "add",
            "name=42",
            "keywords=a, b",
            "keywords=c",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(row["name"], "42");
    assert_eq!(row["keywords"], json!(["a, b", "c"]));

    // the table for people: short ids, aligned columns
    let table = u.cli(&["skills"]).ok().stdout;
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines[0].starts_with("ID") && lines[0].contains("NAME") && lines[0].contains("KEYWORDS"),
        "{table}"
    );
    assert!(
        lines[1].starts_with(&id[..8])
            && lines[1].contains("Rust")
            && lines[1].contains("tokio, serde"),
        "{table}"
    );
    assert_eq!(lines.len(), 3);
    let list = u.cli(&["skills", "list", "--json"]).ok().json();
    assert_eq!(list.as_array().unwrap().len(), 2);

    // set changes the fields named, by id prefix, and keeps the rest
    let row = u
        .cli(&[
            "skills",
            "set",
            &id[..6],
            "level=Master",
            "category=",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(
        (row["level"].as_str(), row["years"].as_i64()),
        (Some("Master"), Some(6))
    );
    assert_eq!(row["keywords"], json!(["tokio", "serde"]));
    assert!(row["category"].is_null());
    let shown = u.cli(&["skills", "show", &id]).ok().stdout;
    assert!(
        shown.contains("level:") && shown.contains("Master"),
        "{shown}"
    );

    // the server's 422, at each field; exit 1
    let out = u
        .cli(&["skills", "add", "name=Go", "years=six", "bogus=1"])
        .fails(1);
    assert!(
        out.stderr.contains("years: must be a whole number"),
        "{out:?}"
    );
    assert!(out.stderr.contains("bogus: is not a field"), "{out:?}");
    let out = u.cli(&["skills", "set", &id, "years=99"]).fails(1);
    assert!(out.stderr.contains("years:"), "{out:?}");
    let out = u.cli(&["skills", "add", "name=rust"]).fails(1);
    assert!(out.stderr.contains("409"), "{out:?}");
    // not FIELD=VALUE, or nothing to set: usage
    u.cli(&["skills", "add", "Rust"]).fails(2);
    u.cli(&["skills", "add"]).fails(2);
    u.cli(&["skills", "set", &id]).fails(2);

    u.cli(&["skills", "rm", &id[..8]]).ok();
    let out = u.cli(&["skills", "rm", &id]).fails(3);
    assert!(out.stderr.contains("404"), "{out:?}");
    u.cli(&["skills", "show", "ffff"]).fails(3);
    u.cli(&["skills", "rm", "zz"]).fails(3);
    // an id is never a path of its own
    let out = u
        .cli(&["skills", "show", "../../auth/api-keys/0000000000000000"])
        .fails(3);
    assert!(!s.log_text().contains("api-keys"), "{out:?}");
}

#[test]
fn another_owners_row_is_not_found() {
    let s = server(&[]);
    let (ada, bob) = (User::new(&s), User::new(&s));
    ada.signup("ada");
    bob.signup("bob");
    let id = ada
        .cli(&[
            "experience",
            "add",
            "company=Acme",
            "title=Engineer",
            "--json",
        ])
        .ok()
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    bob.cli(&["experience", "show", &id]).fails(3);
    bob.cli(&["experience", "set", &id, "title=Owner"]).fails(3);
    bob.cli(&["experience", "rm", &id]).fails(3);
    // and prefixes only search one's own rows
    bob.cli(&["experience", "rm", &id[..8]]).fails(3);
    assert_eq!(
        ada.cli(&["experience", "--json"]).ok().json()[0]["title"],
        "Engineer"
    );
}

#[test]
fn every_section_and_the_profile() {
    let s = server(&[]);
    let u = User::new(&s);
    u.signup("ada");
    let rows = [
        (
            "experience",
            vec![
                "company=Acme",
                "title=Staff engineer",
                "start_date=2021-03",
                "highlights=Cut p99, by 40%",
                "highlights=Led 4",
            ],
        ),
        (
            "education",
            vec![
                "institution=University of London",
                "area=Mathematics",
                "study_type=BSc",
                "end_date=2015",
                "courses=Analysis,Algebra",
            ],
        ),
        (
            "projects",
            vec![
                "name=restume",
                "url=https://example.com/restume",
                "keywords=rust,sqlite",
            ],
        ),
        (
            "certifications",
            vec!["name=CKA", "issuer=CNCF", "date=2024-05", "expires=2027-05"],
        ),
        ("skills", vec!["name=Rust", "years=6"]),
    ];
    for (section, fields) in &rows {
        let mut args = vec![*section, "add"];
        args.extend(fields.iter().copied());
        args.push("--json");
        let row = u.cli(&args).ok().json();
        assert!(row["id"].is_string(), "{section}: {row}");
        let table = u.cli(&[section]).ok().stdout;
        assert_eq!(table.lines().count(), 2, "{section}: {table}");
    }
    let exp = u.cli(&["experience", "--json"]).ok().json();
    assert_eq!(exp[0]["highlights"], json!(["Cut p99, by 40%", "Led 4"]));
    let edu = u.cli(&["education", "--json"]).ok().json();
    assert_eq!(edu[0]["courses"], json!(["Analysis", "Algebra"]));
    // an end before the start is the server's 422
    let out = u
        .cli(&[
            "experience",
            "add",
            "company=X",
            "title=Y",
            "start_date=2022",
            "end_date=2020",
        ])
        .fails(1);
    assert!(out.stderr.contains("end_date"), "{out:?}");

    let p = u
        .cli(&[
            "profile",
            "set",
            "headline=Backend engineer",
            "open_to_work=true",
            "open_to_work_roles=Staff,Principal",
            "location=London",
            r#"links=[{"network": "GitHub", "url": "https://github.com/ada"}]"#,
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(p["open_to_work"], true);
    assert_eq!(p["open_to_work_roles"], json!(["Staff", "Principal"]));
    assert_eq!(p["links"][0]["network"], "GitHub");
    let p = u
        .cli(&["profile", "set", "location=", "--json"])
        .ok()
        .json();
    assert!(p["location"].is_null());
    let shown = u.cli(&["profile"]).ok().stdout;
    assert!(
        shown.contains("headline:") && shown.contains("Backend engineer"),
        "{shown}"
    );
    let out = u
        .cli(&["profile", "set", "is_public=maybe", "nickname=Ada"])
        .fails(1);
    assert!(
        out.stderr.contains("is_public:") && out.stderr.contains("nickname:"),
        "{out:?}"
    );
    let out = u.cli(&["profile", "set", "links=[oops"]).fails(2);
    assert!(out.stderr.contains("links"), "{out:?}");
}
