//! `csa evolve`: every difference between two catalogs, and the assignments it affects.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::{read_catalog, read_objects, read_policy, Input};
use crate::catalog::{Catalog, Evolution, Impact};
use crate::violation::InputError;

/// `csa evolve`: classifies every difference from catalog `from` to catalog `to`
/// ([`Catalog::evolve`]) and, given the tenant's objects, the assignments it deactivates
/// ([`Catalog::impact`]). A `to` that is not a valid catalog is an illegal evolution (its
/// violations become illegal changes), not an error.
#[derive(Debug, Clone)]
#[must_use]
pub struct Evolve<'a> {
    from: Input<'a>,
    to: Input<'a>,
    objects: Option<Input<'a>>,
    policy: Option<Input<'a>>,
}

impl<'a> Evolve<'a> {
    /// From catalog `from` to catalog `to`.
    pub fn new(from: impl Into<Input<'a>>, to: impl Into<Input<'a>>) -> Self {
        Self {
            from: from.into(),
            to: to.into(),
            objects: None,
            policy: None,
        }
    }
    document!(
        /// The tenant's objects (`--objects`: JSON Lines, a JSON array or a Graph list response).
        'a, objects
    );
    document!(
        /// The policy knobs (`--policy`; its `maxCatalogBytes` bounds both catalogs).
        'a, policy
    );

    /// Reads the policy, `from` (which must be valid), `to` and the objects, then compares.
    pub fn run(&self) -> Result<EvolveReport, InputError> {
        let policy = read_policy(self.policy)?;
        let from = read_catalog(self.from, &policy)?;
        let objects = match self.objects {
            Some(o) => read_objects(o)?,
            None => Vec::new(),
        };
        let (evolution, impact) = match Catalog::from_json_with(self.to.bytes(), &policy) {
            Ok(to) => (from.evolve(&to), from.impact(&to, &objects)),
            Err(e) => {
                let e = self.to.locate_error(e);
                (Evolution::from_invalid(e.violations()), Vec::new())
            }
        };
        Ok(EvolveReport { evolution, impact })
    }
}

/// What `csa evolve` prints with `--format json`: `{"legal", "changes", "impact"}`.
#[derive(Debug, Clone)]
#[must_use]
pub struct EvolveReport {
    evolution: Evolution,
    impact: Vec<Impact>,
}

impl EvolveReport {
    /// The changes, each allowed or refused.
    pub fn evolution(&self) -> &Evolution {
        &self.evolution
    }
    /// The assignments the evolution deactivates.
    pub fn impact(&self) -> &[Impact] {
        &self.impact
    }
    /// Whether every change is allowed.
    pub fn is_legal(&self) -> bool {
        self.evolution.is_legal()
    }
}

impl Serialize for EvolveReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("legal", &self.evolution.is_legal())?;
        m.serialize_entry("changes", self.evolution.changes())?;
        m.serialize_entry("impact", &self.impact)?;
        m.end()
    }
}
