//! Prerequisites between the flags of one environment: the rules a state's prerequisites follow
//! (checked by every path that sets a state), and the flag changes that would break another
//! flag's prerequisite (refused).

use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

use super::Changes;
use super::error::{ChangeError, Result};
use crate::clock::{Clock, SystemClock};
use crate::domain::{Flag, FlagState, Project};
use crate::engine::{FlagSet, Problem};
use crate::flagd::prerequisites::{MAX_DEPTH, MAX_PER_FLAG};
use crate::store::EnvironmentSnapshot;

/// Flag key → the keys of its prerequisites, in one environment.
type Graph<'a> = BTreeMap<&'a str, Vec<&'a str>>;

/// Checks state `s` of `flag` against the environment it is set in (`snapshot`, as it is
/// before): at most [`MAX_PER_FLAG`] prerequisites, each another live flag of the project, listed
/// once, with 1 or more of its variants, each once; no cycle; no chain deeper than
/// [`MAX_DEPTH`]; and the compiled rules of the flag and of every flag that depends on it stay
/// within the evaluation budget.
pub fn check(snapshot: &EnvironmentSnapshot, flag: &Flag, s: &FlagState) -> Result<()> {
    let mut snap = snapshot.clone();
    match snap.flags.iter_mut().find(|(f, _)| f.key == flag.key) {
        Some(entry) => *entry = (flag.clone(), s.clone()),
        None => snap.flags.push((flag.clone(), s.clone())),
    }
    listed(&snap, flag, s)?;
    let graph: Graph<'_> = snap
        .flags
        .iter()
        .map(|(f, st)| {
            let next = st.prerequisites.iter().map(|p| p.flag.as_str()).collect();
            (f.key.as_str(), next)
        })
        .collect();
    if let Some(cycle) = cycle_through(&graph, &flag.key) {
        return Err(ChangeError::field(
            "prerequisites",
            format!("would make a cycle of prerequisites: {}", cycle.join(" → ")),
        ));
    }
    let chain = longest_chain(&graph);
    if chain.len() > MAX_DEPTH + 1 {
        return Err(ChangeError::field(
            "prerequisites",
            format!(
                "would make a chain of {} prerequisites ({}), more than {MAX_DEPTH}",
                chain.len() - 1,
                chain.join(" → ")
            ),
        ));
    }
    within_budget(&snap, &graph, &flag.key)
}

/// Each prerequisite on its own: another live flag, listed once, with known variants.
fn listed(snap: &EnvironmentSnapshot, flag: &Flag, s: &FlagState) -> Result<()> {
    if s.prerequisites.len() > MAX_PER_FLAG {
        return Err(ChangeError::field(
            "prerequisites",
            format!("at most {MAX_PER_FLAG} prerequisites"),
        ));
    }
    for (i, p) in s.prerequisites.iter().enumerate() {
        let at = format!("prerequisites/{i}");
        if p.flag == flag.key {
            return Err(ChangeError::field(
                &format!("{at}/flag"),
                "is this flag itself: a flag cannot be its own prerequisite",
            ));
        }
        if s.prerequisites[..i].iter().any(|q| q.flag == p.flag) {
            return Err(ChangeError::field(&format!("{at}/flag"), "is listed twice"));
        }
        let Some((target, _)) = snap.flags.iter().find(|(f, _)| f.key == p.flag) else {
            return Err(ChangeError::field(
                &format!("{at}/flag"),
                format!(
                    "{:?} is not a flag of this project (or it is archived)",
                    p.flag
                ),
            ));
        };
        if p.variants.is_empty() {
            return Err(ChangeError::field(
                &format!("{at}/variants"),
                format!("needs at least one variant of flag {}", p.flag),
            ));
        }
        for (j, v) in p.variants.iter().enumerate() {
            if !target.variants.iter().any(|x| &x.name == v) {
                return Err(ChangeError::field(
                    &format!("{at}/variants/{j}"),
                    format!("{v:?} is not a variant of flag {}", p.flag),
                ));
            }
            if p.variants[..j].contains(v) {
                return Err(ChangeError::field(
                    &format!("{at}/variants/{j}"),
                    "is listed twice",
                ));
            }
        }
    }
    Ok(())
}

/// A path `key → ... → key`, if the graph has one.
fn cycle_through<'a>(graph: &Graph<'a>, key: &'a str) -> Option<Vec<&'a str>> {
    fn walk<'a>(
        graph: &Graph<'a>,
        at: &'a str,
        goal: &str,
        path: &mut Vec<&'a str>,
        seen: &mut BTreeSet<&'a str>,
    ) -> bool {
        for &next in graph.get(at).map_or(&[][..], Vec::as_slice) {
            path.push(next);
            if next == goal || (seen.insert(next) && walk(graph, next, goal, path, seen)) {
                return true;
            }
            path.pop();
        }
        false
    }
    let mut path = vec![key];
    walk(graph, key, key, &mut path, &mut BTreeSet::new()).then_some(path)
}

/// The longest chain of prerequisites in an acyclic graph, as the keys along it.
fn longest_chain<'a>(graph: &Graph<'a>) -> Vec<&'a str> {
    fn below<'a>(
        graph: &Graph<'a>,
        key: &'a str,
        memo: &mut BTreeMap<&'a str, Vec<&'a str>>,
    ) -> Vec<&'a str> {
        if let Some(done) = memo.get(key) {
            return done.clone();
        }
        let mut best: Vec<&'a str> = Vec::new();
        for &next in graph.get(key).map_or(&[][..], Vec::as_slice) {
            let chain = below(graph, next, memo);
            if chain.len() > best.len() {
                best = chain;
            }
        }
        best.insert(0, key);
        memo.insert(key, best.clone());
        best
    }
    let mut memo = BTreeMap::new();
    graph
        .keys()
        .map(|k| below(graph, k, &mut memo))
        .max_by_key(Vec::len)
        .unwrap_or_default()
}

/// The compiled rules of `key` and of the flags that depend on it, in full: no problem, and
/// within the budget (worst case and the dry runs).
fn within_budget(snap: &EnvironmentSnapshot, graph: &Graph<'_>, key: &str) -> Result<()> {
    let mut affected: BTreeSet<&str> = BTreeSet::from([key]);
    loop {
        let more: Vec<&str> = graph
            .iter()
            .filter(|(k, next)| !affected.contains(*k) && next.iter().any(|n| affected.contains(n)))
            .map(|(k, _)| *k)
            .collect();
        if more.is_empty() {
            break;
        }
        affected.extend(more);
    }
    let mut doc = snap.to_flagd();
    doc.flags.retain(|k, _| affected.contains(k.as_str()));
    let set = FlagSet::compile(&doc);
    let mut found = set.warnings().to_vec();
    if found.is_empty() {
        found = set.dry_run(SystemClock.now_secs());
    }
    if found.is_empty() {
        return Ok(());
    }
    let problems: Vec<Problem> = found
        .iter()
        .map(|p| {
            let whose = p
                .path
                .strip_prefix("/flags/")
                .and_then(|rest| rest.split('/').next())
                .unwrap_or_default()
                .replace("~1", "/")
                .replace("~0", "~");
            let message = if whose == key {
                format!("with its prerequisites, the rule fails: {}", p.message)
            } else {
                format!(
                    "flag {whose}, which depends on this flag, would fail: {}",
                    p.message
                )
            };
            Problem::new("/prerequisites", message)
        })
        .collect();
    Err(ChangeError::problems(
        super::rules::rule_title(&problems),
        problems,
    ))
}

impl Changes {
    /// Checks a state about to be set ([`check`]) when it has prerequisites or another flag
    /// here depends on its flag (whose compiled rules then change too).
    pub(super) fn check_prerequisites(
        &self,
        snap: &EnvironmentSnapshot,
        flag: &Flag,
        next: &FlagState,
    ) -> Result<()> {
        let needed = snap
            .flags
            .iter()
            .any(|(_, s)| s.prerequisites.iter().any(|p| p.flag == flag.key));
        if next.prerequisites.is_empty() && !needed {
            return Ok(());
        }
        check(snap, flag, next)
    }

    /// Refuses to delete (`next` is `None`) or archive a flag that another flag's state needs
    /// as a prerequisite, or to remove a variant such a prerequisite lists, in any environment
    /// but `except` (which the caller checks itself).
    pub(super) async fn check_prerequisites_kept(
        &self,
        p: &Project,
        current: &Flag,
        next: Option<&Flag>,
        except: Option<&str>,
    ) -> Result<()> {
        let mut needed_by = Vec::new();
        for env in self.store.list_environments(&p.id).await? {
            if except == Some(env.id.as_str()) {
                continue;
            }
            let Some(snap) = self.store.load_environment(&env.id).await? else {
                continue;
            };
            for (f, s) in &snap.flags {
                for pr in s.prerequisites.iter().filter(|pr| pr.flag == current.key) {
                    match next {
                        Some(n) if !n.archived => {
                            if let Some(v) = pr
                                .variants
                                .iter()
                                .find(|v| !n.variants.iter().any(|x| &x.name == *v))
                            {
                                return Err(ChangeError::field(
                                    "variants",
                                    format!(
                                        "must keep variant {v}: flag {} needs it as a prerequisite in environment {}",
                                        f.key, env.key
                                    ),
                                ));
                            }
                        }
                        _ => needed_by.push(format!("{} (environment {})", f.key, env.key)),
                    }
                }
            }
        }
        if needed_by.is_empty() {
            return Ok(());
        }
        let what = if next.is_some() {
            "archived"
        } else {
            "deleted"
        };
        Err(ChangeError::Conflict {
            message: format!(
                "flag {} cannot be {what}: it is a prerequisite of {}; remove those prerequisites first",
                current.key,
                needed_by.join(", ")
            ),
            details: json!({ "prerequisiteOf": needed_by }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph<'a>(edges: &[(&'a str, &[&'a str])]) -> Graph<'a> {
        edges.iter().map(|(k, v)| (*k, v.to_vec())).collect()
    }

    #[test]
    fn a_cycle_is_found_with_its_path() {
        let g = graph(&[("a", &["b"]), ("b", &["c"]), ("c", &["a"]), ("d", &[])]);
        assert_eq!(cycle_through(&g, "a"), Some(vec!["a", "b", "c", "a"]));
        assert_eq!(cycle_through(&g, "d"), None);
    }

    #[test]
    fn the_longest_chain_is_named() {
        let g = graph(&[("a", &["b", "x"]), ("b", &["c"]), ("c", &[]), ("x", &[])]);
        assert_eq!(longest_chain(&g), vec!["a", "b", "c"]);
    }
}
