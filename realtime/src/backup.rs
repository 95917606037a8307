//! Online backups of a running `switchyard serve` with the embedded store:
//! `POST /_switchyard/backup`, authorized by the install's `admin.key` (in the data directory, so
//! only who can read the store's files can ask), answers a consistent backup file
//! (`switchyard backup` calls it when the store is in use).

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use futures_util::StreamExt;
use std::path::PathBuf;
use std::sync::Arc;
use switchyard_core::domain::{hash_secret, new_id};
use switchyard_core::store::Store;

pub const PATH: &str = "/_switchyard/backup";
/// The key files a backup carries: without `webhook.key` restored webhook secrets cannot be
/// unsealed; with `jwt.key` sessions survive the restore.
pub const KEY_FILES: [&str; 2] = ["jwt.key", "webhook.key"];

#[derive(Clone)]
struct Backups {
    store: Store,
    data_dir: PathBuf,
    /// The SHA-256 of the admin key (hex), compared with the presented key's.
    key_hash: Arc<str>,
}

pub fn routes(store: Store, data_dir: PathBuf, admin_key_hex: &str) -> Router {
    Router::new().route(PATH, post(backup)).with_state(Backups {
        store,
        data_dir,
        key_hash: hash_secret(admin_key_hex).into(),
    })
}

/// The key files of the data directory that exist.
pub fn key_files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    KEY_FILES
        .iter()
        .filter_map(|name| Some(((*name).to_owned(), std::fs::read(dir.join(name)).ok()?)))
        .collect()
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (
        status,
        axum::Json(serde_json::json!({"error": {"code": "backup", "message": message}})),
    )
        .into_response()
}

async fn backup(State(b): State<Backups>, headers: HeaderMap) -> Response {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|k| hash_secret(k.trim()));
    if presented.as_deref() != Some(&*b.key_hash) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "send the data directory's admin.key as a bearer token",
        );
    }
    // The copy runs in a task of its own and the answer starts at once: a large store takes longer
    // than the request deadline, and a client that goes away leaves no file behind (the task
    // unlinks it as soon as it is open).
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let _ = tx.send(write_and_open(&b).await);
    });
    let body = futures_util::stream::once(async move {
        match rx.await {
            Ok(Ok(file)) => tokio_util::io::ReaderStream::new(file).left_stream(),
            Ok(Err(e)) => failed(e).right_stream(),
            Err(_) => failed("the backup task ended".into()).right_stream(),
        }
    })
    .flatten();
    (
        [(header::CONTENT_TYPE, "application/octet-stream")],
        Body::from_stream(body),
    )
        .into_response()
}

/// A body that fails: the client sees the answer cut short, never a whole-looking file.
fn failed(
    message: String,
) -> futures_util::stream::Once<std::future::Ready<Result<axum::body::Bytes, std::io::Error>>> {
    tracing::error!(error = %message, "backup failed");
    futures_util::stream::once(std::future::ready(Err(std::io::Error::other(message))))
}

/// Writes the backup to a temporary file in the data directory and opens it, unlinked.
async fn write_and_open(b: &Backups) -> Result<tokio::fs::File, String> {
    let tmp = b.data_dir.join(format!(".backup-{}.redb", new_id()));
    let written = b.store.kv().backup(&tmp, key_files(&b.data_dir)).await;
    let opened = match written {
        Ok(()) => tokio::fs::File::open(&tmp).await.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    let _ = std::fs::remove_file(&tmp);
    opened
}
