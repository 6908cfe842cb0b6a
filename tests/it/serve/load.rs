//! Concurrent clients on one server with a data directory: every request answered as its kind
//! must be, the final state equal to the accepted writes replayed with the library in the order
//! the server logged them, and a kill -9 that loses no acknowledged write.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::*;
use csa::{Actor, Catalog, Engine, Object, Policy, State};

/// Clients at once, requests each, objects in the tenant.
const CLIENTS: usize = 8;
const REQUESTS: usize = 500;
const OBJECTS: usize = 24;
/// The whole load run must end within this (it takes a few seconds on 2 cores).
const LIMIT: Duration = Duration::from_secs(120);

/// `load-00` .. `load-23`: a third with Engineering attributes, the others with none.
fn tenant(scratch: &Scratch) -> PathBuf {
    let mut text = String::new();
    for i in 0..OBJECTS {
        let csa = if i % 3 == 0 {
            json!({"Engineering": {
                "@odata.type": crate::common::RESPONSE_SET_TYPE,
                "NumVendors": i, "Project@odata.type": "#Collection(String)", "Project": ["Baker"]
            }})
        } else {
            Value::Null
        };
        let user = json!({
            "@odata.type": "#microsoft.graph.user", "id": object_id(i),
            "displayName": format!("Load {i}"), "customSecurityAttributes": csa
        });
        text.push_str(&user.to_string());
        text.push('\n');
    }
    scratch.file("load.jsonl", text)
}

fn object_id(i: usize) -> String {
    format!("load-{i:02}")
}

/// A small deterministic generator (xorshift), one per client.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % n as u64).unwrap()
    }
}

/// What a request is, and so how it must be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Get,
    Accepted,
    Refused,
    List,
}

/// One request sent: its kind, the status it must get, and for a PATCH its object, token and
/// body.
struct Sent {
    kind: Kind,
    expected: u16,
    object: usize,
    token: &'static str,
    body: Vec<u8>,
}

/// A PATCH the catalog accepts whatever the object holds (`admin`: no permission check;
/// `eng`: Engineering's assignment administrator).
fn accepted(rng: &mut Rng) -> (&'static str, Value) {
    let token = if rng.below(2) == 0 { "admin" } else { "eng" };
    let eng = |members: Value| assign("Engineering", members);
    let body = match rng.below(7) {
        0 => eng(json!({"NumVendors@odata.type": "#Int32", "NumVendors": rng.below(50)})),
        1 => {
            let all = ["Alpine", "Baker", "Cascade"];
            let pick: Vec<&str> = all.iter().copied().filter(|_| rng.below(2) == 0).collect();
            let pick = if pick.is_empty() {
                vec!["Cascade"]
            } else {
                pick
            };
            eng(json!({"Project@odata.type": "#Collection(String)", "Project": pick}))
        }
        2 => eng(json!({"ProjectDate": format!("2024-01-{:02}", rng.below(28) + 1)})),
        3 => eng(json!({"Certification": rng.below(2) == 0})),
        4 => eng(json!({"ProjectDate": null})),
        5 => eng(json!({"Project@odata.type": "#Collection(String)", "Project": []})),
        _ => {
            let marketing = json!({"EmployeeId": format!("E{}", rng.below(1000))});
            return ("admin", assign("Marketing", marketing));
        }
    };
    (token, body)
}

/// A PATCH refused whatever the object holds, and its status.
fn refused(rng: &mut Rng) -> (&'static str, Value, u16) {
    match rng.below(4) {
        0 => ("eng", assign("Engineering", json!({"Nope": 1})), 400),
        1 => (
            "admin",
            assign(
                "Engineering",
                json!({"Project@odata.type": "#Collection(String)", "Project": ["alpine"]}),
            ),
            400,
        ),
        2 => (
            "nobody",
            assign("Engineering", json!({"Certification": true})),
            403,
        ),
        _ => ("eng", assign("Marketing", json!({"EmployeeId": "E1"})), 403),
    }
}

/// Latencies in milliseconds: p50 and p99.
fn percentiles(mut ms: Vec<f64>) -> (f64, f64) {
    ms.sort_by(f64::total_cmp);
    let at = |p: usize| ms[(ms.len() * p / 100).min(ms.len() - 1)];
    (at(50), at(99))
}

/// Every object's attributes as the server answers them (`admin` reads everything).
fn served_states(d: &Double) -> Vec<State> {
    (0..OBJECTS)
        .map(|i| {
            let a = d.get(
                &format!(
                    "/v1.0/users/{}?$select=customSecurityAttributes",
                    object_id(i)
                ),
                "admin",
            );
            assert_eq!(a.status, 200, "{}", a.text);
            let csa = serde_json::to_vec(&a.body["customSecurityAttributes"]).unwrap();
            State::from_json(&csa).unwrap()
        })
        .collect()
}

/// A state as Graph's JSON (compared as JSON objects: the order of members does not count).
fn json_of(state: &State) -> Value {
    serde_json::to_value(state.response_form()).unwrap()
}

#[test]
fn concurrent_clients_then_a_kill_9_lose_nothing() {
    let s = Scratch::new("load");
    let dir = s.path("state");
    let objects_file = tenant(&s);
    let d = Double::start_with(
        &s,
        Start {
            objects: Some(objects_file.clone()),
            data: Some(&dir),
            ..Start::default()
        },
    );

    // 1. The load: CLIENTS threads, each with its own connection and its own requests.
    let started = Instant::now();
    let done = AtomicBool::new(false);
    let results: Vec<Vec<(String, Sent, u16, f64)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let d = &d;
                scope.spawn(move || {
                    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ ((c as u64 + 1) * 0x1000_0001));
                    let mut out = Vec::with_capacity(REQUESTS);
                    for n in 0..REQUESTS {
                        let object = rng.below(OBJECTS);
                        let id = format!("c{c}-{n}");
                        let user = format!("/v1.0/users/{}", object_id(object));
                        let sent = match rng.below(20) {
                            0..=5 => Sent {
                                kind: Kind::Get,
                                expected: 200,
                                object,
                                token: if rng.below(2) == 0 { "admin" } else { "eng" },
                                body: Vec::new(),
                            },
                            6..=12 => {
                                let (token, body) = accepted(&mut rng);
                                Sent {
                                    kind: Kind::Accepted,
                                    expected: 204,
                                    object,
                                    token,
                                    body: serde_json::to_vec(&body).unwrap(),
                                }
                            }
                            13..=16 => {
                                let (token, body, status) = refused(&mut rng);
                                Sent {
                                    kind: Kind::Refused,
                                    expected: status,
                                    object,
                                    token,
                                    body: serde_json::to_vec(&body).unwrap(),
                                }
                            }
                            _ => Sent {
                                kind: Kind::List,
                                expected: 200,
                                object,
                                token: "admin",
                                body: Vec::new(),
                            },
                        };
                        let headers = [("client-request-id", id.as_str()), ("ConsistencyLevel", "eventual")];
                        let t = Instant::now();
                        let a = match sent.kind {
                            Kind::Get => d.call(
                                "GET",
                                &format!("{user}?$select=id,customSecurityAttributes"),
                                Some(sent.token),
                                &headers,
                                None,
                            ),
                            Kind::Accepted | Kind::Refused => {
                                d.call("PATCH", &user, Some(sent.token), &headers, Some(&sent.body))
                            }
                            Kind::List => d.call(
                                "GET",
                                &format!(
                                    "/v1.0/users?$count=true&$select=id&$filter=customSecurityAttributes/Engineering/NumVendors%20eq%20{}",
                                    rng.below(50)
                                ),
                                Some(sent.token),
                                &headers,
                                None,
                            ),
                        };
                        let ms = t.elapsed().as_secs_f64() * 1000.0;
                        assert_eq!(
                            a.status, sent.expected,
                            "{id} {:?} {}: {}",
                            sent.kind,
                            String::from_utf8_lossy(&sent.body),
                            a.text
                        );
                        out.push((id, sent, a.status, ms));
                    }
                    out
                })
            })
            .collect();
        // Past the limit, the server is killed: every client's next request fails at once.
        let (pid, done) = (d.pid(), &done);
        scope.spawn(move || {
            while !done.load(Ordering::SeqCst) && started.elapsed() < LIMIT {
                std::thread::sleep(Duration::from_millis(50));
            }
            if !done.load(Ordering::SeqCst) {
                signal(pid, "KILL");
            }
        });
        let joined: Vec<_> = handles.into_iter().map(|h| h.join()).collect();
        done.store(true, Ordering::SeqCst);
        joined.into_iter().map(|r| r.unwrap()).collect()
    });
    let took = started.elapsed();
    let sent: Vec<_> = results.into_iter().flatten().collect();
    let total = sent.len();
    assert_eq!(total, CLIENTS * REQUESTS);
    assert!(took < LIMIT, "the load took {took:?}");
    let (p50, p99) = percentiles(sent.iter().map(|(.., ms)| *ms).collect());
    let mut kinds: HashMap<Kind, usize> = HashMap::new();
    for (_, s, ..) in &sent {
        *kinds.entry(s.kind).or_default() += 1;
    }
    eprintln!(
        "csa serve load: {total} requests from {CLIENTS} clients in {:.2} s ({:.0} req/s), \
         latency p50 {p50:.2} ms, p99 {p99:.2} ms; {kinds:?}",
        took.as_secs_f64(),
        total as f64 / took.as_secs_f64()
    );

    // 2. One log line per request; replaying the accepted writes with the library, in the
    // order of their `seq`, gives what the server serves.
    let served = served_states(&d);
    let log = d.log_lines();
    let by_id: HashMap<&str, &Sent> = sent.iter().map(|(id, s, ..)| (id.as_str(), s)).collect();
    let mut writes: Vec<(u64, &Sent)> = Vec::new();
    let mut logged = 0;
    for line in &log {
        let Some(id) = line["clientRequestId"].as_str() else {
            continue;
        };
        let Some(s) = by_id.get(id) else {
            continue;
        };
        logged += 1;
        assert_eq!(line["status"], s.expected, "{line}");
        match line["seq"].as_u64() {
            Some(seq) => {
                assert_eq!(s.kind, Kind::Accepted, "{line}");
                writes.push((seq, s));
            }
            None => assert_ne!(s.kind, Kind::Accepted, "{line}"),
        }
    }
    assert_eq!(logged, total);
    writes.sort_by_key(|(seq, _)| *seq);
    let seqs: Vec<u64> = writes.iter().map(|(seq, _)| *seq).collect();
    assert_eq!(seqs, (1..=writes.len() as u64).collect::<Vec<_>>());
    assert_eq!(writes.len(), kinds[&Kind::Accepted]);

    let engine = Engine::new(
        Catalog::from_json(&catalog_bytes()).unwrap(),
        Policy::default(),
    );
    let mut objects = Object::list_from_json(&std::fs::read(&objects_file).unwrap()).unwrap();
    let actors: HashMap<&str, Option<Actor>> = ["admin", "eng"]
        .into_iter()
        .map(|t| (t, actor_of(t).map(|a| Actor::from_json(&a).unwrap())))
        .collect();
    for (seq, s) in &writes {
        let object = &objects[s.object];
        let evaluation = engine.evaluate(object, actors[s.token].as_ref(), &s.body);
        let after = evaluation
            .diff()
            .unwrap_or_else(|| panic!("write {seq} refused on replay"))
            .after()
            .clone();
        objects[s.object] = object.clone().with_state(after);
    }
    for (i, (object, served)) in objects.iter().zip(&served).enumerate() {
        // As JSON: the attributes of a set are members of an object, in no order.
        assert_eq!(json_of(object.state()), json_of(served), "{}", object_id(i));
    }
    assert_eq!(d.stop().code(), Some(0));

    // 3. Resumed from the data directory: the same state. Then clients each PATCH objects of
    // their own, one request at a time, each a new NumVendors (1, 2, ...), until a kill -9.
    let d = Double::resume(&s, &dir);
    let resumed: Vec<Value> = served_states(&d).iter().map(json_of).collect();
    assert_eq!(resumed, served.iter().map(json_of).collect::<Vec<_>>());
    let acked = AtomicUsize::new(0);
    let base = d.base.clone();
    // Per object: the last NumVendors answered 204, and one sent but not answered.
    let outcomes: Vec<(usize, Option<usize>, Option<usize>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let (base, acked) = (&base, &acked);
                scope.spawn(move || {
                    let mine: Vec<usize> = (c..OBJECTS).step_by(CLIENTS).collect();
                    let mut last: Vec<Option<usize>> = vec![None; mine.len()];
                    let mut pending: Vec<Option<usize>> = vec![None; mine.len()];
                    let agent = ureq::Agent::config_builder()
                        .http_status_as_error(false)
                        .timeout_global(Some(Duration::from_secs(10)))
                        .build()
                        .new_agent();
                    'run: for k in 1.. {
                        for (j, &object) in mine.iter().enumerate() {
                            let body = assign(
                                "Engineering",
                                json!({"NumVendors@odata.type": "#Int32", "NumVendors": k}),
                            );
                            pending[j] = Some(k);
                            let result = agent
                                .patch(&format!("{base}/v1.0/users/{}", object_id(object)))
                                .header("Authorization", "Bearer admin")
                                .content_type("application/json")
                                .send(serde_json::to_vec(&body).unwrap().as_slice());
                            match result {
                                Ok(r) if r.status().as_u16() == 204 => {
                                    last[j] = Some(k);
                                    pending[j] = None;
                                    acked.fetch_add(1, Ordering::SeqCst);
                                }
                                Ok(r) => panic!("PATCH {k}: {}", r.status()),
                                // The server is gone: this PATCH may or may not have been kept.
                                Err(_) => break 'run,
                            }
                        }
                    }
                    mine.into_iter()
                        .zip(last.into_iter().zip(pending))
                        .map(|(o, (l, p))| (o, l, p))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        // Kill once a few hundred writes were acknowledged.
        let deadline = Instant::now() + Duration::from_secs(60);
        while acked.load(Ordering::SeqCst) < 300 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        d.kill9();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let acked = acked.into_inner();
    assert!(acked >= 300, "{acked} writes acknowledged before the kill");

    // 4. Restarted on the same directory: every acknowledged write is there (or the one sent
    // after it, which the server may have kept before it was killed).
    let d = Double::resume(&s, &dir);
    let resumed = served_states(&d);
    let mut in_flight_kept = 0;
    for (object, last, pending) in outcomes {
        let state = json_of(&resumed[object]);
        let got = state["Engineering"]["NumVendors"]
            .as_u64()
            .map(|n| n as usize);
        let Some(last) = last else {
            continue;
        };
        if got == pending && pending.is_some() {
            in_flight_kept += 1;
        } else {
            assert_eq!(
                got,
                Some(last),
                "{}: acknowledged {last}",
                object_id(object)
            );
        }
    }
    eprintln!(
        "csa serve crash: {acked} writes acknowledged before kill -9, all resumed \
         ({in_flight_kept} unanswered ones kept as well)"
    );
    // And the resumed server goes on.
    let a = d.patch(
        &format!("/v1.0/users/{}", object_id(0)),
        "admin",
        &assign("Engineering", json!({"Certification": true})),
    );
    assert_eq!(a.status, 204, "{}", a.text);
    assert_eq!(d.stop().code(), Some(0));
}
