//! `/v1/me/profile`: every field, its limits, and `null` to clear.

use serde_json::{Value, json};

use crate::helpers::*;

fn full() -> Value {
    json!({
        "headline": "Backend engineer", "summary": "Builds APIs.\nLikes SQLite.", "location": "Lisbon, PT",
        "public_email": "ada@public.example", "phone": "+351 900 000 000", "website": "https://ada.example",
        "avatar_url": "http://img.example/ada.png",
        "links": [{"network": "GitHub", "username": "ada", "url": "https://github.com/ada"}],
        "open_to_work": true, "open_to_work_note": "Remote only", "open_to_work_roles": ["Backend", "SRE"],
        "is_public": false
    })
}

#[test]
fn a_new_profile_is_empty_and_public() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let p = app.get("/v1/me/profile", Cred::Jwt(&jwt)).json();
    assert_eq!(p["headline"], json!(null));
    assert_eq!(p["links"], json!([]));
    assert_eq!(p["open_to_work"], false);
    assert_eq!(p["is_public"], true);
    assert!(p["updated_at"].as_str().unwrap().ends_with('Z'));
}

#[test]
fn every_field_can_be_set_and_cleared() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let r = app.patch("/v1/me/profile", Cred::Jwt(&jwt), &full());
    assert_eq!(r.status, 200, "{}", r.text());
    let p = r.json();
    for (k, v) in full().as_object().unwrap() {
        let expected = if k == "links" {
            json!([{"network": "GitHub", "username": "ada", "url": "https://github.com/ada"}])
        } else {
            v.clone()
        };
        assert_eq!(&p[k], &expected, "{k}");
    }
    assert_eq!(app.get("/v1/me/profile", Cred::Jwt(&jwt)).json(), p);

    // a partial update leaves the rest alone; null clears
    let r = app.patch(
        "/v1/me/profile",
        Cred::Jwt(&jwt),
        &json!({"headline": null, "links": null, "open_to_work_roles": null, "website": null}),
    );
    let p = r.json();
    assert_eq!(p["headline"], json!(null));
    assert_eq!(p["website"], json!(null));
    assert_eq!(p["links"], json!([]));
    assert_eq!(p["open_to_work_roles"], json!([]));
    assert_eq!(p["summary"], "Builds APIs.\nLikes SQLite.");
    assert_eq!(p["is_public"], false);
}

#[test]
fn every_limit_is_enforced_and_nothing_is_half_saved() {
    let app = spawn_app();
    let jwt = app.user("ada");
    app.patch("/v1/me/profile", Cred::Jwt(&jwt), &full());
    let before = app.get("/v1/me/profile", Cred::Jwt(&jwt)).json();
    let link = json!({"network": "x", "url": "https://x.example"});
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({"headline": "h".repeat(201)}), "headline", "too_long"),
        (json!({"summary": "s".repeat(5001)}), "summary", "too_long"),
        (json!({"location": "l".repeat(201)}), "location", "too_long"),
        (
            json!({"public_email": "not-an-email"}),
            "public_email",
            "invalid_format",
        ),
        (json!({"phone": "1".repeat(51)}), "phone", "too_long"),
        (
            json!({"website": "ftp://ada.example"}),
            "website",
            "invalid_format",
        ),
        (
            json!({"avatar_url": "javascript:alert(1)"}),
            "avatar_url",
            "invalid_format",
        ),
        (
            json!({"links": vec![link.clone(); 21]}),
            "links",
            "too_many",
        ),
        (
            json!({"links": [{"network": "x", "url": "nope"}]}),
            "links[0].url",
            "invalid_format",
        ),
        (
            json!({"links": [{"network": "n".repeat(51)}]}),
            "links[0].network",
            "too_long",
        ),
        (
            json!({"links": [{"username": "u".repeat(101)}]}),
            "links[0].username",
            "too_long",
        ),
        (
            json!({"links": [{"nick": "x"}]}),
            "links[0].nick",
            "unknown_field",
        ),
        (json!({"links": ["x"]}), "links[0]", "wrong_type"),
        (json!({"links": "x"}), "links", "wrong_type"),
        (json!({"open_to_work": "yes"}), "open_to_work", "wrong_type"),
        (
            json!({"open_to_work": null}),
            "open_to_work",
            "not_nullable",
        ),
        (
            json!({"open_to_work_note": "n".repeat(501)}),
            "open_to_work_note",
            "too_long",
        ),
        (
            json!({"open_to_work_roles": vec!["r"; 11]}),
            "open_to_work_roles",
            "too_many",
        ),
        (
            json!({"open_to_work_roles": ["r".repeat(101)]}),
            "open_to_work_roles[0]",
            "too_long",
        ),
        (
            json!({"open_to_work_roles": [1]}),
            "open_to_work_roles[0]",
            "wrong_type",
        ),
        (json!({"is_public": null}), "is_public", "not_nullable"),
        (json!({"is_public": 1}), "is_public", "wrong_type"),
        (json!({"headline": 5}), "headline", "wrong_type"),
        (json!({"user_id": "x"}), "user_id", "unknown_field"),
        (
            json!({"updated_at": "2020-01-01T00:00:00Z"}),
            "updated_at",
            "unknown_field",
        ),
    ];
    for (body, field, code) in cases {
        // each bad field rides along with a good one, which must not be saved either
        let mut body = body;
        if field != "headline" {
            body["headline"] = json!("changed");
        }
        let r = app.patch("/v1/me/profile", Cred::Jwt(&jwt), &body);
        assert_eq!(
            r.field_errors(),
            vec![(field.to_string(), code.to_string())],
            "{body}"
        );
    }
    // the limits themselves are allowed
    let r = app.patch(
        "/v1/me/profile",
        Cred::Jwt(&jwt),
        &json!({"headline": "h".repeat(200), "summary": "é".repeat(5000), "open_to_work_roles": vec!["r".repeat(100); 10],
                "links": vec![link; 20]}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let after = r.json();
    assert_eq!(after["location"], before["location"]);
}

#[test]
fn profiles_are_private_to_their_owner() {
    let app = spawn_app();
    let ada = app.user("ada");
    let bob = app.user("bob");
    app.patch(
        "/v1/me/profile",
        Cred::Jwt(&ada),
        &json!({"headline": "Ada's"}),
    );
    assert_eq!(
        app.get("/v1/me/profile", Cred::Jwt(&bob)).json()["headline"],
        json!(null)
    );
    let key = app.key(&bob);
    let r = app.patch(
        "/v1/me/profile",
        Cred::Key(&key),
        &json!({"headline": "Bob's"}),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        app.get("/v1/me/profile", Cred::Jwt(&ada)).json()["headline"],
        "Ada's"
    );
}
