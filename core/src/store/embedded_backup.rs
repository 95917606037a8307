//! Backups of the embedded store and restoring one. A backup is a redb file of its own: the
//! store's five tables copied inside one read transaction (a consistent snapshot while writes go
//! on), the install's key files (`jwt.key`, `webhook.key`: without the latter, restored webhook
//! secrets cannot be unsealed) and a format marker. A restore copies it back into a new database
//! file beside the live one, lifting every environment's revision above anything served before
//! (see [`super::revisions`]), then swaps the files; the old database stays beside it.

use redb::{
    Database, ReadOnlyDatabase, ReadTransaction, ReadableDatabase, ReadableTable, TableDefinition,
    WriteTransaction,
};
use std::path::{Path, PathBuf};

use super::embedded::{
    COUNTERS, EXPIRY, Embedded, INDEX, ITEM_EXPIRY, ITEMS, backend, expiry_key, parse,
};
use super::kv::KvError;
use super::revisions::{ENV_PREFIX, ENV_SK, lift, revision_floor};

const FILES: TableDefinition<&str, &[u8]> = TableDefinition::new("files");
const META: TableDefinition<&str, &str> = TableDefinition::new("meta");
const FORMAT: &str = "switchyard-backup-1";
/// The live database's file name in the data directory.
pub const DATABASE_FILE: &str = "switchyard.redb";

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// Items restored.
    pub items: u64,
    /// Environments whose revision was lifted, and the floor they were lifted to.
    pub environments: u64,
    pub revision_floor: u64,
    /// The key files written back into the data directory.
    pub files: Vec<String>,
    /// Where the database that was live before now is (`None` when there was none).
    pub previous: Option<PathBuf>,
}

/// Copies every entry of a table from a read transaction into a write transaction; how many.
/// (A macro: redb's key and value types do not generalize over borrowed and owned forms.)
macro_rules! copy {
    ($from:expr, $to:expr, $def:expr) => {{
        let src = $from.open_table($def).map_err(backend)?;
        let mut dst = $to.open_table($def).map_err(backend)?;
        let mut n: u64 = 0;
        for entry in src.iter().map_err(backend)? {
            let (k, v) = entry.map_err(backend)?;
            dst.insert(k.value(), v.value()).map_err(backend)?;
            n += 1;
        }
        Ok::<u64, KvError>(n)
    }};
}

/// Writes the backup file `to` (which must not exist) from the snapshot `snap`.
fn write_backup(
    snap: &ReadTransaction,
    to: &Path,
    files: &[(String, Vec<u8>)],
    now_ms: i64,
) -> Result<(), KvError> {
    if to.exists() {
        return Err(KvError::Invalid(format!("{} exists already", to.display())));
    }
    let partial = to.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let out = Database::create(&partial).map_err(backend)?;
    let tx = out.begin_write().map_err(backend)?;
    copy!(snap, tx, ITEMS)?;
    copy!(snap, tx, INDEX)?;
    copy!(snap, tx, COUNTERS)?;
    copy!(snap, tx, EXPIRY)?;
    copy!(snap, tx, ITEM_EXPIRY)?;
    {
        let mut t = tx.open_table(FILES).map_err(backend)?;
        for (name, bytes) in files {
            t.insert(name.as_str(), bytes.as_slice()).map_err(backend)?;
        }
        let mut meta = tx.open_table(META).map_err(backend)?;
        meta.insert("format", FORMAT).map_err(backend)?;
        meta.insert("createdAt", now_ms.to_string().as_str())
            .map_err(backend)?;
    }
    tx.commit().map_err(backend)?;
    drop(out);
    std::fs::rename(&partial, to)
        .map_err(|e| backend(format!("cannot write {}: {e}", to.display())))
}

impl Embedded {
    /// A consistent backup while the store stays in use (the Kv's `backup`).
    pub(super) async fn backup_to(
        &self,
        to: &Path,
        files: Vec<(String, Vec<u8>)>,
    ) -> Result<(), KvError> {
        let to = to.to_owned();
        self.blocking(move |db| {
            let snap = db.begin_read().map_err(backend)?;
            write_backup(&snap, &to, &files, crate::domain::now_ms())
        })
        .await
    }

    /// Backs up the store in `dir` when no process has it open.
    pub fn backup_offline(
        dir: &Path,
        to: &Path,
        files: &[(String, Vec<u8>)],
    ) -> Result<(), KvError> {
        let live = dir.join(DATABASE_FILE);
        if !live.exists() {
            return Err(KvError::Invalid(format!(
                "there is no store in {}",
                dir.display()
            )));
        }
        let db = open_exclusive(&live)?;
        let snap = db.begin_read().map_err(backend)?;
        write_backup(&snap, to, files, crate::domain::now_ms())
    }

    /// Restores the backup `from` into the data directory `dir`, which no process may have open.
    /// Revisions end at or above the clock's floor at `now_ms` and above every revision of the
    /// database it replaces.
    pub fn restore(dir: &Path, from: &Path, now_ms: i64) -> Result<Restored, KvError> {
        let backup = ReadOnlyDatabase::open(from).map_err(|_| not_a_backup(from))?;
        let snap = backup.begin_read().map_err(backend)?;
        let format = snap
            .open_table(META)
            .ok()
            .and_then(|t| t.get("format").ok().flatten().map(|v| v.value().to_owned()));
        if format.as_deref() != Some(FORMAT) {
            return Err(not_a_backup(from));
        }
        let files = backup_files(&snap)?;
        let live = dir.join(DATABASE_FILE);
        let held = if live.exists() {
            Some(open_exclusive(&live)?)
        } else {
            None
        };
        let highest = match &held {
            Some(db) => highest_revision(db)?,
            None => 0,
        };
        let floor = revision_floor(now_ms).max(highest + 1);
        std::fs::create_dir_all(dir).map_err(backend)?;
        let restoring = dir.join(format!("{DATABASE_FILE}.restoring"));
        let _ = std::fs::remove_file(&restoring);
        let (items, environments) = {
            let out = Database::create(&restoring).map_err(backend)?;
            let tx = out.begin_write().map_err(backend)?;
            let counted = copy_items_lifted(&snap, &tx, floor)?;
            copy!(snap, tx, INDEX)?;
            copy!(snap, tx, COUNTERS)?;
            copy!(snap, tx, EXPIRY)?;
            tx.commit().map_err(backend)?;
            counted
        };
        let previous = match held {
            Some(db) => {
                drop(db);
                let kept = dir.join(format!("{DATABASE_FILE}.before-restore-{now_ms}"));
                std::fs::rename(&live, &kept).map_err(backend)?;
                Some(kept)
            }
            None => None,
        };
        std::fs::rename(&restoring, &live).map_err(backend)?;
        let files = restore_files(files, dir, now_ms)?;
        Ok(Restored {
            items,
            environments,
            revision_floor: floor,
            files,
            previous,
        })
    }
}

fn not_a_backup(path: &Path) -> KvError {
    KvError::Invalid(format!(
        "{} is not a Switchyard backup (make one with `switchyard backup`)",
        path.display()
    ))
}

/// The live database, refusing when a server has it open.
fn open_exclusive(path: &Path) -> Result<Database, KvError> {
    Database::open(path).map_err(|e| match e {
        redb::DatabaseError::DatabaseAlreadyOpen => KvError::Invalid(format!(
            "{} is in use: stop `switchyard serve` first (a running server backs up online \
             through `switchyard backup --server`)",
            path.display()
        )),
        other => backend(other),
    })
}

fn highest_revision(db: &Database) -> Result<u64, KvError> {
    let snap = db.begin_read().map_err(backend)?;
    let t = snap.open_table(ITEMS).map_err(backend)?;
    let end = format!("{ENV_PREFIX}\u{10FFFF}");
    let mut highest = 0;
    for entry in t.range(ENV_PREFIX..end.as_str()).map_err(backend)? {
        let (k, v) = entry.map_err(backend)?;
        if is_environment(k.value()) {
            highest = highest.max(parse(v.value())?.v);
        }
    }
    Ok(highest)
}

fn is_environment(key: &str) -> bool {
    key.starts_with(ENV_PREFIX) && key.ends_with(&format!("\0{ENV_SK}"))
}

/// Copies the items, lifting environments to `floor`: (items, environments lifted).
fn copy_items_lifted(
    from: &ReadTransaction,
    to: &WriteTransaction,
    floor: u64,
) -> Result<(u64, u64), KvError> {
    let src = from.open_table(ITEMS).map_err(backend)?;
    let mut dst = to.open_table(ITEMS).map_err(backend)?;
    // The expiry index is rebuilt from the items (a backup made before it existed has none).
    let mut expiry = to.open_table(ITEM_EXPIRY).map_err(backend)?;
    let (mut items, mut envs) = (0, 0);
    for entry in src.iter().map_err(backend)? {
        let (k, v) = entry.map_err(backend)?;
        items += 1;
        if let Some(ttl) = parse(v.value())?.ttl {
            expiry
                .insert(expiry_key(ttl, k.value()).as_str(), ())
                .map_err(backend)?;
        }
        if !is_environment(k.value()) {
            dst.insert(k.value(), v.value()).map_err(backend)?;
            continue;
        }
        let mut item = parse(v.value())?;
        lift(&mut item, floor);
        let bytes = serde_json::to_vec(&item).map_err(backend)?;
        dst.insert(k.value(), bytes.as_slice()).map_err(backend)?;
        envs += 1;
    }
    Ok((items, envs))
}

/// The backup's key files, checked: only plain names, so a crafted backup cannot write outside
/// the data directory.
fn backup_files(snap: &ReadTransaction) -> Result<Vec<(String, Vec<u8>)>, KvError> {
    let t = match snap.open_table(FILES) {
        Ok(t) => t,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
        Err(e) => return Err(backend(e)),
    };
    let mut out = Vec::new();
    for entry in t.iter().map_err(backend)? {
        let (name, bytes) = entry.map_err(backend)?;
        let name = name.value().to_owned();
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(KvError::Invalid(format!(
                "the backup names a file {name:?}; nothing was restored"
            )));
        }
        out.push((name, bytes.value().to_vec()));
    }
    Ok(out)
}

/// Writes the key files into `dir` (owner-only), keeping a different copy there beside them.
fn restore_files(
    files: Vec<(String, Vec<u8>)>,
    dir: &Path,
    now_ms: i64,
) -> Result<Vec<String>, KvError> {
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = dir.join(&name);
        match std::fs::read(&path) {
            Ok(old) if old == bytes => {}
            Ok(_) => {
                let kept = dir.join(format!("{name}.before-restore-{now_ms}"));
                std::fs::rename(&path, kept).map_err(backend)?;
                write_private(&path, &bytes)?;
            }
            Err(_) => write_private(&path, &bytes)?,
        }
        written.push(name);
    }
    Ok(written)
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), KvError> {
    std::fs::write(path, bytes).map_err(|e| backend(format!("{}: {e}", path.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(backend)?;
    }
    Ok(())
}
