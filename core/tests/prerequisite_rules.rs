//! The rules prerequisites follow when they are written (through the change layer, on both
//! stores), and the flagd export and import round trip.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod governance;
mod support;

use serde_json::{Value, json};
use std::sync::Arc;
use switchyard_core::bus::InProcessBus;
use switchyard_core::changes::{ChangeError, Changes, FlagPatch, NewFlag, NewProject, StateInput};
use switchyard_core::clock::SystemClock;
use switchyard_core::domain::{Actor, Environment, Prerequisite, Project, User, Variant};
use switchyard_core::engine::FlagType;
use switchyard_core::store::Store;

struct World {
    _guard: Box<dyn std::any::Any + Send>,
    changes: Changes,
    actor: Actor,
    project: Project,
    prod: Environment,
    dev: Environment,
}

async fn embedded() -> World {
    let (store, guard) = governance::embedded_store().await;
    world(store, guard).await
}

async fn dynamodb() -> World {
    let (store, guard) = governance::dynamodb_store().await;
    world(store, guard).await
}

/// A project with environments prod and dev, and on/off flags a, b, c, d, e, f, g.
async fn world(store: Store, guard: Box<dyn std::any::Any + Send>) -> World {
    let changes = Changes::new(
        store,
        Arc::new(InProcessBus::default()),
        Arc::new(SystemClock),
    );
    let user = User {
        id: "u1".into(),
        email: "ada@example.com".into(),
        name: "Ada".into(),
        password_hash: String::new(),
        session_generation: 0,
        version: 0,
        totp_secret: None,
        totp_pending: None,
        totp_last_step: 0,
        recovery_codes: Vec::new(),
        email_verified_at: None,
        sso_org: None,
        created_at: 0,
    };
    let org = changes.create_org(&user, "Acme").await.unwrap();
    let actor = Actor::User(user.id.clone());
    let created = changes
        .create_project(
            &actor,
            &org.id,
            NewProject {
                name: "Shop".into(),
                environments: Some(vec!["prod".into(), "dev".into()]),
                client_visible_by_default: None,
            },
        )
        .await
        .unwrap();
    for key in ["a", "b", "c", "d", "e", "f", "g"] {
        let variants = [("on", true), ("off", false)]
            .map(|(name, value)| Variant {
                name: name.into(),
                value: json!(value),
            })
            .to_vec();
        let new = NewFlag {
            key: key.into(),
            name: None,
            description: String::new(),
            kind: FlagType::Boolean,
            variants,
            tags: vec![],
            client_visible: None,
        };
        changes
            .create_flag(&actor, &created.project, new)
            .await
            .unwrap();
    }
    let env = |k: &str| {
        created
            .environments
            .iter()
            .find(|e| e.key == k)
            .unwrap()
            .clone()
    };
    World {
        _guard: guard,
        prod: env("prod"),
        dev: env("dev"),
        changes,
        actor,
        project: created.project,
    }
}

on_both_stores!(
    embedded(),
    dynamodb();
    a_prerequisite_on_an_unknown_flag_is_refused,
    a_prerequisite_on_an_unknown_or_repeated_variant_is_refused,
    a_flag_cannot_be_its_own_prerequisite,
    a_cycle_is_refused_with_the_cycle_named,
    a_chain_deeper_than_five_is_refused,
    more_than_ten_prerequisites_are_refused,
    deleting_or_archiving_a_flag_another_needs_is_refused,
    removing_a_variant_a_prerequisite_lists_is_refused,
    an_exported_environment_imports_back_with_its_prerequisites,
    an_edited_compiled_prerequisite_is_refused_on_import,
);

fn needs(list: &[(&str, &[&str])]) -> Vec<Prerequisite> {
    list.iter()
        .map(|(flag, variants)| Prerequisite {
            flag: (*flag).into(),
            variants: variants.iter().map(|v| (*v).into()).collect(),
        })
        .collect()
}

impl World {
    /// Sets `key`'s state in prod: enabled, default "off", targeting on `{"var": key}`.
    async fn set(&self, key: &str, list: &[(&str, &[&str])]) -> Result<(), ChangeError> {
        let store = self.changes.store();
        let flag = store
            .get_flag(&self.project.id, key)
            .await
            .unwrap()
            .unwrap();
        let current = store.get_flag_state(&self.prod.id, &flag).await.unwrap();
        let input = StateInput {
            enabled: true,
            default_variant: Some("off".into()),
            targeting: Some(json!({"if": [{"var": key}, "on", null]})),
            prerequisites: needs(list),
        };
        let env = self.prod.clone();
        self.changes
            .put_state(
                &self.actor,
                &self.project,
                &env,
                key,
                current.version,
                input,
            )
            .await
            .map(drop)
    }

    async fn export(&self, env: &Environment) -> Value {
        let snap = self.changes.store().load_environment(&env.id).await;
        serde_json::to_value(snap.unwrap().unwrap().to_flagd()).unwrap()
    }
}

/// The first problem's path and message.
fn problem(r: Result<(), ChangeError>) -> (String, String) {
    match r {
        Err(ChangeError::Invalid { problems, .. }) => {
            (problems[0].path.clone(), problems[0].message.clone())
        }
        other => panic!("expected a rule's refusal, got {other:?}"),
    }
}

mod cases {
    use super::*;

    pub async fn a_prerequisite_on_an_unknown_flag_is_refused(w: World) {
        let (path, message) = problem(w.set("a", &[("nope", &["on"])]).await);
        assert_eq!(path, "/prerequisites/0/flag");
        assert!(message.contains("not a flag of this project"), "{message}");
    }

    pub async fn a_prerequisite_on_an_unknown_or_repeated_variant_is_refused(w: World) {
        let (path, message) = problem(w.set("a", &[("b", &["on", "maybe"])]).await);
        assert_eq!(path, "/prerequisites/0/variants/1");
        assert!(message.contains("not a variant of flag b"), "{message}");
        let (path, _) = problem(w.set("a", &[("b", &["on", "on"])]).await);
        assert_eq!(path, "/prerequisites/0/variants/1");
        let (path, _) = problem(w.set("a", &[("b", &[])]).await);
        assert_eq!(path, "/prerequisites/0/variants");
    }

    pub async fn a_flag_cannot_be_its_own_prerequisite(w: World) {
        let (path, message) = problem(w.set("a", &[("a", &["on"])]).await);
        assert_eq!(path, "/prerequisites/0/flag");
        assert!(message.contains("its own prerequisite"), "{message}");
    }

    pub async fn a_cycle_is_refused_with_the_cycle_named(w: World) {
        w.set("a", &[("b", &["on"])]).await.unwrap();
        w.set("b", &[("c", &["on"])]).await.unwrap();
        let (path, message) = problem(w.set("c", &[("a", &["on"])]).await);
        assert_eq!(path, "/prerequisites");
        assert!(message.contains("c → a → b → c"), "{message}");
    }

    pub async fn a_chain_deeper_than_five_is_refused(w: World) {
        for (flag, on) in [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"), ("e", "f")] {
            w.set(flag, &[(on, &["on"])]).await.unwrap();
        }
        let (path, message) = problem(w.set("f", &[("g", &["on"])]).await);
        assert_eq!(path, "/prerequisites");
        assert!(message.contains("a → b → c → d → e → f → g"), "{message}");
    }

    pub async fn more_than_ten_prerequisites_are_refused(w: World) {
        let many: Vec<(&str, &[&str])> = ["b"; 11].iter().map(|f| (*f, &["on"][..])).collect();
        let (path, _) = problem(w.set("a", &many).await);
        assert_eq!(path, "/prerequisites");
    }

    pub async fn deleting_or_archiving_a_flag_another_needs_is_refused(w: World) {
        w.set("a", &[("b", &["on"])]).await.unwrap();
        let delete = w.changes.delete_flag(&w.actor, &w.project, "b", 1).await;
        match delete {
            Err(ChangeError::Conflict { message, .. }) => {
                assert!(
                    message.contains("prerequisite of a (environment prod)"),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }
        let archive = FlagPatch {
            archived: Some(true),
            ..FlagPatch::default()
        };
        let r = w
            .changes
            .update_flag(&w.actor, &w.project, "b", 1, archive)
            .await;
        assert!(matches!(r, Err(ChangeError::Conflict { .. })), "{r:?}");
        // Once a no longer needs it, b goes.
        w.set("a", &[]).await.unwrap();
        w.changes
            .delete_flag(&w.actor, &w.project, "b", 1)
            .await
            .unwrap();
    }

    pub async fn removing_a_variant_a_prerequisite_lists_is_refused(w: World) {
        w.set("a", &[("b", &["off"])]).await.unwrap();
        let patch = FlagPatch {
            variants: Some(vec![Variant {
                name: "on".into(),
                value: json!(true),
            }]),
            ..FlagPatch::default()
        };
        let r = w
            .changes
            .update_flag(&w.actor, &w.project, "b", 1, patch)
            .await;
        let (path, message) = problem(r.map(drop));
        assert_eq!(path, "/variants");
        assert!(
            message.contains("flag a needs it as a prerequisite"),
            "{message}"
        );
    }

    pub async fn an_exported_environment_imports_back_with_its_prerequisites(w: World) {
        w.set("c", &[]).await.unwrap();
        w.set("b", &[("c", &["on"])]).await.unwrap();
        w.set("a", &[("b", &["on"]), ("c", &["on", "off"])])
            .await
            .unwrap();
        let exported = w.export(&w.prod).await;
        assert!(exported["$evaluators"]["flag:b"].is_object(), "{exported}");
        w.changes
            .import_flagd(&w.actor, &w.project, &w.dev, &exported)
            .await
            .unwrap();
        let store = w.changes.store();
        let a = store.get_flag(&w.project.id, "a").await.unwrap().unwrap();
        let state = store.get_flag_state(&w.dev.id, &a).await.unwrap();
        assert_eq!(
            state.prerequisites,
            needs(&[("b", &["on"]), ("c", &["on", "off"])])
        );
        assert_eq!(
            state.targeting,
            Some(json!({"if": [{"var": "a"}, "on", null]}))
        );
        let again = w.export(&w.dev).await;
        assert_eq!(
            again["flags"]["a"]["targeting"],
            exported["flags"]["a"]["targeting"]
        );
        assert_eq!(again["$evaluators"], exported["$evaluators"]);
        // Importing the same document again changes nothing.
        let summary = w
            .changes
            .import_flagd(&w.actor, &w.project, &w.dev, &exported)
            .await
            .unwrap();
        assert_eq!(summary.states_updated, 0);
    }

    pub async fn an_edited_compiled_prerequisite_is_refused_on_import(w: World) {
        w.set("a", &[("b", &["on"])]).await.unwrap();
        w.set("b", &[]).await.unwrap();
        let mut exported = w.export(&w.prod).await;
        exported["$evaluators"]["flag:b"] = json!({"if": [true, "on", null]});
        let r = w
            .changes
            .import_flagd(&w.actor, &w.project, &w.dev, &exported)
            .await;
        let (path, message) = problem(r.map(drop));
        assert_eq!(path, "/$evaluators/flag:b");
        assert!(
            message.contains("export the environment again"),
            "{message}"
        );
    }
}
