//! The SQLite database: opening it, its schema, and running queries off the async threads.
//!
//! One writing connection behind a mutex (a setting's server has a handful of writers at most,
//! and SQLite serialises writes anyway) and a few read-only ones beside it, which WAL keeps out
//! of the writer's way. All SQL lives in `store`, so another database could stand behind the
//! same functions later.

use crate::error::AppError;
use rusqlite::Connection;
use std::path::Path;
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub struct Db {
    /// The writer, taken in the order asked for.
    conn: Arc<tokio::sync::Mutex<Connection>>,
    /// Read-only connections for long reads (pull, parents' journals and photos): in WAL mode
    /// each reads what was committed while the writer goes on, so one tablet's first pull does
    /// not hold up pushes, and at drop-off a hundred phones are not queued behind one reader.
    readers: Arc<Readers>,
    /// Read-only connections for lookups by key on every request (a session, a device): kept
    /// apart, so a request's first steps queue neither behind the writer nor behind a long read.
    lookups: Arc<Readers>,
}

/// Lookups take microseconds; two connections let one wait on the disk while the other runs.
const LOOKUPS: usize = 2;

/// How many read-only connections: reads are SQLite's own work on the server's few cores, so a
/// few more than two lets one wait on the disk while others run.
const READERS: usize = 4;

struct Readers {
    pool: Vec<Mutex<Connection>>,
    next: std::sync::atomic::AtomicUsize,
}

impl Readers {
    fn open(path: &Path, count: usize) -> rusqlite::Result<Readers> {
        let mut pool = Vec::with_capacity(count);
        for _ in 0..count {
            let reader = Connection::open_with_flags(
                path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            reader.busy_timeout(std::time::Duration::from_secs(5))?;
            reader.set_prepared_statement_cache_capacity(64);
            pool.push(Mutex::new(reader));
        }
        Ok(Readers {
            pool,
            next: std::sync::atomic::AtomicUsize::new(0),
        })
    }

    /// A free connection if there is one, else the next in turn once it is free.
    fn take(&self) -> Result<std::sync::MutexGuard<'_, Connection>, AppError> {
        for conn in &self.pool {
            if let Ok(guard) = conn.try_lock() {
                return Ok(guard);
            }
        }
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % self.pool.len();
        self.pool[n]
            .lock()
            .map_err(|_| AppError::internal("database lock poisoned"))
    }
}

/// Each entry moves the schema one version on; never edit one that has shipped.
const MIGRATIONS: &[&str] = &[
    r#"
    CREATE TABLE setting (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE setup_code (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        code_hash BLOB NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE staff (
        id BLOB PRIMARY KEY,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('manager', 'deputy', 'practitioner')),
        passphrase_hash TEXT,
        invite_hash BLOB,
        invite_expires TEXT,
        created_at TEXT NOT NULL
    );
    CREATE TABLE sessions (
        token_hash BLOB PRIMARY KEY,
        staff_id BLOB NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL
    );
    CREATE TABLE children (
        id BLOB PRIMARY KEY,
        first_name TEXT NOT NULL,
        surname TEXT NOT NULL,
        date_of_birth TEXT NOT NULL,
        start_date TEXT NOT NULL,
        key_person_id BLOB NOT NULL REFERENCES staff(id),
        created_at TEXT NOT NULL
    );
"#,
    r#"
    ALTER TABLE setting ADD COLUMN lock_after_minutes INTEGER NOT NULL DEFAULT 5;
    -- Each tablet's data key, so anyone who signs in there can be given their own wrapped copy.
    CREATE TABLE tablet_keys (
        device_id BLOB PRIMARY KEY,
        data_key BLOB NOT NULL,
        created_by BLOB REFERENCES staff(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL
    );
"#,
    r#"
    -- Parents' answers, per child and purpose. History is never overwritten: a withdrawal or a
    -- renewal is a new row, and the latest row counts (core::consent::standing).
    CREATE TABLE consents (
        id BLOB PRIMARY KEY,
        child_id BLOB NOT NULL REFERENCES children(id),
        purpose TEXT NOT NULL CHECK (purpose IN ('journal_photos', 'video', 'other_journals',
            'displays', 'publicity', 'social_media')),
        granted INTEGER NOT NULL CHECK (granted IN (0, 1)),
        given_by TEXT NOT NULL,
        form_reference TEXT,
        recorded_by BLOB NOT NULL REFERENCES staff(id),
        recorded_at TEXT NOT NULL,
        review_by TEXT NOT NULL
    );
    CREATE INDEX consents_by_child ON consents (child_id, purpose, recorded_at);
    CREATE TRIGGER consents_are_history BEFORE UPDATE ON consents
    BEGIN
        SELECT RAISE(ABORT, 'consent records are never changed; add a new one');
    END;
"#,
    r#"
    -- The workflow's switch: "validation required before parents see" (on unless a manager turns it off).
    ALTER TABLE setting ADD COLUMN validation_required INTEGER NOT NULL DEFAULT 1;
"#,
    r#"
    -- Tablets (and later parents' phones) that asked to be enrolled, by their P-256 public key.
    CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        public_key BLOB NOT NULL UNIQUE,
        code TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'enrolled', 'revoked')),
        name TEXT,
        requested_at TEXT NOT NULL,
        approved_by TEXT REFERENCES staff (id),
        approved_at TEXT,
        revoked_by TEXT REFERENCES staff (id),
        revoked_at TEXT
    );
    -- Each signed request's unique id, kept while its time could still pass: a replay is refused.
    CREATE TABLE device_nonces (
        device_id TEXT NOT NULL REFERENCES devices (id),
        nonce TEXT NOT NULL,
        seen_at INTEGER NOT NULL,
        PRIMARY KEY (device_id, nonce)
    ) WITHOUT ROWID;
"#,
    r#"
    -- Sync: the last outbox counter answered for each device, and the records tablets pushed,
    -- each change numbered by one sequence so pull can ask for what came after.
    ALTER TABLE devices ADD COLUMN last_counter INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE records (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        version INTEGER NOT NULL,
        -- The observation's status; NULL once deleted (the body is then its tombstone).
        status TEXT,
        author TEXT NOT NULL,
        from_home INTEGER NOT NULL CHECK (from_home IN (0, 1)),
        body TEXT NOT NULL,
        seq INTEGER NOT NULL UNIQUE,
        changed_by TEXT NOT NULL REFERENCES staff (id),
        device_id TEXT NOT NULL REFERENCES devices (id),
        changed_at TEXT NOT NULL
    );
    CREATE TABLE sync_sequence (id INTEGER PRIMARY KEY CHECK (id = 1), last INTEGER NOT NULL);
    INSERT INTO sync_sequence (id, last) VALUES (1, 0);
"#,
    r#"
    -- Photos by SHA-256: the bytes are sealed on disk, apart from the database; here only how
    -- far each upload got, so a cut connection resumes where it stopped.
    CREATE TABLE photos (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        received INTEGER NOT NULL,
        complete INTEGER NOT NULL CHECK (complete IN (0, 1))
    ) WITHOUT ROWID;
"#,
    r#"
    -- Every signed request clears the nonces too old to matter: by time, not by a full scan.
    CREATE INDEX device_nonces_by_time ON device_nonces (seen_at);
"#,
    r#"
    -- A member of staff whose access a manager removed: kept (their records name them), refused.
    ALTER TABLE staff ADD COLUMN removed_at TEXT;
    ALTER TABLE staff ADD COLUMN removed_by BLOB REFERENCES staff (id);
"#,
    r#"
    -- The audit log: append-only and hash-chained (core::audit). `at` is Unix microseconds.
    -- No children's names or text: a child by id, a person by the name they had then.
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        action TEXT NOT NULL,
        actor TEXT,
        actor_name TEXT,
        device TEXT,
        child TEXT,
        subject TEXT,
        detail TEXT,
        prev_hash BLOB NOT NULL,
        hash BLOB NOT NULL
    );
    CREATE INDEX audit_by_child ON audit (child, seq);
    CREATE INDEX audit_by_time ON audit (at);
    -- Where the kept log starts once retention has removed older entries.
    CREATE TABLE audit_anchor (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash BLOB NOT NULL);
    INSERT INTO audit_anchor (id, seq, hash) VALUES (1, 0, zeroblob(32));
    ALTER TABLE setting ADD COLUMN audit_retention_days INTEGER NOT NULL DEFAULT 365
        CHECK (audit_retention_days >= 31);
    CREATE TRIGGER audit_is_never_changed BEFORE UPDATE ON audit
    BEGIN
        SELECT RAISE(ABORT, 'audit entries are never changed');
    END;
    CREATE TRIGGER audit_is_kept_for_its_retention BEFORE DELETE ON audit
    WHEN old.at >= (CAST(strftime('%s', 'now') AS INTEGER)
        - 86400 * COALESCE((SELECT audit_retention_days FROM setting WHERE id = 1), 365)) * 1000000
    BEGIN
        SELECT RAISE(ABORT, 'audit entries are kept for the retention period');
    END;
"#,
    r#"
    -- A leaver's account deleted after removal: the row stays for the records that name it.
    ALTER TABLE staff ADD COLUMN deleted_at TEXT;
"#,
    r#"
    -- Parents and carers: linked by a manager to their own children, with an invite code their
    -- phone enrols with; a phone enrolled that way belongs to the parent, not to the setting.
    CREATE TABLE parents (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        invite_hash BLOB UNIQUE,
        invite_expires TEXT,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        removed_at TEXT
    );
    CREATE TABLE parent_children (
        parent_id TEXT NOT NULL REFERENCES parents (id),
        child_id BLOB NOT NULL REFERENCES children (id),
        PRIMARY KEY (parent_id, child_id)
    ) WITHOUT ROWID;
    ALTER TABLE devices ADD COLUMN parent_id TEXT REFERENCES parents (id);
    -- A manager's flag: any image of this child needs a second manager's sign-off (DESIGN §2a).
    ALTER TABLE children ADD COLUMN high_risk INTEGER NOT NULL DEFAULT 0;
"#,
    r#"
    -- A second manager's sign-off of a photo of a high-risk child, before anyone sees it.
    CREATE TABLE photo_signoffs (
        photo_id TEXT PRIMARY KEY,
        signed_by TEXT NOT NULL,
        signed_at TEXT NOT NULL
    );
"#,
    r#"
    -- Parents' comments on entries and wow moments from home (entry_id NULL), with a wow
    -- moment's photo by its SHA-256 (sealed in the vault) and the observation staff made of it.
    CREATE TABLE parent_notes (
        id BLOB PRIMARY KEY,
        parent_id TEXT NOT NULL REFERENCES parents (id),
        device_id TEXT NOT NULL REFERENCES devices (id),
        child_id BLOB NOT NULL REFERENCES children (id),
        entry_id BLOB,
        text TEXT NOT NULL,
        written_at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        photo_sha256 TEXT,
        brought_in BLOB,
        brought_in_by BLOB REFERENCES staff (id),
        brought_in_at TEXT
    );
    CREATE INDEX parent_notes_by_child ON parent_notes (child_id, written_at);
    CREATE INDEX parent_notes_by_parent ON parent_notes (parent_id, written_at);
    CREATE INDEX parent_notes_by_time ON parent_notes (written_at);
"#,
    r#"
    -- The newest entry of a kind (a consent answer, a high-risk flag) without reading the log.
    CREATE INDEX audit_by_action ON audit (action, seq);
"#,
    r#"
    -- A child's last day at the setting (DESIGN §2 rule 7): the family's access closes the day
    -- after, and the child's data goes once the setting's grace period has passed too.
    ALTER TABLE children ADD COLUMN leaving_date TEXT;
    ALTER TABLE setting ADD COLUMN deletion_grace_days INTEGER NOT NULL DEFAULT 30
        CHECK (deletion_grace_days BETWEEN 0 AND 365);
"#,
    r#"
    -- A leaver's deletion (issue 15 part 6): when it ran, what went (core::receipt::Removed as
    -- JSON), and each device that held a copy until it confirms or is removed. Ids, dates and
    -- counts only: nothing here names the child.
    CREATE TABLE deletions (
        id BLOB PRIMARY KEY,
        child_id BLOB NOT NULL UNIQUE,
        last_day TEXT NOT NULL,
        deleted_at TEXT NOT NULL,
        removed TEXT NOT NULL
    );
    CREATE TABLE deletion_devices (
        deletion_id BLOB NOT NULL REFERENCES deletions (id),
        device_id BLOB NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('tablet', 'phone')),
        name TEXT NOT NULL,
        confirmed_at TEXT,
        removed_at TEXT,
        PRIMARY KEY (deletion_id, device_id)
    ) WITHOUT ROWID;
    CREATE INDEX deletion_devices_waiting ON deletion_devices (device_id)
        WHERE confirmed_at IS NULL AND removed_at IS NULL;
    -- A parent's phone that took a closed child's journal off itself, before or after deletion.
    CREATE TABLE phone_cleared (
        device_id BLOB NOT NULL,
        child_id BLOB NOT NULL,
        cleared_at TEXT NOT NULL,
        PRIMARY KEY (device_id, child_id)
    ) WITHOUT ROWID;
    -- Photos whose sealed files are to be destroyed: written in the deletion's transaction and
    -- emptied once each file is gone, so a crash in between finishes at the next start.
    CREATE TABLE vault_trash (sha256 TEXT PRIMARY KEY) WITHOUT ROWID;
    -- Who recorded the leaving date: the person a server-made change to a group entry is
    -- recorded as made for.
    ALTER TABLE children ADD COLUMN leaving_set_by BLOB REFERENCES staff (id);
    -- The server itself, as the device its own changes to records come from (a leaver taken out
    -- of a group entry), so every tablet pulls them. It cannot sign: its key is no key.
    INSERT INTO devices (id, public_key, code, status, name, requested_at)
        VALUES (zeroblob(16), zeroblob(1), '-', 'revoked', 'The setting''s server',
            '1970-01-01T00:00:00Z');
"#,
    r#"
    -- A leaver's photos a manager keeps "for posterity" (every child in them consented to
    -- displays): the deletion leaves them, and their bytes, on the server.
    CREATE TABLE posterity (
        photo_id BLOB PRIMARY KEY,
        child_id BLOB NOT NULL,
        kept_by BLOB NOT NULL REFERENCES staff (id),
        kept_at TEXT NOT NULL
    ) WITHOUT ROWID;
"#,
    r#"
    -- How long photos stay on tablets (issue 16): core::retention::Retention as JSON, the
    -- setting's half terms or "the last N weeks". NULL until a manager chooses.
    ALTER TABLE setting ADD COLUMN photo_retention TEXT;
    -- What each tablet said it holds at its last sync (core::holdings::Reported as JSON):
    -- counts, dates and sizes, never a name.
    ALTER TABLE devices ADD COLUMN holdings TEXT;
    -- A tablet out on an outing (core::outing::Outing as JSON): since when, with how many
    -- children (never which). NULL when it is on the premises.
    ALTER TABLE devices ADD COLUMN outing TEXT;
    -- The setting's switch: a tablet getting ready for an outing keeps only the children going.
    ALTER TABLE setting ADD COLUMN outing_clears_tablet INTEGER NOT NULL DEFAULT 1;
"#,
    r#"
    -- A tablet's key goes back only to the browser that made it (its door key, a P-256 public
    -- point) and only while the enrolment it is tied to is approved (issue 18).
    ALTER TABLE tablet_keys ADD COLUMN door_key BLOB;
    ALTER TABLE tablet_keys ADD COLUMN device_id_enrolled BLOB REFERENCES devices (id);
"#,
    r#"
    -- Backups (issue 17): the recovery key's public half (the secret is shown to the manager
    -- once and never kept), the folder nightly backups go to, and each attempt's outcome.
    CREATE TABLE backup_settings (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        recipient TEXT,
        set_up_at TEXT,
        folder TEXT
    );
    -- Each server's history has its own random id; a restore gives the restored folder a new
    -- one, so tablets that worked with the server after the backup notice.
    CREATE TABLE server_history (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        history BLOB NOT NULL
    );
    INSERT INTO server_history (id, history) VALUES (1, randomblob(16));
    CREATE TABLE backup_attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        failed TEXT,
        size INTEGER
    );
"#,
    r#"
    -- Receipts (issue 17): the key of the server's MAC on each version it keeps (made by
    -- `receipts::ensure_key` from the OS's randomness). It is in every backup, so a restored
    -- server knows its own receipts when tablets send back what it lost.
    CREATE TABLE receipt_key (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        key BLOB NOT NULL
    );
    -- The newest sync sequence number a restored folder held from its backup.
    ALTER TABLE server_history ADD COLUMN restored_at_seq INTEGER;
"#,
    r#"
    -- A child's own picture on staff lists (issue 20): the id of a photo of them alone, chosen
    -- by their key person or a manager (core::child_picture).
    ALTER TABLE children ADD COLUMN picture TEXT;
"#,
    r#"
    -- Photos used beyond the journals (issue 21): on a display, the website or social media,
    -- chosen by a manager or deputy under core::publishing. `n` numbers the day's files; the
    -- children in each are listed apart, so a leaver's deletion takes their row and nothing else
    -- (`children_total` says how many there were, so the list can say one has gone).
    CREATE TABLE published (
        id BLOB PRIMARY KEY,
        photo_id BLOB NOT NULL,
        used_for TEXT NOT NULL,
        day TEXT NOT NULL,
        n INTEGER NOT NULL,
        children_total INTEGER NOT NULL,
        file_name TEXT NOT NULL,
        caption TEXT NOT NULL,
        masked INTEGER NOT NULL,
        chosen_by BLOB NOT NULL REFERENCES staff (id),
        chosen_at TEXT NOT NULL,
        taken_down_by BLOB REFERENCES staff (id),
        taken_down_at TEXT,
        UNIQUE (day, n)
    ) WITHOUT ROWID;
    CREATE TABLE published_children (
        published_id BLOB NOT NULL REFERENCES published (id),
        child_id BLOB NOT NULL,
        PRIMARY KEY (published_id, child_id)
    ) WITHOUT ROWID;
    -- The setting's policy for social media (core::publishing::FacesPolicy).
    ALTER TABLE setting ADD COLUMN social_media_faces TEXT NOT NULL DEFAULT 'with_consent';
"#,
    r#"
    -- Which entries name which child and hold which photo (issue 19, P13): a family's journal
    -- and a photo's entry are found by index at drop-off, not by reading every entry in the
    -- setting. Kept by triggers on records, so every path that writes a record keeps them.
    CREATE TABLE observation_children (
        child TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (child, seq)
    ) WITHOUT ROWID;
    CREATE INDEX observation_children_by_seq ON observation_children (seq);
    CREATE TABLE observation_photos (
        photo TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (photo, seq)
    ) WITHOUT ROWID;
    CREATE INDEX observation_photos_by_seq ON observation_photos (seq);
    CREATE TRIGGER observation_index_insert AFTER INSERT ON records
    WHEN NEW.kind = 'observation'
    BEGIN
        INSERT OR IGNORE INTO observation_children (child, seq)
            SELECT value, NEW.seq FROM json_each(
                CASE WHEN json_valid(NEW.body) THEN NEW.body ELSE '{}' END, '$.children');
        INSERT OR IGNORE INTO observation_photos (photo, seq)
            SELECT value, NEW.seq FROM json_each(
                CASE WHEN json_valid(NEW.body) THEN NEW.body ELSE '{}' END, '$.photos');
    END;
    CREATE TRIGGER observation_index_update AFTER UPDATE ON records
    WHEN OLD.kind = 'observation'
    BEGIN
        DELETE FROM observation_children WHERE seq = OLD.seq;
        DELETE FROM observation_photos WHERE seq = OLD.seq;
        INSERT OR IGNORE INTO observation_children (child, seq)
            SELECT value, NEW.seq FROM json_each(
                CASE WHEN json_valid(NEW.body) THEN NEW.body ELSE '{}' END, '$.children');
        INSERT OR IGNORE INTO observation_photos (photo, seq)
            SELECT value, NEW.seq FROM json_each(
                CASE WHEN json_valid(NEW.body) THEN NEW.body ELSE '{}' END, '$.photos');
    END;
    CREATE TRIGGER observation_index_delete AFTER DELETE ON records
    WHEN OLD.kind = 'observation'
    BEGIN
        DELETE FROM observation_children WHERE seq = OLD.seq;
        DELETE FROM observation_photos WHERE seq = OLD.seq;
    END;
    INSERT OR IGNORE INTO observation_children (child, seq)
        SELECT j.value, r.seq FROM records r, json_each(
            CASE WHEN json_valid(r.body) THEN r.body ELSE '{}' END, '$.children') j
        WHERE r.kind = 'observation';
    INSERT OR IGNORE INTO observation_photos (photo, seq)
        SELECT j.value, r.seq FROM records r, json_each(
            CASE WHEN json_valid(r.body) THEN r.body ELSE '{}' END, '$.photos') j
        WHERE r.kind = 'observation';
"#,
];

impl Db {
    pub fn open(path: &Path) -> anyhow::Result<Db> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Sync's statements run many times a request: keep them all prepared.
        conn.set_prepared_statement_cache_capacity(64);
        migrate(&mut conn)?;
        crate::receipts::ensure_key(&conn)?;
        Ok(Db {
            conn: Arc::new(tokio::sync::Mutex::new(conn)),
            readers: Arc::new(Readers::open(path, READERS)?),
            lookups: Arc::new(Readers::open(path, LOOKUPS)?),
        })
    }

    /// Like `call`, on a read-only connection: for reads that may take a while.
    pub async fn read<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, AppError> + Send + 'static,
    {
        on_reader(self.readers.clone(), f).await
    }

    /// Like `read`, for a lookup by key that every request makes (its session, its device).
    pub async fn lookup<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, AppError> + Send + 'static,
    {
        on_reader(self.lookups.clone(), f).await
    }

    /// Runs `f` on the connection in a blocking thread, so a slow query never stalls the server.
    pub async fn call<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, AppError> + Send + 'static,
    {
        // Taken in the order asked for: with 30 tablets syncing at once, none waits through
        // others' turns.
        let mut guard = self.conn.clone().lock_owned().await;
        tokio::task::spawn_blocking(move || f(&mut guard))
            .await
            .map_err(|e| AppError::internal(format!("database task failed: {e}")))?
    }
}

async fn on_reader<T, F>(readers: Arc<Readers>, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&Connection) -> Result<T, AppError> + Send + 'static,
{
    tokio::task::spawn_blocking(move || {
        let guard = readers.take()?;
        f(&guard)
    })
    .await
    .map_err(|e| AppError::internal(format!("database task failed: {e}")))?
}

fn migrate(conn: &mut Connection) -> anyhow::Result<()> {
    let current: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    anyhow::ensure!(
        current <= MIGRATIONS.len(),
        "the database is from a newer Burrow (schema {current}); update the server"
    );
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(c: &Connection, id: &str, seq: u64, body: &str) {
        c.execute(
            "INSERT INTO records (id, kind, version, status, author, from_home, body, seq, changed_by, device_id, changed_at)
             VALUES (?1, 'observation', 1, 'published', 'a', 0, ?2, ?3, 's', 'd', 't')
             ON CONFLICT (id) DO UPDATE SET body = ?2, seq = ?3",
            rusqlite::params![id, body, seq],
        )
        .expect("a record");
    }

    fn index(c: &Connection) -> Vec<(String, u64)> {
        c.prepare("SELECT child, seq FROM observation_children UNION ALL SELECT photo, seq FROM observation_photos ORDER BY 2, 1")
            .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .expect("the index")
    }

    /// The entries' index (migration 25) is filled from the records already kept, and follows
    /// every insert, change and deletion after, a body that is not JSON included.
    #[test]
    fn the_entries_index_follows_the_records() {
        let mut c = Connection::open_in_memory().expect("a database");
        // The staff and devices a record points at are beside the point here.
        c.pragma_update(None, "foreign_keys", "OFF")
            .expect("no foreign keys");
        let before = MIGRATIONS.len() - 1;
        for sql in &MIGRATIONS[..before] {
            c.execute_batch(sql).expect("a migration");
        }
        c.pragma_update(None, "user_version", before)
            .expect("the version");
        put(
            &c,
            "o1",
            1,
            r#"{"children":["ava","maya"],"photos":["p1"]}"#,
        );
        put(&c, "o2", 2, "not json");
        migrate(&mut c).expect("migration 25");
        let row = |k: &str, s| (k.to_owned(), s);
        assert_eq!(index(&c), vec![row("ava", 1), row("maya", 1), row("p1", 1)]);
        // A new version moves to its new place in the sequence, with its new children.
        put(&c, "o1", 3, r#"{"children":["ava"],"photos":[]}"#);
        put(&c, "o3", 4, r#"{"children":["noah"],"photos":["p2"]}"#);
        put(&c, "o2", 5, r#"{"children":["isla"]}"#);
        assert_eq!(
            index(&c),
            vec![row("ava", 3), row("noah", 4), row("p2", 4), row("isla", 5)]
        );
        c.execute("DELETE FROM records WHERE id = 'o3'", [])
            .expect("a deletion");
        assert_eq!(index(&c), vec![row("ava", 3), row("isla", 5)]);
    }
}
