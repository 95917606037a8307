//! A team on either backend: an owner (who sets policies), an admin and two editors, a project
//! with `staging` (no approval) and `production` (approval required), a boolean flag and a
//! segment, and a settable clock.
#![allow(dead_code)]

use serde_json::json;
use std::sync::Arc;
use switchyard_core::bus::InProcessBus;
use switchyard_core::changes::{Changes, EnvironmentPatch, NewFlag, NewProject, NewSegment};
use switchyard_core::clock::FixedClock;
use switchyard_core::domain::*;
use switchyard_core::engine::FlagType;
use switchyard_core::store::Store;

pub const T0: i64 = 1_800_000_000_000;

/// Runs each case of `mod cases` on both stores: `on_both_stores!(setup_embedded(),
/// setup_dynamodb(); case_a, case_b)`, each setup an `async` expression giving what the cases
/// take.
#[macro_export]
macro_rules! on_both_stores {
    ($embedded:expr, $dynamodb:expr; $($case:ident),* $(,)?) => {
        mod embedded_store {
            #[allow(unused_imports)]
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() { cases::$case($embedded.await).await })*
        }
        mod dynamodb_store {
            #[allow(unused_imports)]
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() { cases::$case($dynamodb.await).await })*
        }
    };
}

/// An embedded store in a temporary directory (the guard removes it).
pub async fn embedded_store() -> (Store, Box<dyn std::any::Any + Send>) {
    let dir = tempfile::tempdir().unwrap();
    let kv = switchyard_core::store::embedded::Embedded::open(dir.path()).unwrap();
    (Store::new(Arc::new(kv)), Box::new(dir))
}

/// A DynamoDB table on a moto server of its own (or `AWS_ENDPOINT_URL`; the guard stops it).
pub async fn dynamodb_store() -> (Store, Box<dyn std::any::Any + Send>) {
    use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
    let (endpoint, server) = crate::support::dynamodb_endpoint();
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .build();
    let kv = switchyard_core::store::dynamodb::DynamoDb::new(
        aws_sdk_dynamodb::Client::from_conf(config),
        format!("switchyard-test-{}", new_id()),
    );
    kv.create_table().await.expect("table created");
    (Store::new(Arc::new(kv)), Box::new(server))
}

#[allow(missing_debug_implementations)]
pub struct Team {
    pub changes: Changes,
    pub clock: Arc<FixedClock>,
    pub owner: Actor,
    pub admin: Actor,
    pub editor: Actor,
    pub editor2: Actor,
    pub org: Organization,
    pub project: Project,
    pub staging: Environment,
    pub production: Environment,
    _guard: Box<dyn std::any::Any + Send>,
}

impl Team {
    pub async fn embedded() -> Team {
        let (store, guard) = embedded_store().await;
        Team::new(store, guard).await
    }

    pub async fn dynamodb() -> Team {
        let (store, guard) = dynamodb_store().await;
        Team::new(store, guard).await
    }

    pub async fn new(store: Store, guard: Box<dyn std::any::Any + Send>) -> Team {
        let clock = Arc::new(FixedClock::at(T0));
        let changes = Changes::new(
            store.clone(),
            Arc::new(InProcessBus::new(64)),
            clock.clone(),
        );
        let owner = user(&store, "owner").await;
        let org = changes.create_org(&owner, "Acme").await.unwrap();
        let owner_actor = Actor::User(owner.id.clone());
        let mut roles = Vec::new();
        for (name, role) in [
            ("admin", Role::Admin),
            ("editor", Role::Editor),
            ("editor2", Role::Editor),
        ] {
            let u = user(&store, name).await;
            let invited = changes
                .invite(&owner_actor, &owner, Role::Owner, &org.id, &u.email, role)
                .await
                .unwrap();
            changes.accept_invitation(&u, &invited.token).await.unwrap();
            roles.push(Actor::User(u.id));
        }
        let created = changes
            .create_project(
                &owner_actor,
                &org.id,
                NewProject {
                    name: "Shop".into(),
                    environments: Some(vec!["staging".into(), "production".into()]),
                    client_visible_by_default: None,
                },
            )
            .await
            .unwrap();
        let project = created.project;
        let staging = created.environments[0].clone();
        let production = created.environments[1].clone();
        changes
            .create_flag(
                &owner_actor,
                &project,
                NewFlag {
                    key: "checkout".into(),
                    name: None,
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
                    tags: vec![],
                    client_visible: None,
                },
            )
            .await
            .unwrap();
        changes
            .create_segment(
                &owner_actor,
                &project,
                NewSegment {
                    key: "beta".into(),
                    name: None,
                    description: String::new(),
                    rule: json!({"in": ["beta", {"var": "groups"}]}),
                },
            )
            .await
            .unwrap();
        let mut team = Team {
            changes,
            clock,
            owner: owner_actor,
            admin: roles[0].clone(),
            editor: roles[1].clone(),
            editor2: roles[2].clone(),
            org,
            project,
            staging,
            production,
            _guard: guard,
        };
        team.protect(1, Role::Editor, false).await;
        team
    }

    /// Sets production's policy (by the owner).
    pub async fn protect(&mut self, approvals: u32, min_role: Role, owner_bypass: bool) {
        self.production = self
            .changes
            .update_environment(
                &self.owner,
                &self.project,
                &self.current(&self.production.id).await,
                EnvironmentPatch {
                    approval: Some(Some(ApprovalPolicy {
                        approvals,
                        min_role,
                        owner_bypass,
                    })),
                    ..EnvironmentPatch::default()
                },
            )
            .await
            .unwrap();
    }

    pub async fn current(&self, env: &str) -> Environment {
        self.changes
            .store()
            .get_environment(env)
            .await
            .unwrap()
            .unwrap()
    }

    /// The stored state of `checkout` in an environment.
    pub async fn state(&self, env: &Environment) -> FlagState {
        let flag = self
            .changes
            .store()
            .get_flag(&self.project.id, "checkout")
            .await
            .unwrap()
            .unwrap();
        self.changes
            .store()
            .get_flag_state(&env.id, &flag)
            .await
            .unwrap()
    }

    /// A change that turns `checkout` on in an environment, made on its stored version.
    pub async fn turn_on(&self, env: &Environment) -> ProposedChange {
        ProposedChange::State {
            environment_id: env.id.clone(),
            flag: "checkout".into(),
            base_version: self.state(env).await.version,
            enabled: true,
            default_variant: Some("on".into()),
            targeting: None,
            prerequisites: vec![],
        }
    }

    /// Opens a request by `author` that turns `checkout` on in `env`.
    pub async fn propose(&self, author: &Actor, env: &Environment) -> ChangeRequest {
        self.changes
            .open_request(
                author,
                &self.project,
                switchyard_core::changes::NewRequest {
                    title: "Turn on checkout".into(),
                    description: String::new(),
                    changes: vec![self.turn_on(env).await],
                    scheduled_at: None,
                },
            )
            .await
            .unwrap()
    }

    pub async fn approve(&self, by: &Actor, r: &ChangeRequest) -> ChangeRequest {
        self.changes
            .review_request(by, &self.project, &r.id, Some(r.revision), true, None)
            .await
            .unwrap()
    }

    pub async fn request(&self, id: &str) -> ChangeRequest {
        self.changes
            .store()
            .get_request(&self.project.id, id)
            .await
            .unwrap()
            .unwrap()
    }

    /// The actions of the organization's change log, oldest first.
    pub async fn log(&self) -> Vec<ChangeRecord> {
        let page = self
            .changes
            .store()
            .list_audit(
                &self.org.id,
                &AuditFilter::default(),
                None,
                500,
                switchyard_core::store::Order::Asc,
            )
            .await
            .unwrap();
        page.items
    }
}

async fn user(store: &Store, name: &str) -> User {
    let u = User {
        id: new_id(),
        email: format!("{name}-{}@example.com", new_id()),
        name: name.into(),
        password_hash: String::new(),
        session_generation: 0,
        version: 0,
        totp_secret: None,
        totp_pending: None,
        totp_last_step: 0,
        recovery_codes: Vec::new(),
        email_verified_at: None,
        sso_org: None,
        created_at: T0,
    };
    store.create_user(&u).await.unwrap();
    u
}
