//! `csa demo`: documented Graph PATCH examples, checked one after the other against the sample
//! catalog. It reads no files: its data (`demo/`) is built in.

use csa::commands::{Apply, Check, View};
use csa::{Document, InputError};

use crate::input::Input;
use crate::output::compact;
use crate::render::{self, Sources};

/// The sample catalog (a copy of tests/data/graph-examples/sample-catalog.json).
const CATALOG: &[u8] = include_bytes!("demo/sample-catalog.json");
/// An Attribute Assignment Administrator scoped to the Engineering attribute set.
const ADMIN: &[u8] = include_bytes!("demo/engineering-admin.json");
/// A Global Administrator, who holds no attribute role.
const GLOBAL_ADMIN: &[u8] = include_bytes!("demo/global-admin.json");

/// One PATCH of the demo: a documented example's `request.body`, or csa's own, and its caller.
struct Step {
    title: &'static str,
    body: &'static str,
    actor: &'static [u8],
}

const STEPS: &[Step] = &[
    Step {
        title: "A01: assign a single-valued String (Engineering_ProjectDate)",
        body: include_str!("demo/A01-user-string.json"),
        actor: ADMIN,
    },
    Step {
        title: "A03: assign a multi-valued, predefined String (Engineering_Project)",
        body: include_str!("demo/A03-user-multistring.json"),
        actor: ADMIN,
    },
    Step {
        title: "refused: values that are not predefined (they are case-sensitive)",
        body: include_str!("demo/not-predefined.json"),
        actor: ADMIN,
    },
    Step {
        title: "A04: assign a single-valued Integer (Engineering_NumVendors)",
        body: include_str!("demo/A04-user-integer.json"),
        actor: ADMIN,
    },
    Step {
        title: "A07: update the Integer from 4 to 8",
        body: include_str!("demo/A07-user-update-integer.json"),
        actor: ADMIN,
    },
    Step {
        title: "A09: replace the whole multi-valued Project",
        body: include_str!("demo/A09-user-update-multistring.json"),
        actor: ADMIN,
    },
    Step {
        title: "refused: a multi-valued attribute is removed with [], not null",
        body: include_str!("demo/wrong-removal.json"),
        actor: ADMIN,
    },
    Step {
        title: "refused: the Engineering-scoped administrator writes to Marketing",
        body: include_str!("demo/other-set.json"),
        actor: ADMIN,
    },
    Step {
        title: "refused: A10 sent by a Global Administrator (no attribute role is implied)",
        body: include_str!("demo/A10-user-remove-single.json"),
        actor: GLOBAL_ADMIN,
    },
    Step {
        title: "A10: remove the single-valued ProjectDate with null",
        body: include_str!("demo/A10-user-remove-single.json"),
        actor: ADMIN,
    },
    Step {
        title: "A11: remove the multi-valued Project with []",
        body: include_str!("demo/A11-user-remove-multi.json"),
        actor: ADMIN,
    },
];

const INTRO: &str = "\
csa demo: documented Graph PATCH examples against the sample catalog
(tests/data/graph-examples/sample-catalog.json), on one cloud-only user that starts with
nothing assigned. Each PATCH is checked as an Attribute Assignment Administrator scoped
to the Engineering attribute set (unless said otherwise); an allowed one is applied to
the state the previous ones left, a refused one changes nothing.
";

pub fn run() -> String {
    let mut out = INTRO.to_owned();
    if let Err(e) = steps(&mut out) {
        out.push_str(&format!("the embedded demo data is invalid: {e}\n"));
    }
    out
}

/// Each step as `csa check` then, when allowed, `csa apply`; then `csa view`.
fn steps(out: &mut String) -> Result<(), InputError> {
    let catalog = Input {
        label: "sample-catalog.json".to_owned(),
        bytes: CATALOG.to_vec(),
    };
    // The user as Graph returns it: nothing assigned at first, then what `apply` printed.
    let mut object = br#"{"customSecurityAttributes": {}}"#.to_vec();
    for step in STEPS {
        out.push_str(&format!("\n== {} ==\nPATCH /users/{{id}}\n", step.title));
        out.push_str(step.body);
        out.push_str("-- csa check --format text:\n");
        let report = Check::new(CATALOG, step.body)
            .object(&object)
            .actor(step.actor)
            .run()?;
        let patch = Input {
            label: "patch".to_owned(),
            bytes: step.body.as_bytes().to_vec(),
        };
        let sources = Sources::default()
            .with(Document::Body, &patch)
            .with(Document::Catalog, &catalog);
        out.push_str(&render::evaluation(report.evaluation(), &sources));
        if report.is_allowed() {
            let changes = compact(&report);
            let applied = Apply::new(CATALOG, &object, &changes).run()?;
            object = compact(&applied).into_bytes();
        }
    }
    out.push_str("\n== the user's customSecurityAttributes now (csa view) ==\n");
    let view = View::new(CATALOG, &object).actor(ADMIN).run()?;
    out.push_str(&render::view(view.state(), true));
    Ok(())
}
