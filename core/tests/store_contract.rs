//! One contract suite, run against both backends: the embedded store (redb in a temporary
//! directory) and DynamoDB (a moto server started for each test, or `AWS_ENDPOINT_URL`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::json;
use std::sync::Arc;
use switchyard_core::domain::*;
use switchyard_core::engine::{Context, FlagSet, FlagType};
use switchyard_core::store::{Kv, Store, StoreError};

#[allow(missing_debug_implementations)]
pub struct Harness {
    pub store: Store,
    _guards: Box<dyn std::any::Any + Send>,
}

fn embedded() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let kv = switchyard_core::store::embedded::Embedded::open(dir.path()).unwrap();
    Harness {
        store: Store::new(Arc::new(kv)),
        _guards: Box::new(dir),
    }
}

async fn dynamodb() -> Harness {
    use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
    let (endpoint, server) = support::dynamodb_endpoint();
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .build();
    let table = format!("switchyard-test-{}", new_id());
    let kv = switchyard_core::store::dynamodb::DynamoDb::new(
        aws_sdk_dynamodb::Client::from_conf(config),
        table,
    );
    kv.create_table().await.expect("table created");
    Harness {
        store: Store::new(Arc::new(kv)),
        _guards: Box::new(server),
    }
}

macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod embedded_store {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() { super::cases::$case(super::embedded()).await })*
        }
        mod dynamodb_store {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() { super::cases::$case(super::dynamodb().await).await })*
        }
    };
}

contract!(
    accounts_and_tokens,
    projects_environments_and_keys,
    flag_lifecycle,
    twenty_concurrent_writers_one_winner,
    failed_audit_write_leaves_no_trace,
    pagination,
    counters,
);

mod cases {
    use super::*;

    fn user(email: &str) -> User {
        User {
            id: new_id(),
            email: email.into(),
            name: "Ada".into(),
            password_hash: "$argon2id$x".into(),
            session_generation: 0,
            created_at: now_ms(),
        }
    }

    pub fn audit(org: &str, project: &str, target: &str, action: &str) -> AuditEntry {
        AuditEntry {
            id: new_id(),
            org_id: org.into(),
            project_id: Some(project.into()),
            environment_id: None,
            actor: "user-1".into(),
            action: action.into(),
            target: target.into(),
            before: None,
            after: Some(json!({"x": 1})),
            at: now_ms(),
        }
    }

    pub async fn setup(store: &Store, envs: usize) -> (Organization, Project, Vec<Environment>) {
        let org = Organization {
            id: new_id(),
            name: "Acme".into(),
            created_at: now_ms(),
        };
        let owner = Membership {
            org_id: org.id.clone(),
            user_id: "user-1".into(),
            role: Role::Owner,
            created_at: 0,
        };
        store.create_org(&org, &owner).await.unwrap();
        let project = Project {
            id: new_id(),
            org_id: org.id.clone(),
            name: "Web".into(),
            created_at: now_ms(),
        };
        store.create_project(&project).await.unwrap();
        let mut out = Vec::new();
        for i in 0..envs {
            let env = Environment {
                id: new_id(),
                org_id: org.id.clone(),
                project_id: project.id.clone(),
                key: format!("env{i}"),
                name: format!("Env {i}"),
                revision: 0,
                allowed_origins: vec![],
                created_at: now_ms(),
            };
            store.create_environment(&env).await.unwrap();
            out.push(env);
        }
        (org, project, out)
    }

    pub fn flag(project: &str, key: &str) -> Flag {
        Flag {
            project_id: project.into(),
            key: key.into(),
            name: key.into(),
            description: String::new(),
            kind: FlagType::Boolean,
            variants: vec![
                Variant {
                    name: "on".into(),
                    value: json!(true),
                },
                Variant {
                    name: "off".into(),
                    value: json!(false),
                },
            ],
            tags: vec!["web".into()],
            archived: false,
            version: 1,
            created_by: "user-1".into(),
            created_at: now_ms(),
            updated_by: "user-1".into(),
            updated_at: now_ms(),
        }
    }

    pub fn state(env: &str, key: &str, version: u64, enabled: bool) -> FlagState {
        FlagState {
            environment_id: env.into(),
            flag_key: key.into(),
            enabled,
            default_variant: Some("off".into()),
            targeting: Some(json!({"if": [{"$ref": "beta-users"}, "on", null]})),
            version,
            updated_by: "user-1".into(),
            updated_at: now_ms(),
        }
    }

    pub async fn accounts_and_tokens(h: Harness) {
        let s = &h.store;
        let ada = user("ada@example.com");
        s.create_user(&ada).await.unwrap();
        let dup = user("ADA@example.com");
        assert!(matches!(
            s.create_user(&dup).await,
            Err(StoreError::AlreadyExists(_))
        ));
        assert_eq!(
            s.get_user_by_email("Ada@Example.com")
                .await
                .unwrap()
                .unwrap()
                .id,
            ada.id
        );
        assert!(
            s.get_user_by_email("nobody@example.com")
                .await
                .unwrap()
                .is_none()
        );
        let mut changed = ada.clone();
        changed.session_generation = 1;
        s.update_user(&changed).await.unwrap();
        assert_eq!(
            s.get_user(&ada.id)
                .await
                .unwrap()
                .unwrap()
                .session_generation,
            1
        );
        assert!(matches!(
            s.update_user(&user("ghost@example.com")).await,
            Err(StoreError::NotFound(_))
        ));

        let org = Organization {
            id: new_id(),
            name: "Acme".into(),
            created_at: now_ms(),
        };
        s.create_org(
            &org,
            &Membership {
                org_id: org.id.clone(),
                user_id: ada.id.clone(),
                role: Role::Owner,
                created_at: 0,
            },
        )
        .await
        .unwrap();
        let other = Organization {
            id: new_id(),
            name: "Other".into(),
            created_at: now_ms(),
        };
        s.create_org(
            &other,
            &Membership {
                org_id: other.id.clone(),
                user_id: "someone".into(),
                role: Role::Owner,
                created_at: 0,
            },
        )
        .await
        .unwrap();
        s.put_membership(&Membership {
            org_id: org.id.clone(),
            user_id: "bob".into(),
            role: Role::Viewer,
            created_at: 0,
        })
        .await
        .unwrap();
        let mine = s.memberships_of(&ada.id).await.unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(
            (mine[0].org_id.as_str(), mine[0].role),
            (org.id.as_str(), Role::Owner)
        );
        assert_eq!(
            s.list_members(&org.id, None, 10).await.unwrap().items.len(),
            2
        );
        s.delete_membership(&org.id, "bob").await.unwrap();
        assert!(s.get_membership(&org.id, "bob").await.unwrap().is_none());
        assert!(matches!(
            s.delete_membership(&org.id, "bob").await,
            Err(StoreError::NotFound(_))
        ));

        let secret = new_secret("sy_api");
        let token = ApiToken {
            id: new_id(),
            org_id: org.id.clone(),
            name: "ci".into(),
            scopes: vec![Scope::Read, Scope::WriteFlags],
            secret_hash: hash_secret(&secret),
            prefix: secret[..10].into(),
            created_by: ada.id.clone(),
            created_at: now_ms(),
            expires_at: None,
            revoked_at: None,
        };
        s.create_api_token(&token).await.unwrap();
        let found = s
            .find_api_token(&hash_secret(&secret))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.id, token.id);
        assert!(
            s.find_api_token(&hash_secret("wrong"))
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(
            s.list_api_tokens(&org.id, None, 10)
                .await
                .unwrap()
                .items
                .len(),
            1
        );
        assert!(
            s.list_api_tokens(&other.id, None, 10)
                .await
                .unwrap()
                .items
                .is_empty()
        );
        let mut revoked = found.clone();
        revoked.revoked_at = Some(now_ms());
        s.update_api_token(&revoked).await.unwrap();
        assert!(
            s.find_api_token(&hash_secret(&secret))
                .await
                .unwrap()
                .unwrap()
                .revoked_at
                .is_some()
        );

        let invite_secret = new_secret("sy_invite");
        let inv = Invitation {
            org_id: org.id.clone(),
            token_hash: hash_secret(&invite_secret),
            email: "eve@example.com".into(),
            role: Role::Editor,
            invited_by: ada.id.clone(),
            expires_at: now_ms() + 1000,
        };
        s.create_invitation(&inv).await.unwrap();
        let got = s
            .get_invitation(&hash_secret(&invite_secret))
            .await
            .unwrap()
            .unwrap();
        let eve = Membership {
            org_id: org.id.clone(),
            user_id: "eve".into(),
            role: got.role,
            created_at: 0,
        };
        s.accept_invitation(&got, &eve).await.unwrap();
        assert_eq!(
            s.get_membership(&org.id, "eve")
                .await
                .unwrap()
                .unwrap()
                .role,
            Role::Editor
        );
        assert!(
            matches!(
                s.accept_invitation(&got, &eve).await,
                Err(StoreError::NotFound(_))
            ),
            "an invitation works once"
        );
    }

    pub async fn projects_environments_and_keys(h: Harness) {
        let s = &h.store;
        let (org, project, envs) = setup(s, 2).await;
        let (other_org, other_project, _) = setup(s, 1).await;
        let listed = s.list_projects(&org.id, None, 10).await.unwrap().items;
        assert_eq!(listed, vec![project.clone()]);
        assert_eq!(
            s.list_projects(&other_org.id, None, 10)
                .await
                .unwrap()
                .items,
            vec![other_project]
        );
        assert_eq!(s.list_environments(&project.id).await.unwrap().len(), 2);
        assert!(s.get_project("nope").await.unwrap().is_none());

        let mut env = s.get_environment(&envs[0].id).await.unwrap().unwrap();
        env.allowed_origins = vec!["https://app.example.com".into()];
        let saved = s.update_environment(&env).await.unwrap();
        assert_eq!(saved.revision, 1);
        assert_eq!(s.environment_revision(&env.id).await.unwrap(), 1);
        match s.update_environment(&env).await {
            Err(StoreError::Conflict { current, .. }) => assert_eq!(current, Some(1)),
            other => panic!("a stale environment update must conflict: {other:?}"),
        }

        let secret = new_secret("sy_client");
        let key = SdkKey {
            id: new_id(),
            org_id: org.id.clone(),
            project_id: project.id.clone(),
            environment_id: env.id.clone(),
            kind: KeyKind::Client,
            secret_hash: hash_secret(&secret),
            prefix: secret[..12].into(),
            created_at: now_ms(),
            revoked_at: None,
        };
        s.create_sdk_key(&key).await.unwrap();
        assert_eq!(
            s.find_sdk_key(&hash_secret(&secret))
                .await
                .unwrap()
                .unwrap(),
            key
        );
        assert_eq!(s.list_sdk_keys(&env.id).await.unwrap().len(), 1);
        assert!(s.list_sdk_keys(&envs[1].id).await.unwrap().is_empty());
        let mut revoked = key.clone();
        revoked.revoked_at = Some(1);
        s.update_sdk_key(&revoked).await.unwrap();
        assert_eq!(
            s.find_sdk_key(&hash_secret(&secret))
                .await
                .unwrap()
                .unwrap()
                .revoked_at,
            Some(1)
        );
    }

    pub async fn flag_lifecycle(h: Harness) {
        let s = &h.store;
        let (org, project, envs) = setup(s, 2).await;
        let f = flag(&project.id, "new-checkout");
        let events = s
            .create_flag(
                &f,
                &audit(&org.id, &project.id, "flag:new-checkout", "flag.create"),
            )
            .await
            .unwrap();
        assert_eq!(events.len(), 2);
        assert!(
            events
                .iter()
                .all(|e| e.revision == 1 && e.changed_keys == ["new-checkout"])
        );
        assert!(matches!(
            s.create_flag(
                &f,
                &audit(&org.id, &project.id, "flag:new-checkout", "flag.create")
            )
            .await,
            Err(StoreError::Conflict {
                current: Some(1),
                ..
            })
        ));
        let initial = s.get_flag_state(&envs[0].id, &f).await.unwrap();
        assert_eq!(
            (
                initial.enabled,
                initial.version,
                initial.default_variant.as_deref()
            ),
            (false, 0, Some("on"))
        );

        let seg = Segment {
            project_id: project.id.clone(),
            key: "beta-users".into(),
            name: "Beta".into(),
            description: String::new(),
            rule: json!({"in": [{"var": "plan"}, ["beta"]]}),
            version: 1,
            updated_by: "user-1".into(),
            updated_at: 0,
        };
        let ev = s
            .put_segment(
                &seg,
                &audit(&org.id, &project.id, "segment:beta-users", "segment.create"),
            )
            .await
            .unwrap();
        assert!(ev.iter().all(|e| e.revision == 2));

        let ev = s
            .put_flag_state(
                &project.id,
                &state(&envs[0].id, "new-checkout", 1, true),
                &audit(
                    &org.id,
                    &project.id,
                    "flag:new-checkout",
                    "flag_state.update",
                ),
            )
            .await
            .unwrap();
        assert_eq!(
            (ev.environment.as_str(), ev.revision),
            (envs[0].id.as_str(), 3)
        );
        assert_eq!(
            s.environment_revision(&envs[1].id).await.unwrap(),
            2,
            "other environments are untouched"
        );
        match s
            .put_flag_state(
                &project.id,
                &state(&envs[0].id, "new-checkout", 1, false),
                &audit(
                    &org.id,
                    &project.id,
                    "flag:new-checkout",
                    "flag_state.update",
                ),
            )
            .await
        {
            Err(StoreError::Conflict { current, .. }) => assert_eq!(current, Some(1)),
            other => panic!("stale write must conflict: {other:?}"),
        }

        let snap = s.load_environment(&envs[0].id).await.unwrap().unwrap();
        assert_eq!(snap.environment.revision, 3);
        assert_eq!(snap.flags.len(), 1);
        assert!(snap.flags[0].1.enabled);
        assert_eq!(snap.segments.len(), 1);
        let doc = snap.to_flagd();
        let set = FlagSet::parse_strict(&doc).expect("the exported document is valid flagd");
        let attrs = json!({"plan": "beta"});
        let r = set.evaluate("new-checkout", &Context::new(&attrs, 0).unwrap());
        assert_eq!(r.value, Some(&json!(true)));
        let attrs = json!({"plan": "free"});
        assert_eq!(
            set.evaluate("new-checkout", &Context::new(&attrs, 0).unwrap())
                .value,
            Some(&json!(false))
        );

        let mut archived = f.clone();
        archived.version = 2;
        archived.archived = true;
        s.update_flag(
            &archived,
            &audit(&org.id, &project.id, "flag:new-checkout", "flag.archive"),
        )
        .await
        .unwrap();
        assert!(
            s.load_environment(&envs[0].id)
                .await
                .unwrap()
                .unwrap()
                .flags
                .is_empty()
        );
        assert!(matches!(
            s.update_flag(
                &archived,
                &audit(&org.id, &project.id, "flag:new-checkout", "flag.update")
            )
            .await,
            Err(StoreError::Conflict {
                current: Some(2),
                ..
            })
        ));

        s.delete_flag(
            &project.id,
            "new-checkout",
            2,
            &audit(&org.id, &project.id, "flag:new-checkout", "flag.delete"),
        )
        .await
        .unwrap();
        assert!(
            s.get_flag(&project.id, "new-checkout")
                .await
                .unwrap()
                .is_none()
        );
        // Re-created, the flag starts from its default state again (old states were deleted).
        s.create_flag(
            &f,
            &audit(&org.id, &project.id, "flag:new-checkout", "flag.create"),
        )
        .await
        .unwrap();
        assert_eq!(s.get_flag_state(&envs[0].id, &f).await.unwrap().version, 0);
        s.delete_segment(
            &project.id,
            "beta-users",
            1,
            &audit(&org.id, &project.id, "segment:beta-users", "segment.delete"),
        )
        .await
        .unwrap();
        assert!(s.list_segments(&project.id).await.unwrap().is_empty());

        let history = s
            .list_audit(
                &org.id,
                &AuditFilter {
                    target: Some("flag:new-checkout".into()),
                    ..Default::default()
                },
                None,
                50,
            )
            .await
            .unwrap();
        let actions: Vec<&str> = history.items.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "flag.create",
                "flag_state.update",
                "flag.archive",
                "flag.delete",
                "flag.create"
            ]
        );
        let all = s
            .list_audit(&org.id, &AuditFilter::default(), None, 50)
            .await
            .unwrap();
        assert_eq!(all.items.len(), 7);
        assert_eq!(
            s.get_audit(&org.id, &all.items[0].id)
                .await
                .unwrap()
                .unwrap(),
            all.items[0]
        );
    }

    pub async fn twenty_concurrent_writers_one_winner(h: Harness) {
        let s = h.store.clone();
        let (org, project, envs) = setup(&s, 1).await;
        let f = flag(&project.id, "contended");
        s.create_flag(
            &f,
            &audit(&org.id, &project.id, "flag:contended", "flag.create"),
        )
        .await
        .unwrap();
        let mut tasks = Vec::new();
        for i in 0..20 {
            let (s, org, project, env) = (
                s.clone(),
                org.id.clone(),
                project.id.clone(),
                envs[0].id.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let st = state(&env, "contended", 1, i % 2 == 0);
                s.put_flag_state(
                    &project,
                    &st,
                    &audit(&org, &project, "flag:contended", "flag_state.update"),
                )
                .await
            }));
        }
        let mut wins = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(ev) => {
                    wins += 1;
                    assert_eq!(ev.revision, 2);
                }
                Err(StoreError::Conflict { current, .. }) => assert_eq!(current, Some(1)),
                Err(other) => panic!("unexpected error: {other}"),
            }
        }
        assert_eq!(wins, 1, "exactly one writer wins");
        assert_eq!(
            s.environment_revision(&envs[0].id).await.unwrap(),
            2,
            "one revision bump"
        );
        let filter = AuditFilter {
            target: Some("flag:contended".into()),
            ..Default::default()
        };
        let entries = s
            .list_audit(&org.id, &filter, None, 100)
            .await
            .unwrap()
            .items;
        assert_eq!(
            entries
                .iter()
                .filter(|e| e.action == "flag_state.update")
                .count(),
            1,
            "one audit entry"
        );
        assert_eq!(s.get_flag_state(&envs[0].id, &f).await.unwrap().version, 1);
    }

    pub async fn failed_audit_write_leaves_no_trace(h: Harness) {
        let s = &h.store;
        let (org, project, envs) = setup(s, 1).await;
        let f = flag(&project.id, "audited");
        let first = audit(&org.id, &project.id, "flag:audited", "flag.create");
        s.create_flag(&f, &first).await.unwrap();
        // The same audit id again: the audit write fails, so nothing of the change may stay.
        let mut reused = audit(&org.id, &project.id, "flag:audited", "flag_state.update");
        reused.id = first.id.clone();
        let result = s
            .put_flag_state(
                &project.id,
                &state(&envs[0].id, "audited", 1, true),
                &reused,
            )
            .await;
        assert!(
            matches!(result, Err(StoreError::AlreadyExists(_))),
            "{result:?}"
        );
        assert_eq!(
            s.get_flag_state(&envs[0].id, &f).await.unwrap().version,
            0,
            "state not written"
        );
        assert_eq!(
            s.environment_revision(&envs[0].id).await.unwrap(),
            1,
            "revision not bumped"
        );
        assert_eq!(
            s.get_audit(&org.id, &first.id)
                .await
                .unwrap()
                .unwrap()
                .action,
            "flag.create"
        );
    }

    pub async fn pagination(h: Harness) {
        let s = &h.store;
        let (org, _, _) = setup(s, 0).await;
        for i in 0..6 {
            s.create_project(&Project {
                id: new_id(),
                org_id: org.id.clone(),
                name: format!("p{i}"),
                created_at: 0,
            })
            .await
            .unwrap();
        }
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let page = s
                .list_projects(&org.id, cursor.as_deref(), 3)
                .await
                .unwrap();
            assert!(page.items.len() <= 3);
            pages += 1;
            seen.extend(page.items.into_iter().map(|p| p.id));
            match page.next {
                Some(n) => cursor = Some(n),
                None => break,
            }
        }
        assert_eq!((seen.len(), pages), (7, 3));
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 7, "no project twice");
        assert!(matches!(
            s.list_projects(&org.id, Some("garbage!"), 3).await,
            Err(StoreError::Invalid(_))
        ));
    }

    pub async fn counters(h: Harness) {
        let s = &h.store;
        let d = |variant: &str, hour: i64, count: u64| CounterDelta {
            environment_id: "env-a".into(),
            flag_key: "f".into(),
            variant: variant.into(),
            hour,
            count,
        };
        s.add_counters(&[d("on", 100, 3), d("off", 100, 1), d("on", 101, 2)])
            .await
            .unwrap();
        s.add_counters(&[d("on", 100, 4)]).await.unwrap();
        let rows = s.counters("env-a", "f", 100, 101).await.unwrap();
        let mut got: Vec<(String, i64, u64)> = rows
            .into_iter()
            .map(|r| (r.variant, r.hour, r.count))
            .collect();
        got.sort();
        assert_eq!(got, vec![("off".into(), 100, 1), ("on".into(), 100, 7)]);
        assert_eq!(s.counters("env-a", "f", 0, 1000).await.unwrap().len(), 3);
        assert!(s.counters("env-b", "f", 0, 1000).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn embedded_store_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (org_id, project_id, env_id) = {
        let kv = switchyard_core::store::embedded::Embedded::open(dir.path()).unwrap();
        let store = Store::new(Arc::new(kv));
        let (org, project, envs) = cases::setup(&store, 1).await;
        let f = cases::flag(&project.id, "durable");
        store
            .create_flag(
                &f,
                &cases::audit(&org.id, &project.id, "flag:durable", "flag.create"),
            )
            .await
            .unwrap();
        store
            .put_flag_state(
                &project.id,
                &cases::state(&envs[0].id, "durable", 1, true),
                &cases::audit(&org.id, &project.id, "flag:durable", "flag_state.update"),
            )
            .await
            .unwrap();
        (org.id, project.id, envs[0].id.clone())
    };
    let kv = switchyard_core::store::embedded::Embedded::open(dir.path()).unwrap();
    let store = Store::new(Arc::new(kv));
    let snap = store.load_environment(&env_id).await.unwrap().unwrap();
    assert_eq!(snap.environment.revision, 2);
    assert!(snap.flags[0].1.enabled);
    assert_eq!(
        store
            .get_project(&project_id)
            .await
            .unwrap()
            .unwrap()
            .org_id,
        org_id
    );
}

#[tokio::test]
async fn keys_that_cannot_be_stored_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let kv = switchyard_core::store::embedded::Embedded::open(dir.path()).unwrap();
    assert!(
        kv.get("bad\0key", "x").await.is_err() || kv.get("bad\0key", "x").await.unwrap().is_none()
    );
    let store = Store::new(Arc::new(kv));
    let f = cases::flag("p", "bad\0key");
    assert!(matches!(
        store
            .create_flag(&f, &cases::audit("o", "p", "flag:x", "flag.create"))
            .await,
        Err(StoreError::Invalid(_))
    ));
}
