//! `filter_100k`: one compiled `$filter` over 100,000 parsed users, against a hand-written Rust
//! closure doing the same comparisons on the same `Object`s through the public API.
//!
//! Run with `cargo bench --bench filter`. Target: `csa` at most 2× `baseline_closure`.
//!
//! Inside the timing: counting the matching objects, with `CompiledFilter::matches` (`csa`) or
//! with the closure (`baseline_closure`). Outside: generating the users' JSON (a deterministic
//! mix of the sample catalog's attributes, names in catalog casing as Graph returns them),
//! parsing it into `Object`s, parsing and compiling the filter, and checking once that both
//! count the same matches.

#![allow(
    clippy::expect_used,
    reason = "benchmark setup: a failed setup must stop the run loudly"
)]

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput};
use csa::{Catalog, Engine, Filter, Object, ObjectKind, Policy, State, Value};

const OBJECTS: usize = 100_000;

const FILTER: &str = "customSecurityAttributes/Marketing/AppCountry eq 'Canada' and \
    startsWith(customSecurityAttributes/Marketing/EmployeeId,'GS') or \
    not (customSecurityAttributes/Engineering/Project eq 'Alpine')";

/// A small deterministic generator (xorshift64*), so every run times the same objects.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// 1..=`max` distinct elements of `pool`, in pool order.
    fn some_of<'a>(&mut self, pool: &[&'a str], max: usize) -> Vec<&'a str> {
        let want = 1 + self.below(max);
        let start = self.below(pool.len());
        pool.iter()
            .cycle()
            .skip(start)
            .take(want.min(pool.len()))
            .copied()
            .collect()
    }
}

/// One user as Graph returns it, with a realistic mix of the sample catalog's attributes.
fn user_json(i: usize, rng: &mut Rng) -> serde_json::Value {
    use serde_json::{json, Map, Value as J};
    let mut marketing = Map::new();
    if rng.chance(60) {
        let countries = rng.some_of(&["Canada", "France", "India", "Mexico"], 3);
        marketing.insert("AppCountry".into(), json!(countries));
    }
    if rng.chance(70) {
        let prefix = ["GS", "KX", "QN", "gs"].get(rng.below(4)).unwrap_or(&"GS");
        marketing.insert(
            "EmployeeId".into(),
            json!(format!("{prefix}{:05}", rng.below(100_000))),
        );
    }
    let mut engineering = Map::new();
    if rng.chance(50) {
        let projects = rng.some_of(&["Alpine", "Baker", "Cascade"], 3);
        engineering.insert("Project".into(), json!(projects));
    }
    if rng.chance(30) {
        engineering.insert("NumVendors".into(), json!(rng.below(20)));
    }
    if rng.chance(20) {
        engineering.insert("CostCenter".into(), json!([1000 + rng.below(10)]));
    }
    if rng.chance(25) {
        engineering.insert("Certification".into(), json!(rng.chance(50)));
    }
    if rng.chance(15) {
        let dcs = rng.some_of(&["India", "Ireland", "Virginia"], 2);
        engineering.insert("Datacenter".into(), json!(dcs));
    }
    let mut csa = Map::new();
    // Sets in either order, as different tenants' objects come back.
    let (first, second) = if rng.chance(50) {
        (("Engineering", engineering), ("Marketing", marketing))
    } else {
        (("Marketing", marketing), ("Engineering", engineering))
    };
    for (name, attrs) in [first, second] {
        if !attrs.is_empty() {
            csa.insert(name.into(), J::Object(attrs));
        }
    }
    if rng.chance(10) {
        csa.insert("Operations".into(), json!({"Level": "Preview"}));
    }
    let csa = if csa.is_empty() {
        J::Null
    } else {
        J::Object(csa)
    };
    json!({"id": format!("user-{i}"), "displayName": format!("User {i}"),
        "customSecurityAttributes": csa})
}

fn objects() -> Vec<Object> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    (0..OBJECTS)
        .map(|i| {
            let bytes = serde_json::to_vec(&user_json(i, &mut rng)).expect("JSON");
            Object::from_json(&bytes).expect("a valid user")
        })
        .collect()
}

/// Whether an element of a String attribute's value passes `test`.
fn any_string(value: Option<&Value>, test: impl Fn(&str) -> bool) -> bool {
    match value {
        Some(Value::String(s)) => test(s),
        Some(Value::Strings(v)) => v.iter().any(|s| test(s)),
        _ => false,
    }
}

/// The filter written by hand: the comparisons docs/RULES.md (Graph $filter) asks for, nothing
/// else.
fn baseline(state: &State) -> bool {
    (any_string(state.get("Marketing", "AppCountry"), |s| s == "Canada")
        && any_string(state.get("Marketing", "EmployeeId"), |s| {
            s.starts_with("GS")
        }))
        || !any_string(state.get("Engineering", "Project"), |s| s == "Alpine")
}

fn filter_100k(c: &mut Criterion) {
    let catalog_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/graph-examples/sample-catalog.json");
    let catalog = Catalog::from_json(&std::fs::read(catalog_path).expect("sample catalog"))
        .expect("valid sample catalog");
    let engine = Engine::new(catalog, Policy::default());
    let filter = Filter::parse(FILTER).expect("the filter parses");
    let compiled = engine
        .compile_filter(&filter, None, &ObjectKind::User)
        .expect("the filter compiles");
    let objects = objects();

    let csa = |objects: &[Object]| objects.iter().filter(|o| compiled.matches(o)).count();
    let closure = |objects: &[Object]| objects.iter().filter(|o| baseline(o.state())).count();
    let (a, b) = (csa(&objects), closure(&objects));
    assert_eq!(a, b, "csa and the closure disagree");
    assert!(a > 0 && a < OBJECTS, "the filter should split the objects");
    println!("filter_100k: {a} of {OBJECTS} objects match");

    let mut group = c.benchmark_group("filter_100k");
    group.throughput(Throughput::Elements(OBJECTS as u64));
    group.warm_up_time(std::time::Duration::from_secs(1));
    group.measurement_time(std::time::Duration::from_secs(4));
    group.bench_function("csa", |b| b.iter(|| black_box(csa(black_box(&objects)))));
    group.bench_function("baseline_closure", |b| {
        b.iter(|| black_box(closure(black_box(&objects))))
    });
    group.finish();
}

// What `criterion_group!`/`criterion_main!` expand to, written out so the bench has no
// undocumented public function.
fn main() {
    let mut c = Criterion::default().configure_from_args();
    filter_100k(&mut c);
    c.final_summary();
}
