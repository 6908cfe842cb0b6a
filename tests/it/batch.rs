//! `commands::Batch` and `BatchLine::check`: many lines decided on several threads, answered in
//! input order, with a bounded number of lines in flight; each line's answer is what the
//! single-request command answers.
// The helpers below are test code too (clippy.toml allows these in `#[test]` functions only).
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::convert::Infallible;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use csa::commands::{Batch, BatchLine, Check, Input};
use csa::{ObjectKind, Verdict};
use serde_json::{json, Value};

use crate::common::{engine, sample_catalog_json, REQUEST_SET_TYPE};

fn n(n: usize) -> NonZeroUsize {
    NonZeroUsize::new(n).unwrap()
}

/// Item `i` costs `(i * 7) % 5` milliseconds: later items often finish before earlier ones.
fn slow_square(i: usize) -> usize {
    std::thread::sleep(Duration::from_millis(((i * 7) % 5) as u64));
    i * i
}

#[test]
fn results_come_in_input_order_with_1_2_and_7_threads() {
    let expected: Vec<usize> = (0..60).map(|i| i * i).collect();
    for jobs in [1, 2, 7] {
        let mut out = Vec::new();
        Batch::new(n(jobs))
            .run(0..60, slow_square, |r| {
                out.push(r);
                Ok::<(), Infallible>(())
            })
            .unwrap();
        assert_eq!(out, expected, "{jobs} threads");
    }
}

#[test]
fn work_is_shared_between_the_threads() {
    // 7 threads on items that each take 20 ms: much faster than one thread would be, so the
    // items really run at once (one thread: 280 ms at least).
    let started = std::time::Instant::now();
    let mut count = 0;
    Batch::new(n(7))
        .run(
            0..14,
            |_| std::thread::sleep(Duration::from_millis(20)),
            |()| {
                count += 1;
                Ok::<(), Infallible>(())
            },
        )
        .unwrap();
    assert_eq!(count, 14);
    assert!(
        started.elapsed() < Duration::from_millis(250),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn no_more_items_in_flight_than_the_window() {
    // In flight: taken from the input and not yet handed to the sink.
    for (jobs, window, expected) in [
        (2, None, 64),
        (4, Some(5), 5),
        (7, Some(3), 7),
        (1, None, 1),
    ] {
        let mut batch = Batch::new(n(jobs));
        if let Some(w) = window {
            batch = batch.window(n(w));
        }
        assert_eq!(batch.window_size().get(), expected);
        let in_flight = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let items = (0..200).inspect(|_| {
            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
        });
        let mut out = Vec::new();
        batch
            .run(items, slow_square_fast, |r| {
                in_flight.fetch_sub(1, Ordering::SeqCst);
                out.push(r);
                Ok::<(), Infallible>(())
            })
            .unwrap();
        assert_eq!(out, (0..200).map(|i| i * i).collect::<Vec<_>>());
        let most = most.load(Ordering::SeqCst);
        assert!(
            most <= expected,
            "{jobs} jobs: {most} in flight, window {expected}"
        );
        if jobs > 1 {
            assert!(most > 1, "{jobs} jobs: the window was used ({most})");
        }
    }
}

/// Like [`slow_square`], in tenths of a millisecond.
fn slow_square_fast(i: usize) -> usize {
    std::thread::sleep(Duration::from_micros(((i * 7) % 5) as u64 * 100));
    i * i
}

#[test]
fn the_sink_stops_the_batch_and_its_error_is_returned() {
    for jobs in [1, 3] {
        let taken = AtomicUsize::new(0);
        let items = (0..1000).inspect(|_| {
            taken.fetch_add(1, Ordering::SeqCst);
        });
        let mut seen = Vec::new();
        let result = Batch::new(n(jobs)).run(
            items,
            |i| i,
            |i| {
                seen.push(i);
                if i == 10 {
                    Err("closed pipe")
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(result, Err("closed pipe"));
        assert_eq!(seen, (0..=10).collect::<Vec<_>>());
        let taken = taken.load(Ordering::SeqCst);
        let window = Batch::new(n(jobs)).window_size().get();
        assert!(
            taken <= 11 + window,
            "{jobs} jobs: stopped taking items ({taken} taken)"
        );
    }
}

#[test]
fn a_panic_in_the_decision_reaches_the_caller_without_hanging() {
    let result = std::panic::catch_unwind(|| {
        let _ = Batch::new(n(3)).window(n(3)).run(
            0..100,
            |i| {
                assert_ne!(i, 5, "item 5");
                i
            },
            |_| Ok::<(), Infallible>(()),
        );
    });
    let payload = result.unwrap_err();
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .unwrap_or_default();
    assert!(message.contains("item 5"), "{message}");
}

#[test]
fn a_panic_in_the_input_or_the_sink_reaches_the_caller_without_hanging() {
    let input = std::panic::catch_unwind(|| {
        let items = (0..100).inspect(|&i| assert_ne!(i, 9, "input 9"));
        let _ = Batch::new(n(3)).run(items, |i| i, |_| Ok::<(), Infallible>(()));
    });
    assert!(input.is_err());
    let sink = std::panic::catch_unwind(|| {
        let _ = Batch::new(n(3)).run(
            0..100,
            |i| i,
            |i| {
                assert_ne!(i, 9, "output 9");
                Ok::<(), Infallible>(())
            },
        );
    });
    assert!(sink.is_err());
}

#[test]
fn an_empty_batch_calls_nothing() {
    let mut called = false;
    Batch::new(n(4))
        .run(
            std::iter::empty::<usize>(),
            |i| i,
            |_| {
                called = true;
                Ok::<(), Infallible>(())
            },
        )
        .unwrap();
    assert!(!called);
}

/// A `check --batch` line.
fn line(object: &Value, patch: &Value, actor: Option<&Value>) -> String {
    let mut l = json!({"object": object, "patch": patch});
    if let Some(actor) = actor {
        l["actor"] = actor.clone();
    }
    l.to_string()
}

fn patch(attribute: &str, value: Value) -> Value {
    json!({"customSecurityAttributes": {"Engineering": {
        "@odata.type": REQUEST_SET_TYPE, attribute: value}}})
}

#[test]
fn a_checked_line_is_the_check_report_with_line_and_object_id() {
    let catalog = sample_catalog_json().to_string();
    let engine = engine();
    let object = json!({"id": "u1", "customSecurityAttributes": null});
    let cases = [
        patch("ProjectDate", json!("2022-10-01")),
        patch("ProjectDat", json!("2022-10-01")),
        json!({"customSecurityAttributes": 5}),
    ];
    for body in &cases {
        let text = line(&object, body, None);
        let got = BatchLine::check(&engine, None, (12, text.as_bytes()), None, false).unwrap();
        // A line's documents are parts of it, given as data: no places.
        let (body, object) = (body.to_string(), object.to_string());
        let single = Check::new(&catalog, Input::data(body.as_bytes()))
            .object(Input::data(object.as_bytes()))
            .run()
            .unwrap();
        assert_eq!(got.report(), Some(&single));
        assert_eq!((got.line(), got.object_id()), (12, Some("u1")));
        let mut expected = serde_json::to_value(&single).unwrap();
        let mut got = serde_json::to_value(&got).unwrap();
        assert_eq!(got.as_object_mut().unwrap().remove("line"), Some(json!(12)));
        assert_eq!(
            got.as_object_mut().unwrap().remove("objectId"),
            Some(json!("u1"))
        );
        expected.as_object_mut().unwrap();
        assert_eq!(got, expected);
    }
}

#[test]
fn a_lines_actor_overrides_the_batch_actor_and_object_type_applies() {
    let engine = engine();
    let marketing_only = json!({"roleAssignments": [{"roleDefinitionId": crate::common::AAA,
        "directoryScopeId": "/attributeSets/Marketing"}]});
    let marketing_only = csa::Actor::from_json(marketing_only.to_string().as_bytes()).unwrap();
    let tenant = json!({"roleAssignments": [{"roleDefinitionId": crate::common::AAA,
        "directoryScopeId": "/"}]});
    let body = patch("ProjectDate", json!("2022-10-01"));
    let object = json!({"id": "sp"});
    // The batch's actor may not assign Engineering; the line's own actor may.
    let refused = line(&object, &body, None);
    let own = line(&object, &body, Some(&tenant));
    let check = |text: &str, kind| {
        BatchLine::check(
            &engine,
            Some(&marketing_only),
            (1, text.as_bytes()),
            kind,
            false,
        )
        .unwrap()
    };
    assert_eq!(check(&refused, None).codes(), [csa::Code::PermissionDenied]);
    assert!(check(&own, None).is_allowed());
    // --object-type: the kind given replaces the object's.
    let r = serde_json::to_value(check(&own, Some(ObjectKind::ServicePrincipal))).unwrap();
    assert_eq!(r["allowed"], true);
    let r = check(&own, Some(ObjectKind::Device));
    assert!(!r.is_allowed(), "devices are off by default");
}

#[test]
fn a_bad_line_is_its_own_error_line() {
    let engine = engine();
    let cases: [(&str, &str, &str); 5] = [
        ("not json", "invalid_line", "invalid_json"),
        (r#"{"object": {}}"#, "invalid_line", "invalid_shape"),
        (
            r#"{"object": {}, "patch": {}, "desired": {}}"#,
            "invalid_line",
            "invalid_shape",
        ),
        (
            r#"{"object": {"id": "x", "customSecurityAttributes": 1}, "patch": {}}"#,
            "invalid_object",
            "invalid_shape",
        ),
        (
            r#"{"object": {"id": "x"}, "patch": {}, "actor": {"roleAssignments": 1}}"#,
            "invalid_actor",
            "invalid_property",
        ),
    ];
    for (text, error, code) in cases {
        let got = BatchLine::check(&engine, None, (4, text.as_bytes()), None, false).unwrap();
        assert!(!got.is_allowed());
        assert_eq!(got.report(), None);
        let json = serde_json::to_value(&got).unwrap();
        assert_eq!(json["line"], 4, "{text}");
        assert_eq!(json["error"], error, "{text}");
        assert_eq!(json["violations"][0]["code"], code, "{text}");
        assert!(json.get("objectId").is_some());
    }
    assert_eq!(
        BatchLine::check(&engine, None, (1, b"  \t"), None, false),
        None
    );
}

#[test]
fn a_batch_of_check_lines_in_parallel_equals_one_at_a_time() {
    let engine = engine();
    let lines: Vec<String> = (0..40)
        .map(|i| match i % 4 {
            0 => line(
                &json!({"id": i.to_string()}),
                &patch("ProjectDate", json!("2022-10-01")),
                None,
            ),
            1 => line(
                &json!({"id": i.to_string()}),
                &patch("NumVendors", json!(i)),
                None,
            ),
            2 => "{oops".to_owned(),
            _ => line(
                &json!({"id": i.to_string()}),
                &patch("Project", json!(["Alpine", "x"])),
                None,
            ),
        })
        .collect();
    let decide = |(i, text): (usize, &String)| {
        BatchLine::check(&engine, None, (i + 1, text.as_bytes()), None, false)
    };
    let one_by_one: Vec<Option<BatchLine>> = lines.iter().enumerate().map(decide).collect();
    for jobs in [2, 7] {
        let mut out = Vec::new();
        Batch::new(n(jobs))
            .run(lines.iter().enumerate(), decide, |l| {
                out.push(l);
                Ok::<(), Infallible>(())
            })
            .unwrap();
        assert_eq!(out, one_by_one, "{jobs} threads");
    }
}
