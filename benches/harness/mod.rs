//! What every bench binary shares: its groups declared once ([`Group`]: the functions, the
//! baseline and the peer), and three ways to run them.
//!
//! - No arguments, or Criterion's (`cargo bench --bench NAME [-- FILTER]`): Criterion times every
//!   function of every group ([`Runner`]).
//! - `count GROUP/FUNCTION N`: the setup of `GROUP` alone, then `N` untimed calls of `FUNCTION`,
//!   exactly the closure Criterion times (its result dropped inside the call, as in the timing);
//!   `GROUP/none` is the setup alone. Under `valgrind --tool=callgrind`, the count of
//!   `count GROUP/FUNCTION N` minus that of `count GROUP/none 0`, divided by `N`, is `FUNCTION`'s
//!   instructions per call.
//! - `list`: one line per group, tab-separated: the group, the calls `cargo xtask bench-count`
//!   counts, the baseline, the peer (`-` for none) and the functions, comma-separated. No setup.
//!
//! `cargo xtask bench-count` runs the count of every function of every group and prints the
//! table docs/PERFORMANCE.md shows.

#![allow(
    dead_code,
    reason = "each bench binary uses the part of the harness its own main needs"
)]

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion};

/// A group as the bench declares it: what `list` prints and what the runners check the
/// group's functions against.
pub(crate) struct Group {
    /// The Criterion group's name (`target/criterion/NAME/`).
    pub(crate) name: &'static str,
    /// Every function of the group, in the order Criterion runs them.
    pub(crate) functions: &'static [&'static str],
    /// The function every other one is compared with.
    pub(crate) baseline: &'static str,
    /// A second comparison, where the group has one (`jsonschema_peer`).
    pub(crate) peer: Option<&'static str>,
    /// How many calls `cargo xtask bench-count` counts: enough that a first call's warm-up
    /// (the allocator growing its heap) weighs nothing, few enough for callgrind.
    pub(crate) calls: u32,
}

/// A function of a group, by name.
type Named<'a> = (&'static str, Box<dyn FnMut() + 'a>);

/// A group's functions after its setup, each by name: what Criterion times and `count` calls.
pub(crate) struct Functions<'a>(Vec<Named<'a>>);

impl<'a> Functions<'a> {
    pub(crate) fn new() -> Self {
        Functions(Vec::new())
    }

    /// Adds `f` as `name`. `f` drops what it computes, inside the call.
    pub(crate) fn with(mut self, name: &'static str, f: impl FnMut() + 'a) -> Self {
        self.0.push((name, Box::new(f)));
        self
    }

    /// Stops the run when the functions are not the ones `group` declares, in its order: what
    /// `list` prints must be what runs.
    fn check(&self, group: &Group) {
        let names: Vec<&str> = self.0.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            names, group.functions,
            "group {}: the functions set up differ from those declared",
            group.name
        );
    }

    /// The function called `name`.
    pub(crate) fn get(&mut self, name: &str) -> Option<&mut (dyn FnMut() + 'a)> {
        self.0
            .iter_mut()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| &mut **f)
    }

    /// Every function, by name.
    pub(crate) fn iter_mut(
        &mut self,
    ) -> impl Iterator<Item = (&'static str, &mut (dyn FnMut() + 'a))> {
        self.0.iter_mut().map(|(name, f)| (*name, &mut **f))
    }
}

/// `count GROUP/FUNCTION N`, read from the command line.
pub(crate) struct Count {
    group: String,
    function: String,
    calls: u64,
    ran: std::cell::Cell<bool>,
}

impl Count {
    /// Whether `group`'s setup is needed.
    pub(crate) fn wants(&self, group: &str) -> bool {
        self.group == group
    }

    /// Calls the counted function `N` times (none for `none`).
    pub(crate) fn run(&self, group: &Group, mut functions: Functions<'_>) {
        functions.check(group);
        self.ran.set(true);
        if self.function == "none" {
            return;
        }
        let f = functions
            .get(&self.function)
            .unwrap_or_else(|| usage(&format!("no function `{}` in this group", self.function)));
        for _ in 0..self.calls {
            f();
        }
    }

    /// Stops with an error when the bench never set up the counted group (a bench whose
    /// `main` forgot a group it declares).
    pub(crate) fn finish(&self) {
        if !self.ran.get() {
            eprintln!("group `{}` was declared but never set up", self.group);
            std::process::exit(1);
        }
    }
}

/// What the command line asks for, `list` answered (and the process ended) here.
pub(crate) enum Mode {
    /// `count GROUP/FUNCTION N`.
    Count(Count),
    /// Anything else: the bench's own run (Criterion's arguments, or the bench's).
    Run(Vec<String>),
}

/// Reads the command line against `groups`. `list` prints them and exits; a `count` of a
/// group or function that is not declared exits with the usage.
pub(crate) fn mode(groups: &[Group]) -> Mode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("list") => {
            for g in groups {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    g.name,
                    g.calls,
                    g.baseline,
                    g.peer.unwrap_or("-"),
                    g.functions.join(",")
                );
            }
            std::process::exit(0);
        }
        Some("count") => {
            let target = args.get(1).map_or("", String::as_str);
            let Some((group, function)) = target.split_once('/') else {
                usage(&format!("`{target}` is not GROUP/FUNCTION"))
            };
            let Some(declared) = groups.iter().find(|g| g.name == group) else {
                usage(&format!("no group `{group}` in this bench"))
            };
            if function != "none" && !declared.functions.contains(&function) {
                usage(&format!("no function `{function}` in group `{group}`"));
            }
            let calls = match args.get(2).map(|n| n.parse::<u64>()) {
                None => 0,
                Some(Ok(n)) => n,
                Some(Err(_)) => usage("N is a number of calls"),
            };
            Mode::Count(Count {
                group: group.to_owned(),
                function: function.to_owned(),
                calls,
                ran: std::cell::Cell::new(false),
            })
        }
        _ => Mode::Run(args),
    }
}

fn usage(problem: &str) -> ! {
    let bin = std::env::args().next().unwrap_or_default();
    eprintln!("{problem}\nusage: {bin} list | count GROUP/FUNCTION N | [Criterion's arguments]");
    std::process::exit(2)
}

/// A Criterion bench: each group timed by Criterion, or counted.
pub(crate) enum Runner {
    Criterion(Box<Criterion>),
    Count(Count),
}

impl Runner {
    /// From the command line (see the module's documentation).
    pub(crate) fn from_args(groups: &[Group]) -> Runner {
        match mode(groups) {
            Mode::Count(count) => Runner::Count(count),
            Mode::Run(_) => Runner::Criterion(Box::new(Criterion::default().configure_from_args())),
        }
    }

    /// Whether `group`'s setup is needed in this run (a count sets up only its own group).
    pub(crate) fn wants(&self, group: &str) -> bool {
        match self {
            Runner::Criterion(_) => true,
            Runner::Count(count) => count.wants(group),
        }
    }

    /// Times (with the settings `configure` gives the Criterion group) or counts `group`'s
    /// `functions`.
    pub(crate) fn run(
        &mut self,
        group: &Group,
        configure: impl FnOnce(&mut BenchmarkGroup<'_, WallTime>),
        mut functions: Functions<'_>,
    ) {
        match self {
            Runner::Count(count) => {
                if count.wants(group.name) {
                    count.run(group, functions);
                }
            }
            Runner::Criterion(c) => {
                functions.check(group);
                let mut timed = c.benchmark_group(group.name);
                configure(&mut timed);
                for (name, f) in functions.iter_mut() {
                    timed.bench_function(name, |b| b.iter(&mut *f));
                }
                timed.finish();
            }
        }
    }

    /// Criterion's summary, after the last group.
    pub(crate) fn finish(self) {
        match self {
            Runner::Criterion(c) => c.final_summary(),
            Runner::Count(count) => count.finish(),
        }
    }
}
