//! SPEC §7: the MCP server over real HTTP: the transport rules, the plan
//! gate, every tool's happy path and bad arguments, resources, privacy,
//! determinism and exposures.

use serde_json::{Value, json};

use crate::helpers::*;

/// A server with a recruiter (`rita`, returned as a JWT) and three public
/// candidates and one private one.
fn world() -> (TestApp, String) {
    let app = spawn_app();
    let rita = app.user("rita");
    app.grant("rita", "recruiter");
    let ada = app.user("ada");
    app.patch(
        "/v1/me/profile",
        Cred::Jwt(&ada),
        &json!({"headline": "Backend engineer", "location": "London, UK", "open_to_work": true,
                "open_to_work_note": "From March", "phone": "+44 1"}),
    );
    for (name, years) in [("Rust", 6), ("PostgreSQL", 4)] {
        let r = app.post(
            "/v1/me/skills",
            Cred::Jwt(&ada),
            &json!({"name": name, "years": years}),
        );
        assert_eq!(r.status, 201, "{}", r.text());
    }
    app.post(
        "/v1/me/experience",
        Cred::Jwt(&ada),
        &json!({"company": "Acme", "title": "Engineer", "start_date": "2015-01",
                "end_date": "2020-12", "summary": "Ran services on k8s"}),
    );
    app.post(
        "/v1/me/certifications",
        Cred::Jwt(&ada),
        &json!({"name": "AWS Certified Developer", "issuer": "Amazon", "date": "2019-01",
                "expires": "2022-01"}),
    );
    app.post(
        "/v1/me/certifications",
        Cred::Jwt(&ada),
        &json!({"name": "CKA", "issuer": "CNCF", "date": "2021-01"}),
    );
    let bob = app.user("bob");
    app.patch(
        "/v1/me/profile",
        Cred::Jwt(&bob),
        &json!({"headline": "Python developer", "location": "Paris"}),
    );
    app.post("/v1/me/skills", Cred::Jwt(&bob), &json!({"name": "Python"}));
    app.post(
        "/v1/me/experience",
        Cred::Jwt(&bob),
        &json!({"company": "Beta", "title": "Dev", "start_date": "2022-01", "end_date": "2023-12"}),
    );
    // carl and dora have the same résumé: a tie, broken by username
    for who in ["dora", "carl"] {
        let jwt = app.user(who);
        app.post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": "Rust"}));
    }
    let eve = app.user("eve");
    app.post("/v1/me/skills", Cred::Jwt(&eve), &json!({"name": "Rust"}));
    app.patch(
        "/v1/me/profile",
        Cred::Jwt(&eve),
        &json!({"is_public": false, "headline": "SECRET-HEADLINE"}),
    );
    (app, rita)
}

fn mcp_with(app: &TestApp, headers: &[(&str, &str)], body: &Value) -> Resp {
    let data = body.to_string();
    let mut h = vec![
        ("Content-Type", "application/json"),
        ("Accept", "application/json, text/event-stream"),
    ];
    h.extend_from_slice(headers);
    app.request("POST", "/mcp", &h, Some(data.as_bytes()))
}

fn rpc(app: &TestApp, jwt: &str, method: &str, params: Value) -> Value {
    let auth = format!("Bearer {jwt}");
    let r = mcp_with(
        app,
        &[
            ("Authorization", &auth),
            ("MCP-Protocol-Version", "2025-11-25"),
        ],
        &json!({"jsonrpc": "2.0", "id": 7, "method": method, "params": params}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    assert!(r.header("Mcp-Session-Id").is_none());
    let body = r.json();
    assert_eq!(body["jsonrpc"], "2.0");
    assert_eq!(body["id"], 7);
    body
}

/// A tool's structured result; asserts it is not an error and that the
/// text content holds the same JSON.
pub(crate) fn tool(app: &TestApp, jwt: &str, name: &str, args: Value) -> Value {
    let body = rpc(
        app,
        jwt,
        "tools/call",
        json!({"name": name, "arguments": args}),
    );
    let result = &body["result"];
    assert_eq!(result["isError"], false, "{body}");
    let text: Value = serde_json::from_str(result["content"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(text, result["structuredContent"]);
    result["structuredContent"].clone()
}

/// A tool error's message.
fn tool_error(app: &TestApp, jwt: &str, name: &str, args: Value) -> String {
    let body = rpc(
        app,
        jwt,
        "tools/call",
        json!({"name": name, "arguments": args}),
    );
    assert_eq!(body["result"]["isError"], true, "{body}");
    body["result"]["content"][0]["text"]
        .as_str()
        .unwrap()
        .to_string()
}

pub(crate) fn names(list: &Value, key: &str) -> Vec<String> {
    list[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["username"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn transport_rules() {
    let app = spawn_app();
    let jwt = app.user("rita");
    app.grant("rita", "recruiter");
    let auth = format!("Bearer {jwt}");
    let a: &[(&str, &str)] = &[("Authorization", &auth)];
    // a notification: 202, no body
    let r = mcp_with(
        &app,
        a,
        &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
    );
    assert_eq!(r.status, 202, "{}", r.text());
    assert!(r.body.is_empty());
    // a batch: 400, -32600
    let r = mcp_with(
        &app,
        a,
        &json!([{"jsonrpc": "2.0", "id": 1, "method": "ping"}]),
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["code"], -32600);
    // not JSON: -32700
    let r = app.request(
        "POST",
        "/mcp",
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        Some(b"{nope"),
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["code"], -32700);
    // the body rules of every route, as problems
    let r = app.request(
        "POST",
        "/mcp",
        &[("Authorization", &auth), ("Content-Type", "text/plain")],
        Some(b"{}"),
    );
    r.problem(415, "unsupported_media_type");
    // not a JSON-RPC request
    let r = mcp_with(&app, a, &json!({"id": 1, "method": "ping"}));
    assert_eq!(r.json()["error"]["code"], -32600);
    // GET and DELETE: 405 with Allow
    for m in ["GET", "DELETE"] {
        let r = app.request(m, "/mcp", a, None);
        r.problem(405, "method_not_allowed");
        assert_eq!(r.header("Allow"), Some("POST"));
    }
    // versions: absent, the three served, and a bad one
    for v in [
        None,
        Some("2025-11-25"),
        Some("2025-06-18"),
        Some("2025-03-26"),
    ] {
        let mut h = a.to_vec();
        h.extend(v.map(|v| ("MCP-Protocol-Version", v)));
        let r = mcp_with(
            &app,
            &h,
            &json!({"jsonrpc": "2.0", "id": "p", "method": "ping"}),
        );
        assert_eq!(r.status, 200, "{v:?}");
        assert_eq!(r.json(), json!({"jsonrpc": "2.0", "id": "p", "result": {}}));
    }
    let mut h = a.to_vec();
    h.push(("MCP-Protocol-Version", "1999-01-01"));
    let r = mcp_with(
        &app,
        &h,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}),
    );
    r.problem(400, "unsupported_protocol_version");
    // initialize echoes a version it serves, else answers its newest
    for (asked, got) in [("2025-06-18", "2025-06-18"), ("2024-11-05", "2025-11-25")] {
        let b = rpc(
            &app,
            &jwt,
            "initialize",
            json!({"protocolVersion": asked, "capabilities": {},
                   "clientInfo": {"name": "t", "version": "1"}}),
        );
        assert_eq!(b["result"]["protocolVersion"], got);
        assert!(b["result"]["capabilities"]["tools"].is_object());
        assert!(b["result"]["capabilities"]["resources"].is_object());
        assert_eq!(b["result"]["serverInfo"]["name"], "restume");
        assert!(b["result"]["instructions"].is_string());
    }
    // errors after dispatch are JSON-RPC errors
    assert_eq!(
        rpc(&app, &jwt, "nope/nope", json!({}))["error"]["code"],
        -32601
    );
    let b = rpc(&app, &jwt, "tools/call", json!({"name": "no_such_tool"}));
    assert_eq!(b["error"]["code"], -32602);
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("tools/list")
    );
    let b = rpc(&app, &jwt, "tools/call", json!({}));
    assert_eq!(b["error"]["code"], -32602);
    let b = rpc(&app, &jwt, "tools/list", json!({"cursor": "bogus"}));
    assert_eq!(b["error"]["code"], -32602);
    let b = rpc(
        &app,
        &jwt,
        "resources/read",
        json!({"uri": "restume://nothing/x"}),
    );
    assert_eq!(b["error"]["code"], -32002);
}

#[test]
fn origins_are_checked() {
    let app = spawn_with(&["--mcp-allowed-origins", "https://app.example.com"], &[]);
    let jwt = app.user("rita");
    app.grant("rita", "recruiter");
    let auth = format!("Bearer {jwt}");
    let ping = json!({"jsonrpc": "2.0", "id": 1, "method": "ping"});
    let own = format!("http://{}", app.addr);
    for ok in ["https://app.example.com", own.as_str()] {
        let r = mcp_with(&app, &[("Authorization", &auth), ("Origin", ok)], &ping);
        assert_eq!(r.status, 200, "{ok}: {}", r.text());
    }
    for bad in ["https://evil.example", "null", "http://localhost:1"] {
        let r = mcp_with(&app, &[("Authorization", &auth), ("Origin", bad)], &ping);
        r.problem(403, "origin_not_allowed");
    }
    // DNS rebinding: a name pointed at the server sends a Host that matches
    // its Origin; it is still not the server's own
    let body = ping.to_string();
    let raw = |host: &str| {
        app.raw(
            format!(
                "POST /mcp HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\n\
                 Authorization: {auth}\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        )
    };
    raw("evil.example.com").problem(403, "origin_not_allowed");
    raw("evil.example.com:80").problem(403, "origin_not_allowed");
    let port = app.addr.port();
    assert_eq!(raw(&format!("localhost:{port}")).status, 200);
    // refused before the credential is looked at
    let r = mcp_with(&app, &[("Origin", "https://evil.example")], &ping);
    r.problem(403, "origin_not_allowed");
}

#[test]
fn only_the_recruiter_plan_gets_in_and_keys_spend_quota() {
    let app = spawn_app();
    let ping = json!({"jsonrpc": "2.0", "id": 1, "method": "ping"});
    let r = mcp_with(&app, &[], &ping);
    r.problem(401, "not_authenticated");
    assert!(r.header("WWW-Authenticate").is_some());
    for (who, plan) in [("fred", None), ("pia", Some("pro"))] {
        let jwt = app.user(who);
        if let Some(p) = plan {
            app.grant(who, p);
        }
        let key = app.key(&jwt);
        let auth = format!("Bearer {jwt}");
        for h in [
            ("Authorization", auth.as_str()),
            ("X-API-Key", key.as_str()),
        ] {
            let body = mcp_with(&app, &[h], &ping).problem(403, "plan_required");
            assert_eq!(body["feature"], "mcp");
            assert_eq!(body["required_plan"], "recruiter");
        }
    }
    let jwt = app.user("rita");
    app.grant("rita", "recruiter");
    let key = app.key(&jwt);
    let used = |app: &TestApp| {
        app.get("/v1/me/usage", Cred::Jwt(&jwt)).json()["api_key_requests_today"]
            .as_u64()
            .unwrap()
    };
    let before = used(&app);
    let r = mcp_with(&app, &[("X-API-Key", &key)], &ping);
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.header("RateLimit").is_some());
    let r = mcp_with(&app, &[("Authorization", &format!("Bearer {key}"))], &ping);
    assert_eq!(r.status, 200);
    assert_eq!(used(&app), before + 2);
    // a JWT spends none
    mcp_with(&app, &[("Authorization", &format!("Bearer {jwt}"))], &ping);
    assert_eq!(used(&app), before + 2);
}

#[test]
fn tools_list_describes_fifteen_tools() {
    let app = spawn_app();
    let jwt = app.user("rita");
    app.grant("rita", "recruiter");
    let b = rpc(&app, &jwt, "tools/list", json!({}));
    let tools = b["result"]["tools"].as_array().unwrap();
    assert_eq!(tools.len(), 15);
    for t in tools {
        assert_eq!(t["inputSchema"]["type"], "object", "{t}");
        assert_eq!(t["outputSchema"]["type"], "object", "{t}");
        for h in [
            "readOnlyHint",
            "destructiveHint",
            "idempotentHint",
            "openWorldHint",
        ] {
            assert!(t["annotations"][h].is_boolean(), "{t}");
        }
    }
    let by = |n: &str| tools.iter().find(|t| t["name"] == n).unwrap().clone();
    assert_eq!(by("rank_candidates")["annotations"]["readOnlyHint"], true);
    assert_eq!(
        by("remove_from_shortlist")["annotations"]["destructiveHint"],
        true
    );
    assert_eq!(by("create_shortlist")["annotations"]["readOnlyHint"], false);
}

#[test]
fn list_and_search_candidates() {
    let (app, rita) = world();
    let all = tool(&app, &rita, "list_candidates", json!({}));
    // every public profile by username; eve is private; the recruiter and
    // the admin who granted her plan have (empty) public profiles too
    assert_eq!(
        names(&all, "candidates"),
        ["ada", "bob", "carl", "dora", "rita", "root-admin"]
    );
    assert_eq!(all["total"], 6);
    // pages with an opaque cursor
    let p1 = tool(&app, &rita, "list_candidates", json!({"limit": 2}));
    assert_eq!(names(&p1, "candidates"), ["ada", "bob"]);
    let c = p1["nextCursor"].as_str().unwrap();
    let p2 = tool(
        &app,
        &rita,
        "list_candidates",
        json!({"limit": 2, "cursor": c}),
    );
    assert_eq!(names(&p2, "candidates"), ["carl", "dora"]);
    let p3 = tool(
        &app,
        &rita,
        "list_candidates",
        json!({"limit": 2, "cursor": p2["nextCursor"]}),
    );
    assert_eq!(names(&p3, "candidates"), ["rita", "root-admin"]);
    assert!(p3["nextCursor"].is_null());
    let msg = tool_error(&app, &rita, "list_candidates", json!({"cursor": "abc"}));
    assert!(msg.contains("nextCursor"), "{msg}");

    let s = |args: Value| names(&tool(&app, &rita, "search_candidates", args), "candidates");
    assert_eq!(s(json!({"skills": ["rust"]})), ["ada", "carl", "dora"]);
    assert_eq!(s(json!({"skills": ["postgres"]})), ["ada"]);
    assert_eq!(s(json!({"text": "backend eng"})), ["ada"]);
    assert_eq!(s(json!({"location": "paris"})), ["bob"]);
    assert_eq!(s(json!({"open_to_work": true})), ["ada"]);
    assert_eq!(s(json!({"min_years": 5})), ["ada"]);
    assert_eq!(s(json!({"min_years": 1, "skills": ["Python"]})), ["bob"]);
    assert!(s(json!({"text": "SECRET-HEADLINE"})).is_empty());
    let msg = tool_error(&app, &rita, "search_candidates", json!({"skill": "rust"}));
    assert!(
        msg.contains("Unknown argument 'skill'") && msg.contains("skills"),
        "{msg}"
    );
    let msg = tool_error(&app, &rita, "search_candidates", json!({"min_years": "5"}));
    assert!(msg.contains("'min_years' must be a number"), "{msg}");
}

#[test]
fn one_candidate_tools_and_private_profiles() {
    let (app, rita) = world();
    let c = tool(&app, &rita, "get_candidate", json!({"username": "ADA"}));
    assert_eq!(c["username"], "ada");
    assert_eq!(c["profile"]["headline"], "Backend engineer");
    assert_eq!(c["years_of_experience"], 6.0);
    let text = c.to_string();
    for private in ["ada@example.com", "is_public", "user_id", "password"] {
        assert!(!text.contains(private), "{private} in {text}");
    }
    let s = tool(
        &app,
        &rita,
        "get_candidate_skills",
        json!({"username": "ada"}),
    );
    assert_eq!(s["skills"][0]["name"], "Rust");
    assert_eq!(s["skills"][0]["years"], 6);
    let e = tool(
        &app,
        &rita,
        "get_candidate_experience",
        json!({"username": "ada"}),
    );
    assert_eq!(e["experience"][0]["company"], "Acme");
    assert_eq!(e["experience"][0]["months"], 72);
    let a = tool(
        &app,
        &rita,
        "check_availability",
        json!({"username": "ada"}),
    );
    assert_eq!(a["open_to_work"], true);
    assert_eq!(a["note"], "From March");
    let v = |cert: &str| {
        tool(
            &app,
            &rita,
            "verify_certification",
            json!({"username": "ada", "certification": cert}),
        )["status"]
            .clone()
    };
    assert_eq!(v("CKA"), "listed");
    assert_eq!(v("AWS Certified Developer"), "expired");
    assert_eq!(v("Oracle DBA"), "not_listed");
    // private and unknown usernames are tool errors, never data
    for tool_name in [
        "get_candidate",
        "get_candidate_skills",
        "get_candidate_experience",
        "check_availability",
    ] {
        for who in ["eve", "nobody"] {
            let msg = tool_error(&app, &rita, tool_name, json!({"username": who}));
            assert!(msg.contains("No public profile") && msg.contains("search_candidates"));
            assert!(!msg.contains("SECRET"));
        }
        let msg = tool_error(&app, &rita, tool_name, json!({}));
        assert!(msg.contains("Missing argument 'username'"), "{msg}");
    }
    let r = rpc(
        &app,
        &rita,
        "resources/read",
        json!({"uri": "restume://profiles/eve"}),
    );
    assert_eq!(r["error"]["code"], -32002);
    // a disabled account is gone from every answer
    let admin = app.jwt("root-admin");
    let r = app.patch(
        "/v1/admin/users/bob",
        Cred::Jwt(&admin),
        &json!({"is_disabled": true}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    tool_error(&app, &rita, "get_candidate", json!({"username": "bob"}));
    let all = tool(&app, &rita, "list_candidates", json!({}));
    assert!(!names(&all, "candidates").contains(&"bob".to_string()));
    let r = rpc(
        &app,
        &rita,
        "resources/read",
        json!({"uri": "restume://profiles/ada"}),
    );
    let body: Value =
        serde_json::from_str(r["result"]["contents"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(body["username"], "ada");
}

#[test]
fn compare_rank_explain_and_gap() {
    let (app, rita) = world();
    let cmp = tool(
        &app,
        &rita,
        "compare_candidates",
        json!({"usernames": ["bob", "ada"]}),
    );
    assert_eq!(names(&cmp, "candidates"), ["bob", "ada"]);
    let rust = cmp["skills"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["skill"] == "Rust")
        .unwrap();
    assert_eq!(rust["candidates"]["ada"]["has"], "listed");
    assert_eq!(rust["candidates"]["bob"]["has"], "no");
    for bad in [json!(["ada"]), json!(["ada", "ada"]), json!(["ada", "eve"])] {
        tool_error(&app, &rita, "compare_candidates", json!({"usernames": bad}));
    }

    let job = "Backend engineer. Required: Rust and PostgreSQL, 5+ years.\nKubernetes is a plus.";
    let ranked = tool(
        &app,
        &rita,
        "rank_candidates",
        json!({"job_description": job}),
    );
    assert_eq!(
        ranked["job"],
        json!({"required_skills": ["Rust", "PostgreSQL"], "nice_to_have_skills": ["Kubernetes"],
               "min_years": 5})
    );
    let order = names(&ranked, "ranking");
    assert_eq!(order[0], "ada");
    // carl and dora tie: by username
    let carl = order.iter().position(|n| n == "carl").unwrap();
    assert_eq!(order[carl + 1], "dora");
    assert!(!order.contains(&"eve".to_string()));
    let top = &ranked["ranking"][0];
    // required 60 (both listed), nice 10 (k8s only mentioned), years 20
    assert_eq!(top["score"], 90);
    assert_eq!(top["parts"]["nice_to_have_skills"]["points"], 10);
    // deterministic: the same answer twice
    let again = tool(
        &app,
        &rita,
        "rank_candidates",
        json!({"job_description": job}),
    );
    assert_eq!(ranked, again);
    // a skill the engine does not know is still found when a candidate lists it
    let bob = app.jwt("bob");
    app.post(
        "/v1/me/skills",
        Cred::Jwt(&bob),
        &json!({"name": "Frobnicator"}),
    );
    let ranked = tool(
        &app,
        &rita,
        "rank_candidates",
        json!({"job_description": "Must know frobnicator. At Acme we value people."}),
    );
    assert_eq!(ranked["job"]["required_skills"], json!(["Frobnicator"]));
    assert_eq!(names(&ranked, "ranking")[0], "bob");
    let msg = tool_error(
        &app,
        &rita,
        "rank_candidates",
        json!({"job_description": "a nice place to work"}),
    );
    assert!(msg.contains("No skills"), "{msg}");

    let fit = tool(
        &app,
        &rita,
        "explain_fit",
        json!({"username": "bob", "job_description": job}),
    );
    assert_eq!(fit["missing_required"], json!(["Rust", "PostgreSQL"]));
    assert!(fit["reasons"].as_array().unwrap().len() >= 3);
    let gap = tool(
        &app,
        &rita,
        "skill_gap",
        json!({"username": "ada", "skills": ["Rust", "Go"]}),
    );
    assert_eq!(gap["missing_required"], json!(["Go"]));
    assert_eq!(gap["coverage"], 50);
    tool_error(&app, &rita, "skill_gap", json!({"username": "ada"}));
    tool_error(
        &app,
        &rita,
        "explain_fit",
        json!({"username": "eve", "job_description": job}),
    );
}

/// The whole ranking of one job, pinned: scores, the tie by username, and
/// pages (only the best of a page are picked, not a full sort) that add
/// up to the same list.
#[test]
fn a_ranking_is_pinned_and_its_pages_add_up() {
    let (app, rita) = world();
    let job = "Backend engineer. Required: Rust and PostgreSQL, 5+ years.\nKubernetes is a plus.";
    let scored = |r: &Value| -> Vec<(String, i64)> {
        r["ranking"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["username"].as_str().unwrap().to_string(),
                    c["score"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    let all = tool(
        &app,
        &rita,
        "rank_candidates",
        json!({"job_description": job, "limit": 100}),
    );
    // ada: both required listed (60), k8s only mentioned (10), 6 years (20);
    // carl and dora: Rust (30); bob: 2 of 5 years (8); rita and the admin
    // who granted her plan: empty résumés
    let want: Vec<(String, i64)> = [
        ("ada", 90),
        ("carl", 30),
        ("dora", 30),
        ("bob", 8),
        ("rita", 0),
        ("root-admin", 0),
    ]
    .iter()
    .map(|(n, s)| (n.to_string(), *s))
    .collect();
    assert_eq!(scored(&all), want);
    assert_eq!(all["total"], 6);
    assert_eq!(all["nextCursor"], Value::Null);
    assert_eq!(all["ranking"][1]["missing_required"], json!(["PostgreSQL"]));
    assert_eq!(all["ranking"][3]["parts"]["years"]["points"], 8);

    let mut paged = Vec::new();
    let mut args = json!({"job_description": job, "limit": 2});
    loop {
        let page = tool(&app, &rita, "rank_candidates", args.clone());
        assert_eq!(page["total"], 6);
        assert!(page["ranking"].as_array().unwrap().len() <= 2);
        paged.extend(scored(&page));
        match page["nextCursor"].as_str() {
            Some(c) => args["cursor"] = json!(c),
            None => break,
        }
    }
    assert_eq!(paged, want);
    // past the end: nothing, and no next page; a cursor of ours, any offset
    for offset in ["o6", "o9999999999999999999"] {
        let c: String = offset.bytes().map(|b| format!("{b:02x}")).collect();
        let past = tool(
            &app,
            &rita,
            "rank_candidates",
            json!({"job_description": job, "cursor": c}),
        );
        assert_eq!(past["ranking"], json!([]));
        assert_eq!(past["nextCursor"], Value::Null);
    }
    let msg = tool_error(
        &app,
        &rita,
        "rank_candidates",
        json!({"job_description": job, "cursor": "zz"}),
    );
    assert!(msg.contains("cursor"), "{msg}");
}

#[test]
fn shortlists_belong_to_their_recruiter() {
    let (app, rita) = world();
    let made = tool(
        &app,
        &rita,
        "create_shortlist",
        json!({"name": "Backend", "usernames": ["ada"]}),
    );
    let id = made["id"].as_str().unwrap().to_string();
    assert_eq!(names(&made, "candidates"), ["ada"]);
    let added = tool(
        &app,
        &rita,
        "add_to_shortlist",
        json!({"shortlist_id": id, "usernames": ["bob", "ada"]}),
    );
    assert_eq!(names(&added, "candidates"), ["ada", "bob"]);
    tool_error(
        &app,
        &rita,
        "add_to_shortlist",
        json!({"shortlist_id": id, "usernames": ["eve"]}),
    );
    let removed = tool(
        &app,
        &rita,
        "remove_from_shortlist",
        json!({"shortlist_id": id, "usernames": ["ada"]}),
    );
    assert_eq!(names(&removed, "candidates"), ["bob"]);
    let lists = tool(&app, &rita, "list_shortlists", json!({}));
    assert_eq!(lists["total"], 1);
    assert_eq!(lists["shortlists"][0]["name"], "Backend");
    let uri = format!("restume://shortlists/{id}");
    let r = rpc(&app, &rita, "resources/read", json!({"uri": uri}));
    assert!(
        r["result"]["contents"][0]["text"]
            .as_str()
            .unwrap()
            .contains("bob")
    );
    let res = rpc(&app, &rita, "resources/list", json!({}));
    assert_eq!(res["result"]["resources"][0]["uri"], uri);
    let t = rpc(&app, &rita, "resources/templates/list", json!({}));
    assert_eq!(
        t["result"]["resourceTemplates"].as_array().unwrap().len(),
        2
    );

    // another recruiter sees none of it
    let other = app.user("otto");
    app.grant("otto", "recruiter");
    assert_eq!(tool(&app, &other, "list_shortlists", json!({}))["total"], 0);
    let msg = tool_error(
        &app,
        &other,
        "add_to_shortlist",
        json!({"shortlist_id": id, "usernames": ["ada"]}),
    );
    assert!(msg.contains("list_shortlists"), "{msg}");
    let r = rpc(&app, &other, "resources/read", json!({"uri": uri}));
    assert_eq!(r["error"]["code"], -32002);
}

#[test]
fn candidates_shown_count_as_exposures() {
    let (app, rita) = world();
    let ada = app.jwt("ada");
    let exposures = || {
        app.get("/v1/me/analytics?days=1", Cred::Jwt(&ada)).json()["items"][0]["mcp_exposures"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(exposures(), 0);
    tool(&app, &rita, "list_candidates", json!({}));
    tool(&app, &rita, "get_candidate", json!({"username": "ada"}));
    // a page without ada shows her not
    tool(
        &app,
        &rita,
        "list_candidates",
        json!({"limit": 1, "cursor": tool(&app, &rita, "list_candidates", json!({"limit": 1}))["nextCursor"]}),
    );
    assert_eq!(exposures(), 3);
}

#[test]
fn sections_hidden_by_the_layout_stay_hidden() {
    let app = spawn_app();
    let rita = app.user("rita");
    app.grant("rita", "recruiter");
    let hal = app.user("hal");
    app.grant("hal", "pro");
    app.post(
        "/v1/me/skills",
        Cred::Jwt(&hal),
        &json!({"name": "Frobnicator"}),
    );
    let layout = json!({"sections": [
        {"name": "skills", "visible": false}, {"name": "projects", "visible": true},
        {"name": "certifications", "visible": true}, {"name": "experience", "visible": true},
        {"name": "education", "visible": true}]});
    let r = app.call("PUT", "/v1/me/layout", Cred::Jwt(&hal), Some(&layout));
    assert_eq!(r.status, 200, "{}", r.text());
    let s = tool(
        &app,
        &rita,
        "get_candidate_skills",
        json!({"username": "hal"}),
    );
    assert_eq!(s["skills"], json!([]));
    let c = tool(&app, &rita, "get_candidate", json!({"username": "hal"}));
    assert!(!c.to_string().contains("Frobnicator"), "{c}");
    let found = tool(
        &app,
        &rita,
        "search_candidates",
        json!({"skills": ["Frobnicator"]}),
    );
    assert_eq!(found["total"], 0);
    let found = tool(
        &app,
        &rita,
        "search_candidates",
        json!({"text": "frobnicator"}),
    );
    assert_eq!(found["total"], 0);
    // a hidden skill is not even a word a job text can name
    let msg = tool_error(
        &app,
        &rita,
        "rank_candidates",
        json!({"job_description": "Frobnicator"}),
    );
    assert!(msg.contains("No skills"), "{msg}");
    // the two tools that showed hal count in the insights too
    let i = app.get("/v1/me/insights?days=1", Cred::Jwt(&hal));
    assert_eq!(i.status, 200, "{}", i.text());
    assert_eq!(i.json()["mcp_exposures"], 2);
}

/// Errors before dispatch are problem+json, not JSON-RPC (SPEC §7): a body
/// over 1 MiB, and a key past its quota (which names when to come back).
#[test]
fn a_huge_body_and_a_spent_quota_are_problems_before_dispatch() {
    let app = spawn_with(&["--plan-recruiter-keys", "2:1/h,1000/d"], &[]);
    let jwt = app.user("rita");
    app.grant("rita", "recruiter");
    let key = app.key(&jwt);
    let huge = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                      "params": {"name": "search_candidates",
                                 "arguments": {"text": "x".repeat(1024 * 1024)}}});
    let auth = format!("Bearer {jwt}");
    let r = mcp_with(&app, &[("Authorization", &auth)], &huge);
    r.problem(413, "payload_too_large");
    let ping = json!({"jsonrpc": "2.0", "id": 1, "method": "ping"});
    for _ in 0..2 {
        let r = mcp_with(&app, &[("X-API-Key", &key)], &ping);
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let r = mcp_with(&app, &[("X-API-Key", &key)], &ping);
    r.problem(429, "rate_limited");
    assert!(r.header("Retry-After").is_some());
    // the JWT spends no key quota and still gets in
    let r = mcp_with(&app, &[("Authorization", &auth)], &ping);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["result"], json!({}));
}

#[test]
fn the_mcp_client_suites_are_a_script_of_their_own() {
    suite_not_run_here(
        "tests/mcp/run",
        "the MCP client suites (the official Python SDK, the conformance suite)",
        "/usr/bin/npm",
    );
}
