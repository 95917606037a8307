//! `flagd.sync.v1.FlagSyncService`: what in-process providers (and flagd itself, as a gRPC sync
//! source) read. `SyncFlags` sends the environment's whole flagd document — flags, `$evaluators`
//! and flag-set metadata (`flagSetId` is the environment) — when it opens and again whenever the
//! environment changes, with the static `sync_context`, as flagd's own sync service does.
//!
//! A stream holds one slot under the SDK stream caps and no queue: while its client is not
//! reading, changes coalesce and the next document sent is the latest one. Its key is re-checked
//! like every stream's; a revoked or expired key ends it with `UNAUTHENTICATED`.
//!
//! `GetMetadata` (deprecated upstream for `sync_context`) answers the static context without a
//! key: it is server-wide, holds nothing of any environment, and the Python provider calls it
//! without its selector.

use std::pin::Pin;

use futures_util::Stream;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use super::auth::{self, FlagdState};
use super::proto::sync as pb;
use super::structs;
use crate::envs::Compiled;

/// The sync service.
#[derive(Debug, Clone)]
pub struct Sync(pub FlagdState);

pub type SyncStream = Pin<Box<dyn Stream<Item = Result<pb::SyncFlagsResponse, Status>> + Send>>;

fn document(env: &Compiled) -> Result<String, Status> {
    String::from_utf8(env.document.to_vec())
        .map_err(|_| Status::internal("the flag document is not UTF-8"))
}

#[tonic::async_trait]
impl pb::flag_sync_service_server::FlagSyncService for Sync {
    type SyncFlagsStream = SyncStream;

    async fn sync_flags(
        &self,
        req: Request<pb::SyncFlagsRequest>,
    ) -> Result<Response<SyncStream>, Status> {
        let st = self.0.clone();
        let caller = auth::authenticate_call(&st, &req, &req.get_ref().selector).await?;
        let addr = auth::client_addr(&st, &req);
        let slot = st
            .sdk
            .open_stream(&caller.key, addr)
            .map_err(|r| auth::status(r.into()))?;
        let mut watch = st
            .sdk
            .envs
            .watch(&caller.info.environment)
            .await
            .map_err(|e| auth::status(e.into()))?;
        // Seen now: a change while the task starts is sent, not lost.
        watch.borrow_and_update();
        let context = structs::from_map(&st.context);
        let (tx, rx) = mpsc::channel::<Result<pb::SyncFlagsResponse, Status>>(1);
        let key = caller.key;
        let conn = auth::connection(&req).cloned();
        tokio::spawn(async move {
            let _slot = slot;
            let _open = st.sdk.metrics.open_connection();
            let mut shutdown = st.sdk.shutdown.clone();
            let mut key_check = tokio::time::interval(st.sdk.limits.key_check_every);
            key_check.reset();
            // The document at connect, then after every change; changes while the client is
            // not reading coalesce into the latest document.
            let mut pending = true;
            loop {
                tokio::select! {
                    permit = tx.reserve(), if pending => {
                        let Ok(permit) = permit else { return };
                        let env = watch.borrow_and_update().clone();
                        pending = false;
                        permit.send(document(&env).map(|flags| pb::SyncFlagsResponse {
                            flag_configuration: flags,
                            sync_context: Some(context.clone()),
                        }));
                        st.sdk.metrics.messages.inc();
                    }
                    _ = shutdown.changed() => {
                        let _ = tx.try_send(Err(Status::unavailable("the server is shutting down")));
                        return;
                    }
                    _ = tx.closed() => return,
                    _ = key_check.tick() => {
                        // A store hiccup is not a revocation.
                        if let Ok(None) = st.sdk.envs.key(&key).await {
                            if let Some(c) = &conn { c.proven.forget(&key); }
                            let _ = tx.try_send(Err(Status::unauthenticated(
                                "the server key was revoked or has expired",
                            )));
                            return;
                        }
                    }
                    changed = watch.changed() => {
                        if changed.is_err() { return; }
                        pending = true;
                    }
                }
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }

    async fn fetch_all_flags(
        &self,
        req: Request<pb::FetchAllFlagsRequest>,
    ) -> Result<Response<pb::FetchAllFlagsResponse>, Status> {
        let caller = auth::authenticate_call(&self.0, &req, &req.get_ref().selector).await?;
        Ok(Response::new(pb::FetchAllFlagsResponse {
            flag_configuration: document(&caller.env)?,
        }))
    }

    async fn get_metadata(
        &self,
        _: Request<pb::GetMetadataRequest>,
    ) -> Result<Response<pb::GetMetadataResponse>, Status> {
        Ok(Response::new(pb::GetMetadataResponse {
            metadata: Some(structs::from_map(&self.0.context)),
        }))
    }
}
