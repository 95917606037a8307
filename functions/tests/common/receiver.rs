//! A webhook receiver on 127.0.0.1 for tests: it keeps every request and answers as it is told
//! (fail the first N, hold requests until released, redirect, answer with a huge body).

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

#[derive(Default)]
pub struct Behaviour {
    /// Answer 500 to this many requests first.
    pub fail_first: AtomicUsize,
    /// Answer 500 to every request while set.
    pub down: AtomicBool,
    /// Hold every request until released.
    pub hold: AtomicBool,
    pub released: Notify,
    /// Answer 307 to this URL.
    pub redirect_to: Mutex<Option<String>>,
    /// Answer 200 with this many bytes of body.
    pub huge: AtomicUsize,
}

pub struct Receiver {
    pub url: String,
    pub got: Arc<Mutex<Vec<Received>>>,
    /// Requests that arrived, answered or not.
    pub arrived: Arc<AtomicUsize>,
    pub behaviour: Arc<Behaviour>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

#[derive(Clone)]
struct Shared {
    got: Arc<Mutex<Vec<Received>>>,
    arrived: Arc<AtomicUsize>,
    behaviour: Arc<Behaviour>,
}

async fn receive(State(s): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    s.arrived.fetch_add(1, Ordering::SeqCst);
    let b = &s.behaviour;
    if b.hold.load(Ordering::SeqCst) {
        b.released.notified().await;
    }
    if let Some(to) = b.redirect_to.lock().unwrap().clone() {
        return (StatusCode::TEMPORARY_REDIRECT, [("location", to)]).into_response();
    }
    let failing = b.down.load(Ordering::SeqCst)
        || b.fail_first
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
    if failing {
        return (StatusCode::INTERNAL_SERVER_ERROR, "down").into_response();
    }
    s.got.lock().unwrap().push(Received {
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let huge = b.huge.load(Ordering::SeqCst);
    if huge > 0 {
        let chunk = Bytes::from(vec![b'x'; 64 * 1024]);
        let chunks = huge / chunk.len();
        let stream = futures_util::stream::iter(
            (0..chunks).map(move |_| Ok::<_, std::io::Error>(chunk.clone())),
        );
        return (StatusCode::OK, Body::from_stream(stream)).into_response();
    }
    (StatusCode::OK, "ok").into_response()
}

impl Receiver {
    pub async fn start() -> Receiver {
        let shared = Shared {
            got: Arc::default(),
            arrived: Arc::default(),
            behaviour: Arc::default(),
        };
        let app = axum::Router::new()
            .fallback(receive)
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        Receiver {
            url: format!("http://{addr}/hook"),
            got: shared.got,
            arrived: shared.arrived,
            behaviour: shared.behaviour,
            _stop: stop,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    /// Waits until `n` requests have been answered 2xx (at most 20 s, then fails the test).
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..2000 {
            if self.got.lock().unwrap().len() >= n {
                return self.received();
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the receiver got {} of {n} requests", self.received().len());
    }
}
