//! Starting (the errors that stop it, exit 2), the data directory (seeded, written before each
//! answer, resumed over --catalog and --objects) and shutdown (SIGTERM lets the requests under
//! way finish, then exit 0).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::{json, Value};

use super::*;

#[test]
fn state_survives_a_restart_and_wins_over_the_seed() {
    let s = Scratch::new("data");
    let dir = s.path("state");
    let d = Double::with_data(&s, &dir);
    assert_eq!(
        d.call("GET", "/$csa/health", None, &[], None).body["persistent"],
        true
    );
    for name in ["csa-serve.json", "catalog.json", "seed.jsonl"] {
        assert!(dir.join(name).is_file(), "{name}");
    }
    let path = format!("/v1.0/users/{ALAIN}");
    assert_eq!(d.patch(&path, "eng", &example_body("A01")).status, 204);
    assert_eq!(d.patch(&path, "eng", &example_body("A04")).status, 204);
    let set = json!({"description": "Changed", "maxAttributesPerSet": 30});
    assert_eq!(
        d.call(
            "PATCH",
            "/v1.0/directory/attributeSets/Engineering",
            Some("definer"),
            &[],
            Some(&serde_json::to_vec(&set).unwrap())
        )
        .status,
        204
    );
    // A refused write writes nothing.
    assert_eq!(
        d.patch(&path, "eng", &assign("Engineering", json!({"Nope": 1})))
            .status,
        400
    );
    let read = |d: &Double| {
        let select = format!("{path}?$select=id,displayName,customSecurityAttributes");
        d.get(&select, "admin").body
    };
    let before = read(&d);
    let sets = d.get("/v1.0/directory/attributeSets/Engineering", "admin");
    // One file for the object written, none for the others.
    let files: Vec<_> = std::fs::read_dir(dir.join("objects"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(d.stop().code(), Some(0));

    // Resumed: the seed files given are not read (here they do not even exist).
    let d = Double::start_with(
        &s,
        Start {
            data: Some(&dir),
            catalog: Some(s.path("nothing.json")),
            objects: Some(s.path("nothing.jsonl")),
            ..Start::default()
        },
    );
    assert!(d.log_text().contains("resumed from"), "{}", d.log_text());
    assert_eq!(read(&d), before);
    assert_eq!(
        d.get("/v1.0/directory/attributeSets/Engineering", "admin")
            .body,
        sets.body
    );
    // The other objects as seeded.
    let jiya = d.get(
        &format!("/v1.0/users/{JIYA}?$select=customSecurityAttributes"),
        "admin",
    );
    assert_eq!(
        jiya.body["customSecurityAttributes"]["Marketing"]["EmployeeId"],
        "KX19476"
    );
    drop(d);

    // A data directory holding state wins over --catalog and --objects given anyway.
    let d = Double::with_data(&s, &dir);
    assert_eq!(read(&d), before);
}

/// A directory whose manifest was removed holds no state: it is seeded again, and the object
/// files of its earlier state do not come back when it is resumed.
#[test]
fn a_directory_seeded_again_forgets_its_earlier_state() {
    let s = Scratch::new("reseed");
    let dir = s.path("state");
    let path = format!("/v1.0/users/{ALAIN}");
    let select = format!("{path}?$select=customSecurityAttributes");
    let d = Double::with_data(&s, &dir);
    assert_eq!(d.patch(&path, "eng", &example_body("A01")).status, 204);
    assert_eq!(d.stop().code(), Some(0));
    std::fs::remove_file(dir.join("csa-serve.json")).unwrap();
    for resume in [false, true] {
        let d = match resume {
            false => Double::with_data(&s, &dir),
            true => Double::resume(&s, &dir),
        };
        let a = d.get(&select, "admin");
        assert_eq!(a.body["customSecurityAttributes"], Value::Null, "{resume}");
        assert_eq!(d.stop().code(), Some(0));
    }
}

#[test]
fn an_empty_data_directory_needs_a_seed() {
    let s = Scratch::new("noseed");
    let dir = s.path("state");
    let tokens = s.file("tokens.json", tokens().to_string());
    let out = Command::new(csa())
        .args(["serve", "--tokens", &path(&tokens), "--data", &path(&dir)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--catalog is needed"), "{stderr}");
    // A directory that is not a server's state is refused, not overwritten.
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("csa-serve.json"), "{\"format\": 99}").unwrap();
    let out = Command::new(csa())
        .args(["serve", "--tokens", &path(&tokens), "--data", &path(&dir)])
        .args([
            "--catalog",
            &path(&catalog_path()),
            "--objects",
            &path(&tenant_path()),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("format"));
}

#[test]
fn sigterm_lets_requests_under_way_finish() {
    let s = Scratch::new("drain");
    let d = Double::start(&s);
    let body = serde_json::to_vec(&example_body("A01")).unwrap();
    // A PATCH under way: its headers and half its body sent.
    let mut conn = TcpStream::connect(&d.address).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let head = format!(
        "PATCH /v1.0/users/{ALAIN} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer admin\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    conn.write_all(head.as_bytes()).unwrap();
    let (first, rest) = body.split_at(10);
    conn.write_all(first).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let pid = d.pid();
    signal(pid, "TERM");
    std::thread::sleep(Duration::from_millis(300));
    // New connections are no longer accepted; the one under way is answered.
    conn.write_all(rest).unwrap();
    let mut reply = Vec::new();
    let _ = conn.read_to_end(&mut reply);
    let reply = String::from_utf8_lossy(&reply);
    assert!(reply.starts_with("HTTP/1.1 204"), "{reply}");
    let status = d.stop_signalled();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn ctrl_c_stops_it_too() {
    let s = Scratch::new("sigint");
    let d = Double::start(&s);
    assert_eq!(d.call("GET", "/$csa/health", None, &[], None).status, 200);
    signal(d.pid(), "INT");
    assert_eq!(d.stop_signalled().code(), Some(0));
}

impl Double {
    /// The exit status of a server already sent SIGTERM or SIGINT.
    fn stop_signalled(mut self) -> std::process::ExitStatus {
        let mut child = self.child.take().unwrap();
        wait(&mut child, Duration::from_secs(30))
    }
}

#[test]
fn startup_errors_exit_2_with_a_reason() {
    let s = Scratch::new("startup");
    let run = |args: &[String]| {
        let out = Command::new(csa())
            .arg("serve")
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let catalog = path(&catalog_path());
    let tenant = path(&tenant_path());
    let tokens = path(&s.file("tokens.json", tokens().to_string()));
    let bad_actor = path(&s.file("bad.json", r#"{"t1": null, "t2": {"roleAssignments": 3}}"#));
    let not_object = path(&s.file("list.json", "[1]"));
    let dup = path(&s.file("dup.jsonl", "{\"id\": \"a\"}\n{\"id\": \"A\"}\n"));
    let no_id = path(&s.file(
        "noid.jsonl",
        "{\"@odata.type\": \"#microsoft.graph.user\", \"displayName\": \"x\"}\n",
    ));
    let bad_object = path(&s.file(
        "bad.jsonl",
        "{\"id\": \"a\", \"onPremisesSyncEnabled\": 3}\n",
    ));
    // An address another socket listens on.
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = held.local_addr().unwrap().to_string();
    // (catalog, objects, tokens, more arguments): what stderr says.
    let with = |catalog: &str, objects: &str, tokens: &str, more: &[&str]| {
        let mut args = vec![
            "--catalog",
            catalog,
            "--objects",
            objects,
            "--tokens",
            tokens,
        ];
        args.extend(more.iter().copied());
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let cases = [
        (with(&catalog, &tenant, &bad_actor, &[]), "token 2"),
        (with(&catalog, &tenant, &not_object, &[]), "tokens file"),
        (with(&catalog, &dup, &tokens, &[]), "same id"),
        (with(&catalog, &no_id, &tokens, &[]), "no `id`"),
        (with(&catalog, &bad_object, &tokens, &[]), "invalid objects"),
        (
            vec![
                "--objects".into(),
                tenant.clone(),
                "--tokens".into(),
                tokens.clone(),
            ],
            "--catalog is needed",
        ),
        (with(&tenant, &tenant, &tokens, &[]), "invalid catalog"),
        (
            with(&catalog, &tenant, &tokens, &["--listen", "256.0.0.1:1"]),
            "invalid value",
        ),
        (
            with(&catalog, &tenant, &tokens, &["--listen", &taken]),
            "cannot listen on",
        ),
    ];
    for (args, says) in cases {
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, Some(2), "{args:?}: {stdout} {stderr}");
        assert!(
            stderr.contains(says) || stdout.contains(says),
            "{args:?} should say {says:?}: {stdout} {stderr}"
        );
        assert!(!stdout.contains("listening"), "{stdout}");
    }
}

/// `--objects` is a JSON array, a Graph list response or JSON Lines; in a list response of
/// service principals (Graph writes no `@odata.type` on the items), they are service principals.
#[test]
fn objects_are_read_in_each_form() {
    let s = Scratch::new("forms");
    let user = json!({"id": "u-1", "displayName": "One", "customSecurityAttributes": null});
    let sp = json!({"@odata.type": "#microsoft.graph.servicePrincipal", "id": "sp-1"});
    let array = s.file("array.json", json!([user, sp]).to_string());
    let users = json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,displayName,customSecurityAttributes)",
        "value": [user]
    });
    let apps = json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals(id,customSecurityAttributes)",
        "value": [{"id": "sp-2", "customSecurityAttributes": null}]
    });
    let lists = [
        s.file("users.json", users.to_string()),
        s.file("apps.json", apps.to_string()),
    ];
    let d = Double::start_with(
        &s,
        Start {
            objects: Some(array),
            ..Start::default()
        },
    );
    assert_eq!(
        d.get("/v1.0/users/u-1?$select=displayName", "admin").body["displayName"],
        "One"
    );
    assert_eq!(d.get("/v1.0/servicePrincipals/sp-1", "admin").status, 200);
    drop(d);
    let d = Double::start_with(
        &s,
        Start {
            objects: Some(lists[0].clone()),
            ..Start::default()
        },
    );
    assert_eq!(d.get("/v1.0/users/u-1", "admin").status, 200);
    drop(d);
    // They stay service principals in a data directory, resumed.
    let dir = s.path("state");
    for resumed in [false, true] {
        let data = Some(dir.as_path());
        let objects = Some(lists[1].clone());
        let d = Double::start_with(
            &s,
            Start {
                objects,
                data,
                ..Start::default()
            },
        );
        let a = d.get("/v1.0/servicePrincipals/sp-2?$select=id", "admin");
        assert_eq!((a.status, resumed), (200, resumed), "{}", a.text);
        assert_eq!(d.get("/v1.0/users/sp-2", "admin").status, 404);
        let a = d.patch("/v1.0/servicePrincipals/sp-2", "eng", &example_body("A02"));
        assert_eq!(a.status, 204, "{}", a.text);
    }
}
