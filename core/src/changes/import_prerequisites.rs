//! Prerequisites in an imported flagd document: the compiled shape an export wrote
//! ([`crate::flagd::prerequisites`]) is read back into each flag's prerequisites and own
//! targeting, and accepted only when it is exactly what those compile to again; then the
//! prerequisites follow the same rules as a state set through the API.

use std::collections::BTreeMap;

use super::Changes;
use super::error::{ChangeError, Result};
use crate::domain::{Environment, Flag, FlagState};
use crate::engine::Problem;
use crate::flagd::{Document, prerequisites};

impl Changes {
    /// The problems of the prerequisites an import restores (`finals`: every flag of the
    /// document with its state as the import leaves it), with their paths in the document.
    pub(super) async fn imported_prerequisites(
        &self,
        env: &Environment,
        doc: &Document,
        finals: &[(Flag, FlagState)],
    ) -> Result<Vec<Problem>> {
        let mut problems = recompiled(doc, finals);
        if !problems.is_empty() {
            return Ok(problems);
        }
        let Some(mut snap) = self.store.load_environment(&env.id).await? else {
            return Err(ChangeError::NotFound("environment".into()));
        };
        for (flag, state) in finals {
            match snap.flags.iter_mut().find(|(f, _)| f.key == flag.key) {
                Some(entry) => *entry = (flag.clone(), state.clone()),
                None => snap.flags.push((flag.clone(), state.clone())),
            }
        }
        snap.flags.sort_by(|(a, _), (b, _)| a.key.cmp(&b.key));
        for (flag, state) in finals {
            let needed = snap
                .flags
                .iter()
                .any(|(_, s)| s.prerequisites.iter().any(|p| p.flag == flag.key));
            if state.prerequisites.is_empty() && !needed {
                continue;
            }
            if let Err(e) = super::prerequisites::check(&snap, flag, state) {
                let at = format!("/flags/{}", flag.key.replace('~', "~0").replace('/', "~1"));
                match e.under(&at) {
                    ChangeError::Invalid { problems: p, .. } => problems.extend(p),
                    other => return Err(other),
                }
            }
        }
        Ok(problems)
    }
}

/// Compiles the restored prerequisites again: every flag's targeting and every `flag:`
/// evaluator must come out as the document has them.
fn recompiled(doc: &Document, finals: &[(Flag, FlagState)]) -> Vec<Problem> {
    let mut again = doc.clone();
    for (flag, state) in finals {
        if let Some(def) = again.flags.get_mut(&flag.key) {
            def.targeting = state.targeting.clone();
        }
    }
    again
        .evaluators
        .retain(|k, _| !prerequisites::is_flag_evaluator(k));
    let needs: BTreeMap<_, _> = finals
        .iter()
        .filter(|(_, s)| !s.prerequisites.is_empty())
        .map(|(f, s)| (f.key.clone(), s.prerequisites.clone()))
        .collect();
    prerequisites::compile(&mut again, &needs);
    let mut problems = Vec::new();
    let stale = "export the environment again rather than editing compiled prerequisites";
    for (key, def) in &doc.flags {
        if again.flags.get(key).map(|d| &d.targeting) != Some(&def.targeting) {
            problems.push(Problem::new(
                format!(
                    "/flags/{}/targeting",
                    key.replace('~', "~0").replace('/', "~1")
                ),
                format!("holds prerequisites that do not compile to this rule: {stale}"),
            ));
        }
    }
    let names = doc
        .evaluators
        .keys()
        .chain(again.evaluators.keys())
        .filter(|k| prerequisites::is_flag_evaluator(k));
    let mut seen = std::collections::BTreeSet::new();
    for name in names.filter(|n| seen.insert(*n)) {
        let at = format!(
            "/$evaluators/{}",
            name.replace('~', "~0").replace('/', "~1")
        );
        let flag = prerequisites::flag_of_evaluator(name).unwrap_or_default();
        match (doc.evaluators.get(name), again.evaluators.get(name)) {
            (Some(had), Some(made)) if had == made => {}
            (Some(_), Some(_)) => problems.push(Problem::new(
                at,
                format!("is not what flag {flag}'s targeting compiles to: {stale}"),
            )),
            (Some(_), None) => problems.push(Problem::new(
                at,
                format!("names flag {flag}, which no flag of the document needs as a prerequisite"),
            )),
            _ => problems.push(Problem::new(
                at,
                format!("is missing: flag {flag} is a prerequisite and its rule must be here"),
            )),
        }
    }
    problems
}
