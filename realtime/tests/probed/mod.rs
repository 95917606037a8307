//! A store for tests that watch what the server asks of it: the embedded store, counting every
//! call and the reads of environment items (one per load), slowing those reads down so that
//! requests arriving together overlap, and failing every call while it is "down".
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use async_trait::async_trait;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use switchyard_core::bus::InProcessBus;
use switchyard_core::changes::{Changes, NewProject};
use switchyard_core::clock::SystemClock;
use switchyard_core::domain::{Actor, User};
use switchyard_core::store::embedded::Embedded;
use switchyard_core::store::intercept::{Call, Hook, Intercepted};
use switchyard_core::store::{KvError, Store};

/// The embedded store in a temporary directory, watched by a [`Probe`].
pub type Probed = Intercepted<Probe>;

#[derive(Debug)]
pub struct Probe {
    /// Reads of environment items: one per environment load.
    pub loads: AtomicUsize,
    /// Every call.
    pub calls: AtomicUsize,
    /// While true, every call fails as a DynamoDB that is down would.
    pub down: AtomicBool,
    _dir: tempfile::TempDir,
}

pub fn probed() -> Arc<Probed> {
    let dir = tempfile::tempdir().unwrap();
    Arc::new(Intercepted::new(
        Arc::new(Embedded::open(dir.path()).unwrap()),
        Probe {
            loads: AtomicUsize::new(0),
            calls: AtomicUsize::new(0),
            down: AtomicBool::new(false),
            _dir: dir,
        },
    ))
}

#[async_trait]
impl Hook for Probe {
    async fn before(&self, call: &Call<'_>) -> Result<(), KvError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.down.load(Ordering::SeqCst) {
            return Err(KvError::Backend(
                "dispatch failure: connection refused".into(),
            ));
        }
        if let Call::Get { sk: "ENV", .. } = call {
            self.loads.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    }
}

/// A store over `kv` with one organization, one project and its two environments; the
/// production environment's id.
pub async fn one_environment(kv: Arc<Probed>) -> (Store, String) {
    let store = Store::new(kv);
    let changes = Changes::new(
        store.clone(),
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
    let created = changes
        .create_project(
            &Actor::User(user.id.clone()),
            &org.id,
            NewProject {
                name: "Web".into(),
                environments: None,
                client_visible_by_default: None,
            },
        )
        .await
        .unwrap();
    (store, created.environments[1].id.clone())
}
