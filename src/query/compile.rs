//! A parsed [`Filter`] compiled against a catalog and an actor ([`Engine::compile_filter`]):
//! where a filter that parses is still refused. Names resolve case-insensitively; an unknown
//! attribute set (or one the actor may not read: the same answer), an unknown attribute, an
//! attribute whose `isSearchable` is false, a literal that does not fit the attribute's type
//! and `startsWith` on a non-String attribute are each a [`FilterError`] (docs/RULES.md, Search and
//! filter).
//!
//! What compiles is a small tree of tests holding the catalog's names and typed literals;
//! [`CompiledFilter::matches`] then only walks that tree over an object's state.

use super::filter::{AttrPath, CompareOp, Expr, Filter, FilterError, FilterErrorKind, Literal};
use crate::auth::Actor;
use crate::catalog::{set_hint, AttributeDefinition, Catalog};
use crate::engine::Engine;
use crate::limits::MAX_NAME_LEN;
use crate::names::utf16_len;
use crate::object::{Object, ObjectKind};
use crate::text::Text;
use crate::value::{check, AttributeType, State, Value};

/// A filter resolved against one catalog, one actor and one kind of object: evaluates objects
/// without looking anything up in the catalog again.
#[derive(Debug, Clone)]
#[must_use]
pub struct CompiledFilter {
    root: Node,
    kind: ObjectKind,
}

/// `and` and `or` chains are flattened; `not` over a single test is folded into the test.
#[derive(Debug, Clone)]
enum Node {
    All(Vec<Node>),
    Any(Vec<Node>),
    Not(Box<Node>),
    Test(Test),
}

/// One comparison: the attribute (catalog casing), what to check, and whether to negate it.
#[derive(Debug, Clone)]
struct Test {
    set: Text,
    attribute: Text,
    check: Check,
    negate: bool,
}

#[derive(Debug, Clone)]
enum Check {
    /// The attribute is assigned (`ne null`; `eq null` negated).
    Present,
    EqString(Text),
    EqInteger(i32),
    EqBoolean(bool),
    StartsWith(Text),
}

impl CompiledFilter {
    /// Whether `object` matches. Objects of another kind than the filter was compiled for never
    /// match (a filter runs over one collection: users, or service principals, ...).
    pub fn matches(&self, object: &Object) -> bool {
        object.kind == self.kind && self.root.eval(&object.state)
    }

    /// The kind of object the filter was compiled for.
    pub fn kind(&self) -> &ObjectKind {
        &self.kind
    }
}

impl Node {
    fn eval(&self, state: &State) -> bool {
        match self {
            Node::Test(t) => t.eval(state),
            Node::All(items) => items.iter().all(|n| n.eval(state)),
            Node::Any(items) => items.iter().any(|n| n.eval(state)),
            Node::Not(n) => !n.eval(state),
        }
    }
}

impl Test {
    /// The node testing the attribute `def` defines, named in catalog casing.
    fn on(def: &AttributeDefinition, check: Check, negate: bool) -> Node {
        Node::Test(Test {
            set: Text::new(def.attribute_set()),
            attribute: Text::new(def.name()),
            check,
            negate,
        })
    }

    #[inline]
    fn eval(&self, state: &State) -> bool {
        let hit = state
            .get(&self.set, &self.attribute)
            .is_some_and(|v| self.check.holds(v));
        hit != self.negate
    }
}

impl Check {
    /// Whether an assigned value passes; on a collection, whether some element does. A value
    /// of another type than the definition's (objects are not validated) never passes.
    #[inline]
    fn holds(&self, v: &Value) -> bool {
        match (self, v) {
            // An empty collection is no assignment.
            (Check::Present, v) => v.count() > 0,
            (Check::EqString(s), Value::String(x)) => x == s,
            (Check::EqString(s), Value::Strings(xs)) => xs.iter().any(|x| x == s),
            (Check::EqInteger(n), Value::Integer(x)) => x == n,
            (Check::EqInteger(n), Value::Integers(xs)) => xs.contains(n),
            (Check::EqBoolean(b), Value::Boolean(x)) => x == b,
            (Check::StartsWith(p), Value::String(x)) => x.starts_with(p.as_str()),
            (Check::StartsWith(p), Value::Strings(xs)) => {
                xs.iter().any(|x| x.starts_with(p.as_str()))
            }
            _ => false,
        }
    }
}

/// Resolves a filter's paths and literals; the first problem in text order is the error.
struct Compiler<'e> {
    catalog: &'e Catalog,
    actor: Option<&'e Actor>,
    kind: &'e ObjectKind,
}

impl Compiler<'_> {
    fn node(&self, e: &Expr) -> Result<Node, FilterError> {
        match e {
            Expr::Or(..) => {
                let mut items = Vec::new();
                self.chain(e, true, &mut items)?;
                Ok(Node::Any(items))
            }
            Expr::And(..) => {
                let mut items = Vec::new();
                self.chain(e, false, &mut items)?;
                Ok(Node::All(items))
            }
            Expr::Not(inner) => Ok(match self.node(inner)? {
                Node::Test(mut t) => {
                    t.negate = !t.negate;
                    Node::Test(t)
                }
                Node::Not(n) => *n,
                n => Node::Not(Box::new(n)),
            }),
            Expr::Compare { path, op, value } => self.compare(path, *op, value),
            Expr::StartsWith { path, prefix } => self.starts_with(path, prefix),
        }
    }

    /// The operands of a chain of `or` (`any`) or `and` (`!any`), left to right.
    fn chain(&self, e: &Expr, any: bool, out: &mut Vec<Node>) -> Result<(), FilterError> {
        match (e, any) {
            (Expr::Or(a, b), true) | (Expr::And(a, b), false) => {
                self.chain(a, any, out)?;
                self.chain(b, any, out)
            }
            _ => {
                out.push(self.node(e)?);
                Ok(())
            }
        }
    }

    fn compare(
        &self,
        path: &AttrPath,
        op: CompareOp,
        value: &Literal,
    ) -> Result<Node, FilterError> {
        let def = self.resolve(path)?;
        let ty = def.attribute_type();
        let wrong = |what: String| {
            FilterError::new(FilterErrorKind::LiteralType, path.span().start, what)
                .on(path.span())
                .with_property(def.id().to_owned())
        };
        let check = match (value, ty) {
            (Literal::Null, _) => Check::Present,
            (Literal::String(s), AttributeType::String) => Check::EqString(Text::new(s)),
            (Literal::Boolean(b), AttributeType::Boolean) => Check::EqBoolean(*b),
            // The value rule for Int32 (the grammar has already read the digits as an i64,
            // so only the range can fail here).
            (Literal::Integer(n), AttributeType::Integer) => match check::int32(&n.to_string()) {
                Ok(n) => Check::EqInteger(n),
                Err(_) => {
                    return Err(wrong(format!(
                        "`{n}` is outside the Int32 range of the Integer attribute `{}`",
                        def.id()
                    )))
                }
            },
            (lit, ty) => {
                let wanted = match ty {
                    AttributeType::String => "a string in single quotes",
                    AttributeType::Integer => "an integer",
                    AttributeType::Boolean => "`true` or `false`",
                };
                return Err(wrong(format!(
                    "`{}` is a {ty} attribute: compare it with {wanted} or `null`, not `{lit}`",
                    def.id()
                )));
            }
        };
        // `eq null` is "not present"; `ne x` is `not (eq x)`.
        let negate = matches!(value, Literal::Null) == (op == CompareOp::Eq);
        Ok(Test::on(def, check, negate))
    }

    /// `startsWith(path,'prefix')`, on String attributes only.
    fn starts_with(&self, path: &AttrPath, prefix: &str) -> Result<Node, FilterError> {
        let def = self.resolve(path)?;
        if def.attribute_type() != AttributeType::String {
            return Err(FilterError::new(
                FilterErrorKind::NotString,
                path.span().start,
                format!(
                    "`startsWith` applies only to String attributes; `{}` is {}",
                    def.id(),
                    def.attribute_type()
                ),
            )
            .on(path.span())
            .with_property(def.id().to_owned()));
        }
        Ok(Test::on(def, Check::StartsWith(Text::new(prefix)), false))
    }

    /// The definition a path names, if the actor may read its set and it may be filtered. An
    /// unreadable set gives exactly the error an undefined one gives.
    fn resolve(&self, path: &AttrPath) -> Result<&AttributeDefinition, FilterError> {
        let at = path.span().start;
        let readable = |set: &str| {
            self.actor
                .is_none_or(|a| a.can_read_assignments(self.kind, set))
        };
        let Some(set) = self
            .catalog
            .attribute_set(path.set())
            .filter(|s| readable(s.id()))
        else {
            let message = match self.actor {
                None => format!("the attribute set `{}` is not defined", path.set()),
                Some(_) => format!(
                    "the attribute set `{}` is not defined, or the actor may not read its assignments",
                    path.set()
                ),
            };
            let hint = suggest(
                path.set(),
                self.catalog
                    .attribute_sets()
                    .iter()
                    .map(|s| s.id())
                    .filter(|s| readable(s)),
            );
            return Err(
                FilterError::new(FilterErrorKind::UnknownAttributeSet, at, message)
                    .on(path.set_span())
                    .with_property(path.property())
                    .with_hint(hint),
            );
        };
        let Some(def) = self.catalog.definition(set.id(), path.attribute()) else {
            let hint = suggest(
                path.attribute(),
                self.catalog.definitions_in(set.id()).map(|d| d.name()),
            );
            return Err(FilterError::new(
                FilterErrorKind::UnknownAttribute,
                at,
                format!(
                    "the attribute set `{}` has no attribute `{}`",
                    set.id(),
                    path.attribute()
                ),
            )
            .on(path.attribute_span())
            .with_property(format!("{}_{}", set.id(), path.attribute()))
            .with_hint(hint));
        };
        if !def.is_searchable() {
            return Err(FilterError::new(
                FilterErrorKind::NotSearchable,
                at,
                format!(
                    "`{}` is not searchable (its `isSearchable` is false), so it cannot be filtered",
                    def.id()
                ),
            )
            .on(path.attribute_span())
            .with_property(def.id().to_owned()));
        }
        Ok(def)
    }
}

/// "did you mean" for a name close to one of `candidates`, worded as the engine's hints are
/// (names too long to be valid are not worth the comparison).
fn suggest<'c>(wanted: &str, candidates: impl Iterator<Item = &'c str>) -> Option<String> {
    if utf16_len(wanted) > MAX_NAME_LEN {
        return None;
    }
    set_hint(wanted, candidates)
}

impl Engine {
    /// Resolves `filter` against the catalog for objects of `kind`, as `actor` (or, with
    /// `None`, as someone who may read every set): names case-insensitively, literal types
    /// against the definitions (`null` fits any), `startsWith` on String attributes only,
    /// searchable attributes only. A set the actor may not read is refused exactly like an
    /// undefined one, so the error reveals nothing. The first problem in text order is reported.
    ///
    /// ```
    /// use csa::{Catalog, Engine, Filter, Object, ObjectKind, Policy};
    ///
    /// let catalog = Catalog::from_json(br#"{"attributeSets": [{"id": "Marketing"}],
    ///   "customSecurityAttributeDefinitions": [{"attributeSet": "Marketing", "name": "AppCountry",
    ///   "type": "String", "isCollection": true, "isSearchable": true, "status": "Available",
    ///   "usePreDefinedValuesOnly": false}]}"#)?;
    /// let engine = Engine::new(catalog, Policy::default());
    /// let filter = Filter::parse("customSecurityAttributes/marketing/appcountry eq 'Canada'")?;
    /// let compiled = engine.compile_filter(&filter, None, &ObjectKind::User)?;
    /// let jana = Object::from_json(br#"{"id": "u1", "customSecurityAttributes": {"Marketing": {
    ///   "AppCountry": ["Canada", "Mexico"]}}}"#)?;
    /// assert!(compiled.matches(&jana));
    /// assert!(!compiled.matches(&Object::default()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn compile_filter(
        &self,
        filter: &Filter,
        actor: Option<&Actor>,
        kind: &ObjectKind,
    ) -> Result<CompiledFilter, FilterError> {
        let compiler = Compiler {
            catalog: self.catalog(),
            actor,
            kind,
        };
        Ok(CompiledFilter {
            root: compiler.node(filter.expr())?,
            kind: kind.clone(),
        })
    }
}
