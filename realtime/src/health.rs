//! The operator's routes: `/healthz` (the load balancer's check), `/readyz` (readiness with
//! details) and `/metrics` (Prometheus). `/readyz` and `/metrics` are for the VPC only: in AWS the
//! load balancer answers them 404 from the internet (infra/terraform/modules/realtime/alb.tf).
//!
//! - `/healthz`: the process serves requests. No store or bus call, so a DynamoDB or Redis
//!   brownout never makes the load balancer replace tasks that serve from memory.
//! - `/readyz`: "can serve what it holds": 200 while the process runs (503 once it is shutting
//!   down), with details as JSON: whether the store answers (probed with a short timeout; an
//!   unreachable store is reported, not failed on: held environments keep being served and
//!   reload when it is back), whether the bus is connected, how many environments are held, and
//!   when the revision check last read them all.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use switchyard_core::bus::Bus;
use switchyard_core::store::Store;
use tokio::sync::watch;

use crate::envs::Environments;
use crate::metrics::Metrics;

/// How long `/readyz` waits for the store before reporting it unreachable.
pub const STORE_PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// What the operator's routes look at.
#[derive(Debug, Clone)]
pub struct Health {
    pub store: Store,
    pub bus: Arc<dyn Bus>,
    pub envs: Arc<Environments>,
    pub metrics: Arc<Metrics>,
    /// True once the process is shutting down.
    pub shutdown: watch::Receiver<bool>,
}

pub fn routes(health: Health) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route(
            "/metrics",
            get(|State(h): State<Health>| async move {
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        "application/openmetrics-text; version=1.0.0; charset=utf-8",
                    )],
                    h.metrics.render(),
                )
            }),
        )
        .with_state(health)
}

async fn ready(State(h): State<Health>) -> impl IntoResponse {
    let probe = tokio::time::timeout(
        STORE_PROBE_TIMEOUT,
        h.store.environment_revision("readiness-probe"),
    )
    .await;
    let store = match probe {
        Ok(Ok(_)) => json!({"reachable": true}),
        Ok(Err(e)) => json!({"reachable": false, "error": e.to_string()}),
        Err(_) => {
            json!({"reachable": false, "error": format!("no answer in {STORE_PROBE_TIMEOUT:?}")})
        }
    };
    let shutting_down = *h.shutdown.borrow();
    let status = if shutting_down {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    let body = json!({
        "ready": !shutting_down,
        "shuttingDown": shutting_down,
        "store": store,
        "bus": {"connected": h.bus.connected()},
        "environmentsHeld": h.envs.held().await,
        "lastRevisionCheck": h.envs.last_revision_check(),
    });
    (status, Json(body))
}
