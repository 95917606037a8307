//! The baseline process (`switchyard-load --baseline-server PORT GRPC_PORT`): a bare WebSocket
//! server relaying one tokio broadcast to every client (`POST /send` broadcasts its body), and a
//! bare tonic sync service fed the same way (`POST /sync-send`, see [`super::flagd`]). No
//! evaluation, no store, no API: the floor a fan-out can reach on this machine. Its WebSocket
//! read buffer and allocator are the server's. With `--shared-port P` it also serves on P, which
//! other baseline processes share (SO_REUSEPORT, as `switchyard realtime --reuse-port`): the
//! floor of one node of several processes, each sent the change on its own port.

use super::flagd;
use std::sync::Arc;
use tokio::sync::broadcast;

pub async fn serve(port: u16, grpc_port: u16, shared_port: Option<u16>) {
    use axum::extract::ws::{Message as M, WebSocketUpgrade};
    use axum::routing::{get, post};
    let (sync_tx, _) = broadcast::channel::<String>(16);
    let latest = Arc::new(std::sync::Mutex::new(String::new()));
    tokio::spawn(flagd::baseline_grpc(
        grpc_port,
        flagd::BaselineSync {
            tx: sync_tx.clone(),
            latest: latest.clone(),
        },
    ));
    let (tx, _) = broadcast::channel::<String>(16);
    let sub = tx.clone();
    let app = axum::Router::new()
        .route(
            "/ws",
            get(move |ws: WebSocketUpgrade| {
                let mut rx = sub.subscribe();
                async move {
                    ws.read_buffer_size(switchyard_realtime::sdk::WS_READ_BUFFER)
                        .on_upgrade(move |mut socket| async move {
                            while let Ok(m) = rx.recv().await {
                                if socket.send(M::Text(m.into())).await.is_err() {
                                    break;
                                }
                            }
                        })
                }
            }),
        )
        .route(
            "/send",
            post(move |body: String| {
                let tx = tx.clone();
                async move {
                    let _ = tx.send(body);
                }
            }),
        )
        .route(
            "/sync-send",
            post(move |doc: String| async move {
                if let Ok(mut l) = latest.lock() {
                    l.clone_from(&doc);
                }
                let _ = sync_tx.send(doc);
            }),
        );
    if let Some(shared) = shared_port {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], shared));
        let Ok(l) = switchyard_realtime::server::listen(addr, true) else {
            return;
        };
        tokio::spawn(axum::serve(l, app.clone()).into_future());
    }
    if let Ok(l) = tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        let _ = axum::serve(l, app).await;
    }
}
