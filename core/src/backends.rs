//! Opening the store and the bus a process runs on, from what its configuration names: written
//! once for `switchyard serve`, `switchyard realtime` and the Lambda functions.

use std::path::PathBuf;
use std::sync::Arc;

use crate::bus::{Bus, InProcessBus, RedisBus};
use crate::store::Store;
use crate::store::dynamodb::DynamoDb;
use crate::store::embedded::Embedded;

/// Which store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreConfig {
    /// redb in this directory.
    Embedded(PathBuf),
    /// This DynamoDB table (`AWS_ENDPOINT_URL` for another endpoint); `create`: make it when
    /// missing (local installs; in AWS Terraform makes it).
    DynamoDb { table: String, create: bool },
}

/// Which bus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BusConfig {
    /// Change events stay in this process.
    InProcess,
    /// Redis pub/sub at this URL (`rediss://` for TLS).
    Redis(String),
}

/// A store and a bus, ready.
#[derive(Debug, Clone)]
pub struct Backends {
    pub store: Store,
    pub bus: Arc<dyn Bus>,
}

impl Backends {
    pub async fn open(store: StoreConfig, bus: BusConfig) -> Result<Backends, String> {
        let store = match store {
            StoreConfig::Embedded(dir) => Store::new(Arc::new(
                Embedded::open(&dir).map_err(|e| format!("cannot open {}: {e}", dir.display()))?,
            )),
            StoreConfig::DynamoDb { table, create } => {
                let kv = DynamoDb::from_env(table.clone()).await;
                if create {
                    kv.create_table()
                        .await
                        .map_err(|e| format!("cannot reach the DynamoDB table {table}: {e}"))?;
                }
                Store::new(Arc::new(kv))
            }
        };
        let bus: Arc<dyn Bus> = match bus {
            BusConfig::InProcess => Arc::new(InProcessBus::default()),
            BusConfig::Redis(url) => Arc::new(RedisBus::new(&url).map_err(|e| e.to_string())?),
        };
        Ok(Backends { store, bus })
    }
}
