//! The commands of the `csa` tool as functions: documents in, the document `csa ... --format
//! json` prints out.
//!
//! Each command is a small builder named after the command (`Check`, `View`, `Lint`, `Define`,
//! `Evolve`, `Search`, `Filter`, `Plan`, `Apply`): the documents it needs, given as bytes, and
//! its options, named after the command's flags. `run` reads every document (in the order the
//! command line reads its files), then decides, and returns a report whose `Serialize` is
//! exactly what `csa` prints with `--format json`, and whose `graph_answer` (where the command
//! has one) is what it prints with `--format graph`. A document that cannot be used at all (an
//! invalid catalog given to `check`, an unreadable actor, ...) is an [`InputError`]: `csa`
//! exits 2 on it.
//!
//! The command line, the Python and JavaScript packages and `csa serve` all call these, so
//! they cannot disagree.
//!
//! ```
//! use csa::commands::Check;
//!
//! let catalog = br#"{"attributeSets": [{"id": "Engineering"}],
//!   "customSecurityAttributeDefinitions": [{"attributeSet": "Engineering", "name": "Site",
//!   "type": "String", "isCollection": false, "isSearchable": true, "status": "Available",
//!   "usePreDefinedValuesOnly": false}]}"#;
//! let patch = br##"{"customSecurityAttributes": {"Engineering": {
//!   "@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue", "Site": "Oslo"}}}"##;
//! let report = Check::new(catalog, patch).run()?;
//! let json = serde_json::to_value(&report)?;
//! assert_eq!(json["allowed"], true);
//! assert_eq!(json["changes"][0]["attribute"], "Engineering_Site");
//! assert_eq!(report.graph_answer().status(), 204);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

/// A builder's setter for an optional document: `document!('a, actor)` sets `self.actor`.
macro_rules! document {
    ($(#[$doc:meta])* $lt:lifetime, $field:ident) => {
        $(#[$doc])*
        pub fn $field(mut self, $field: impl Into<Input<$lt>>) -> Self {
            self.$field = Some($field.into());
            self
        }
    };
}

/// A builder's setter for a flag: `flag!(exclusive)` sets `self.exclusive`.
macro_rules! flag {
    ($(#[$doc:meta])* $field:ident) => {
        $(#[$doc])*
        pub fn $field(mut self, $field: bool) -> Self {
            self.$field = $field;
            self
        }
    };
}

mod apply;
mod batch;
mod check;
mod define;
mod evolve;
mod filter;
mod graph;
mod lint;
mod parallel;
mod search;
mod view;

pub use apply::Apply;
pub use batch::BatchLine;
pub use check::{Check, CheckReport, Plan};
pub use define::{Define, DefineReport};
pub use evolve::{Evolve, EvolveReport};
pub use filter::{Filter, FilterReport};
pub use graph::GraphAnswer;
pub use lint::Lint;
pub use parallel::Batch;
pub use search::{Search, SearchReport};
pub use view::{View, ViewReport};

use crate::auth::Actor;
use crate::catalog::Catalog;
use crate::object::Object;
use crate::policy::Policy;
use crate::violation::{Document, InputError, Locate};

/// One document given to a command: its bytes, and where they come from.
///
/// Text a person or a program wrote (a file, standard input, a string) is [`Input::text`];
/// JSON serialised from data already parsed (a Python `dict`, a JavaScript object) is
/// [`Input::data`]: line and column numbers into it would point into text nobody has seen.
/// Bytes and strings convert into text inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Input<'a> {
    bytes: &'a [u8],
    text: bool,
}

impl<'a> Input<'a> {
    /// Text as written.
    pub fn text(bytes: &'a [u8]) -> Self {
        Self { bytes, text: true }
    }
    /// JSON serialised from data already parsed.
    pub fn data(bytes: &'a [u8]) -> Self {
        Self { bytes, text: false }
    }
    /// The bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }
    /// Whether these are the bytes as written ([`Input::text`]).
    pub fn is_text(&self) -> bool {
        self.text
    }
}

impl<'a> From<&'a [u8]> for Input<'a> {
    fn from(bytes: &'a [u8]) -> Self {
        Input::text(bytes)
    }
}

impl<'a, const N: usize> From<&'a [u8; N]> for Input<'a> {
    fn from(bytes: &'a [u8; N]) -> Self {
        Input::text(bytes)
    }
}

impl<'a> From<&'a Vec<u8>> for Input<'a> {
    fn from(bytes: &'a Vec<u8>) -> Self {
        Input::text(bytes)
    }
}

impl<'a> From<&'a str> for Input<'a> {
    fn from(text: &'a str) -> Self {
        Input::text(text.as_bytes())
    }
}

impl<'a> From<&'a String> for Input<'a> {
    fn from(text: &'a String) -> Self {
        Input::text(text.as_bytes())
    }
}

/// The policy document, or the default policy without one.
fn read_policy(policy: Option<Input<'_>>) -> Result<Policy, InputError> {
    policy.map_or_else(
        || Ok(Policy::default()),
        |p| Policy::from_json(p.bytes()).map_err(|e| p.locate_error(e)),
    )
}

/// The catalog, valid under `policy`.
fn read_catalog(catalog: Input<'_>, policy: &Policy) -> Result<Catalog, InputError> {
    Catalog::from_json_with(catalog.bytes(), policy).map_err(|e| catalog.locate_error(e))
}

/// The actor document, if one is given.
fn read_actor(actor: Option<Input<'_>>) -> Result<Option<Actor>, InputError> {
    actor
        .map(|a| Actor::from_json(a.bytes()).map_err(|e| a.locate_error(e)))
        .transpose()
}

/// The object document.
fn read_object(object: Input<'_>) -> Result<Object, InputError> {
    Object::from_json(object.bytes()).map_err(|e| object.locate_error(e))
}

/// A list of objects (JSON Lines, an array, a list response).
fn read_objects(objects: Input<'_>) -> Result<Vec<Object>, InputError> {
    Object::list_from_json(objects.bytes()).map_err(|e| objects.locate_error(e))
}

/// `outcome` with line and column on what it says about each document given as text
/// (`documents`: which input each document was).
fn located<R: Locate>(mut outcome: R, documents: &[(Document, Option<Input<'_>>)]) -> R {
    for (document, input) in documents {
        if let Some(input) = input {
            input.locate(*document, &mut outcome);
        }
    }
    outcome
}

impl Input<'_> {
    /// Gives what `outcome` says about `document`, which this input is, its line and column
    /// ([`Locate::locate`]) when this input is text; a document given as data has no place
    /// anyone wrote, and gets none. For a caller that drives an [`crate::Engine`] with inputs
    /// itself, as the commands do.
    pub fn locate<R: Locate + ?Sized>(&self, document: Document, outcome: &mut R) {
        if self.text {
            outcome.locate(document, self.bytes);
        }
    }

    /// `e`, an error about this input, with line and column when it is text
    /// ([`InputError::located`]).
    #[must_use]
    pub fn locate_error(&self, e: InputError) -> InputError {
        if self.text {
            e.located(self.bytes)
        } else {
            e
        }
    }
}
