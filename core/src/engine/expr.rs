//! The compiled form of a targeting rule: JsonLogic parsed once into a tree of operations, with
//! `$ref`s resolved, variable paths split, and literal operands of `sem_ver` and `fractional`
//! checked and converted ahead of time.

use serde_json::Value;

use super::semver::SemVerOp;

#[derive(Debug, Clone)]
pub(crate) enum Expr {
    /// A constant: a scalar, or an array with no logic inside.
    Lit(Value),
    /// An array literal with logic inside.
    List(Vec<Expr>),
    Var {
        path: VarPath,
        default: Option<Box<Expr>>,
    },
    /// `var` whose path is itself computed.
    VarDyn {
        path: Box<Expr>,
        default: Option<Box<Expr>>,
    },
    Missing(Vec<Expr>),
    MissingSome(Box<Expr>, Box<Expr>),
    If(Vec<Expr>),
    Eq(Box<Expr>, Box<Expr>),
    NotEq(Box<Expr>, Box<Expr>),
    StrictEq(Box<Expr>, Box<Expr>),
    StrictNotEq(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    NotNot(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    /// `<`, `<=`, `>`, `>=`; `<` and `<=` also take three operands (between).
    Cmp(CmpOp, Vec<Expr>),
    Arith(ArithOp, Vec<Expr>),
    Iter(IterOp, Box<Expr>, Box<Expr>),
    Reduce(Box<Expr>, Box<Expr>, Box<Expr>),
    Merge(Vec<Expr>),
    In(Box<Expr>, Box<Expr>),
    /// `in` against a literal list of strings (what rule builders write): a string needle is
    /// compared directly; anything else is never strictly equal to a string.
    InStrings(Box<Expr>, Vec<String>),
    Cat(Vec<Expr>),
    Substr(Vec<Expr>),
    Fractional(Box<Fractional>),
    SemVer {
        version: Box<Expr>,
        op: SemVerOperand,
        target: SemVerTarget,
    },
    StartsWith(Box<Expr>, Box<Expr>),
    EndsWith(Box<Expr>, Box<Expr>),
    /// A `$ref` to a `flag:` evaluator (a prerequisite flag's own targeting, see
    /// [`crate::flagd::prerequisites`]): evaluated as that flag would be on its own, so an
    /// operation error inside yields `null` (the flag's default variant) instead of ending the
    /// whole rule, and a split chosen inside does not make the evaluating flag's reason SPLIT.
    Isolated(Box<Expr>),
    /// An operation whose operands can never work (wrong count, wrong literal type). flagd lets
    /// such a rule load and evaluates the operation to an error; so does this engine.
    Fail(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum VarPath {
    /// `""`: the whole data object.
    Whole,
    /// `$flagd.flagKey`
    FlagKey,
    /// `$flagd.timestamp`
    Timestamp,
    /// Any other `$flagd...` path: flagd replaces the caller's `$flagd` with its own properties,
    /// so these are always null.
    Flagd,
    /// A single key.
    Key(String),
    /// A dotted path, split into its segments.
    Path(Vec<String>),
}

impl VarPath {
    pub(crate) fn parse(path: &str) -> VarPath {
        match path {
            "" => VarPath::Whole,
            "$flagd.flagKey" => VarPath::FlagKey,
            "$flagd.timestamp" => VarPath::Timestamp,
            _ if path == "$flagd" || path.starts_with("$flagd.") => VarPath::Flagd,
            _ if !path.contains('.') => VarPath::Key(path.to_owned()),
            _ => VarPath::Path(path.split('.').map(str::to_owned).collect()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Min,
    Max,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IterOp {
    Map,
    Filter,
    All,
    None,
    Some,
}

/// The operator of `sem_ver`: known when the rule is compiled (the usual case) or computed.
#[derive(Debug, Clone)]
pub(crate) enum SemVerOperand {
    Known(SemVerOp),
    Computed(Box<Expr>),
}

/// The version `sem_ver` compares against: parsed when the rule is compiled, or computed.
#[derive(Debug, Clone)]
pub(crate) enum SemVerTarget {
    Known(semver::Version),
    Computed(Box<Expr>),
}

/// A compiled `fractional` (see `fractional` for the bucketing).
#[derive(Debug, Clone)]
pub(crate) struct Fractional {
    /// The bucketing-key expression; `None` means `flagKey + targetingKey`.
    pub(crate) key: Option<Expr>,
    pub(crate) buckets: Vec<Bucket>,
    /// The weights, when every one is a literal (the usual case): checked once at compile time.
    pub(crate) const_weights: Option<Vec<u64>>,
}

#[derive(Debug, Clone)]
pub(crate) struct Bucket {
    pub(crate) variant: Expr,
    /// `None`: the default weight of 1.
    pub(crate) weight: Option<Expr>,
}
