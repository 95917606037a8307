//! `switchyard backup`, `switchyard restore` and `switchyard lift-revisions`: the embedded store's
//! backups (online through a running server, or directly when none runs), restoring one, and
//! lifting revisions after a DynamoDB point-in-time restore (infra/terraform/README.md).

use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use switchyard_core::domain::now_ms;
use switchyard_core::store::embedded::Embedded;
use switchyard_core::store::{KvError, Store, revision_floor};

#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// The embedded store's directory.
    #[arg(long, env = "SWITCHYARD_DATA_DIR", default_value = ".switchyard")]
    pub data_dir: PathBuf,
    /// The backup file to write (it must not exist).
    #[arg(long)]
    pub to: PathBuf,
    /// The running server to ask when the store is in use.
    #[arg(long, env = "SWITCHYARD_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
}

#[derive(Debug, Clone, Args)]
pub struct RestoreArgs {
    /// The embedded store's directory (no server may be running on it).
    #[arg(long, env = "SWITCHYARD_DATA_DIR", default_value = ".switchyard")]
    pub data_dir: PathBuf,
    /// The backup file (from `switchyard backup`).
    #[arg(long)]
    pub from: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct LiftArgs {
    /// The DynamoDB table restored to (AWS credentials and `AWS_ENDPOINT_URL` as usual).
    #[arg(long, env = "SWITCHYARD_TABLE")]
    pub table: String,
}

fn done(what: &str, r: Result<String, String>) -> ExitCode {
    match r {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("switchyard {what}: {e}");
            ExitCode::FAILURE
        }
    }
}

pub fn backup(args: &BackupArgs) -> ExitCode {
    done("backup", run_backup(args))
}

fn run_backup(a: &BackupArgs) -> Result<String, String> {
    if a.to.exists() {
        return Err(format!("{} exists already", a.to.display()));
    }
    let files = crate::backup::key_files(&a.data_dir);
    match Embedded::backup_offline(&a.data_dir, &a.to, &files) {
        Ok(()) => Ok(format!(
            "backed up {} to {}",
            a.data_dir.display(),
            a.to.display()
        )),
        Err(KvError::Invalid(m)) if m.contains("in use") => online(a),
        Err(e) => Err(e.to_string()),
    }
}

/// Asks the server that has the store open for a backup, streaming it into `a.to`.
fn online(a: &BackupArgs) -> Result<String, String> {
    let key_path = a.data_dir.join("admin.key");
    let key = std::fs::read_to_string(&key_path).map_err(|e| {
        format!(
            "the store is in use and {} cannot be read: {e}",
            key_path.display()
        )
    })?;
    let url = format!("http://{}{}", a.addr, crate::backup::PATH);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let mut r = reqwest::Client::new()
            .post(&url)
            .bearer_auth(key.trim())
            .send()
            .await
            .map_err(|e| format!("the store is in use and {url} does not answer: {e}"))?;
        if !r.status().is_success() {
            let status = r.status();
            let body = r.text().await.unwrap_or_default();
            return Err(format!("{url} answered {status}: {body}"));
        }
        let partial = a.to.with_extension("partial");
        let written = write_stream(&mut r, &partial).await;
        if let Err(e) = written {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
        std::fs::rename(&partial, &a.to).map_err(|e| e.to_string())?;
        Ok(format!(
            "backed up the running server at {} to {}",
            a.addr,
            a.to.display()
        ))
    })
}

async fn write_stream(r: &mut reqwest::Response, to: &Path) -> Result<(), String> {
    use std::io::Write;
    let mut out = std::fs::File::create(to).map_err(|e| format!("{}: {e}", to.display()))?;
    while let Some(chunk) = r.chunk().await.map_err(|e| e.to_string())? {
        out.write_all(&chunk).map_err(|e| e.to_string())?;
    }
    out.sync_all().map_err(|e| e.to_string())
}

pub fn restore(args: &RestoreArgs) -> ExitCode {
    let r = Embedded::restore(&args.data_dir, &args.from, now_ms())
        .map(|r| {
            let previous = r.previous.map_or_else(String::new, |p| {
                format!("; the database before is kept at {}", p.display())
            });
            format!(
                "restored {} items into {}; {} environments now at revision {} or above{previous}",
                r.items,
                args.data_dir.display(),
                r.environments,
                r.revision_floor
            )
        })
        .map_err(|e| e.to_string());
    done("restore", r)
}

pub fn lift_revisions(args: &LiftArgs) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return done("lift-revisions", Err(e.to_string())),
    };
    let r = rt.block_on(async {
        let kv = switchyard_core::store::dynamodb::DynamoDb::from_env(args.table.clone()).await;
        let store = Store::new(std::sync::Arc::new(kv));
        let highest = store.highest_revision().await.map_err(|e| e.to_string())?;
        let floor = revision_floor(now_ms()).max(highest + 1);
        let moved = store
            .lift_revisions(floor)
            .await
            .map_err(|e| e.to_string())?;
        Ok(format!(
            "{moved} environments of {} now at revision {floor} or above",
            args.table
        ))
    });
    done("lift-revisions", r)
}
