//! Receipts (issue 17): the server's MAC on each version of a record it keeps, handed to the
//! tablet that pushed it and to every tablet that pulls it. A server restored from an older
//! backup has lost what came after; tablets send those records back with their receipts, and
//! the server takes back only what it can see it once kept itself, exactly, from whom. The key
//! lives in the database, so it travels in the backups and a restored server still knows it.
//!
//! A receipt is `<by>.<hex HMAC-SHA256>` over the kind, the id, the version, who made the
//! change and the SHA-256 of the body as kept. Nothing in it can be read without the key.

use burrow_core::sync::RecordKind;
use ring::hmac;
use rusqlite::Connection;
use uuid::Uuid;

/// Makes the key once, from the operating system's randomness, if this database has none.
pub fn ensure_key(conn: &Connection) -> rusqlite::Result<()> {
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    conn.execute(
        "INSERT OR IGNORE INTO receipt_key (id, key) VALUES (1, ?1)",
        [&bytes[..]],
    )?;
    Ok(())
}

pub struct Key(hmac::Key);

/// The key, which `ensure_key` made when the database opened.
pub fn key(conn: &Connection) -> rusqlite::Result<Key> {
    conn.prepare_cached("SELECT key FROM receipt_key WHERE id = 1")?
        .query_row([], |r| r.get::<_, Vec<u8>>(0))
        .map(|b| Key(hmac::Key::new(hmac::HMAC_SHA256, &b)))
}

fn message(kind: RecordKind, id: Uuid, version: u64, by: Uuid, body: &str) -> Vec<u8> {
    let mut m = b"burrow receipt v1\n".to_vec();
    m.extend_from_slice(kind.as_str().as_bytes());
    m.push(b'\n');
    m.extend_from_slice(id.as_bytes());
    m.extend_from_slice(&version.to_be_bytes());
    m.extend_from_slice(by.as_bytes());
    m.extend_from_slice(&crate::secrets::digest(body.as_bytes()));
    m
}

impl Key {
    pub fn issue(&self, kind: RecordKind, id: Uuid, version: u64, by: Uuid, body: &str) -> String {
        let tag = hmac::sign(&self.0, &message(kind, id, version, by, body));
        format!("{by}.{}", hex::encode(tag.as_ref()))
    }

    /// Who made the change, if this receipt is the server's own for exactly this version.
    pub fn check(
        &self,
        kind: RecordKind,
        id: Uuid,
        version: u64,
        body: &str,
        receipt: &str,
    ) -> Option<Uuid> {
        let (by, tag) = receipt.split_once('.')?;
        let by = Uuid::parse_str(by).ok()?;
        let tag = hex::decode(tag).ok()?;
        hmac::verify(&self.0, &message(kind, id, version, by, body), &tag).ok()?;
        Some(by)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_holds_only_for_exactly_what_was_kept() {
        let key = Key(hmac::Key::new(hmac::HMAC_SHA256, &[7; 32]));
        let other = Key(hmac::Key::new(hmac::HMAC_SHA256, &[8; 32]));
        let (id, by) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let body = r#"{"text":"stacked cups"}"#;
        let r = key.issue(RecordKind::Observation, id, 3, by, body);
        assert_eq!(
            key.check(RecordKind::Observation, id, 3, body, &r),
            Some(by)
        );
        let no = |kind, id, version, body: &str, r: &str| {
            assert_eq!(key.check(kind, id, version, body, r), None);
        };
        no(RecordKind::Observation, id, 4, body, &r);
        no(RecordKind::Photo, id, 3, body, &r);
        no(RecordKind::Observation, Uuid::from_u128(9), 3, body, &r);
        no(
            RecordKind::Observation,
            id,
            3,
            r#"{"text":"stacked cup"}"#,
            &r,
        );
        // Claiming someone else made it breaks it too.
        let tag = r.split_once('.').unwrap().1;
        no(
            RecordKind::Observation,
            id,
            3,
            body,
            &format!("{}.{tag}", Uuid::from_u128(5)),
        );
        no(RecordKind::Observation, id, 3, body, "not a receipt");
        assert_eq!(
            other.check(RecordKind::Observation, id, 3, body, &r),
            None,
            "another server's key"
        );
    }
}
