//! A deletion receipt (issue 15 part 8): what was removed of a child who left, when, and which
//! of the setting's devices have deleted their copies. The server signs it with its identity
//! key; anyone holding the receipt and the server's public key can check it was not edited.
//!
//! A receipt names no one: the child by their reference (the id the audit log also uses), the
//! devices by the names the manager gave them ("Room 2 tablet") or as "A parent's phone".

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What the server removed, counted when the deletion ran.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Removed {
    /// The child's own observations (theirs alone).
    pub entries: u32,
    /// Group observations kept for the other children with the leaver taken out.
    pub group_entries_kept: u32,
    /// Photos destroyed (the leaver alone, or a group photo without their face marked).
    pub photos: u32,
    /// Group photos kept for the others with the leaver's face masked for good.
    pub photos_masked: u32,
    /// Photos a manager kept for posterity (every child in them consented to displays).
    #[serde(default)]
    pub photos_for_posterity: u32,
    pub two_year_checks: u32,
    pub consents: u32,
    /// Parents' comments and wow moments.
    pub notes: u32,
    /// Links between a parent and this child.
    pub parent_links: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    Tablet,
    Phone,
}

/// Where one device stands with the deletion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DeviceState {
    Waiting,
    /// The device deleted everything of the child and said so.
    Confirmed {
        at: DateTime<Utc>,
    },
    /// A manager removed the device from the setting: it can no longer open anything, and it
    /// wipes itself if it ever comes back.
    Removed {
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceLine {
    pub device: Uuid,
    pub kind: DeviceKind,
    /// The tablet's name in Settings, or "A parent's phone".
    pub name: String,
    pub state: DeviceState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    pub setting: String,
    /// The child's reference: the id their records and the audit log used.
    pub child: Uuid,
    pub last_day: NaiveDate,
    pub deleted_at: DateTime<Utc>,
    pub removed: Removed,
    pub devices: Vec<DeviceLine>,
    /// When this copy of the receipt was made (devices may confirm after the deletion).
    pub issued_at: DateTime<Utc>,
}

/// The receipt as a file: the receipt and the server's signature over `message(receipt)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedReceipt {
    pub receipt: Receipt,
    /// The server's P-256 public key (uncompressed point, hex): which server signed it.
    pub server_key: String,
    /// ECDSA P-256 SHA-256, r‖s, hex.
    pub signature: String,
}

const CONTEXT: &[u8] = b"burrow deletion receipt v1\n";

/// The bytes the server signs: a fixed context and the receipt's JSON in field order. A
/// receipt read back from a file gives the same bytes, so any change to what it says (a count,
/// a date, a device's state) changes them.
pub fn message(receipt: &Receipt) -> Vec<u8> {
    let mut out = CONTEXT.to_vec();
    // Plain data of strings, numbers and dates: serialising it cannot fail.
    out.extend(serde_json::to_vec(receipt).unwrap_or_default());
    out
}

/// Every device has deleted the child's data or has been removed from the setting.
pub fn complete(devices: &[DeviceLine]) -> bool {
    devices
        .iter()
        .all(|d| !matches!(d.state, DeviceState::Waiting))
}

/// The devices still to confirm, by name, for the manager's page.
pub fn waiting(devices: &[DeviceLine]) -> Vec<&str> {
    devices
        .iter()
        .filter(|d| matches!(d.state, DeviceState::Waiting))
        .map(|d| d.name.as_str())
        .collect()
}

/// The name a parent's phone is shown by on a receipt (a parent's name is deleted too).
pub const PHONE_NAME: &str = "A parent's phone";

/// A receipt's file name: the last day and the reference, never a name.
pub fn file_name(receipt: &Receipt) -> String {
    format!(
        "burrow-deletion-receipt-{}-{}.json",
        receipt.last_day,
        &receipt.child.simple().to_string()[..8]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn receipt() -> Receipt {
        Receipt {
            setting: "Little Acorns".into(),
            child: Uuid::from_u128(7),
            last_day: NaiveDate::from_ymd_opt(2027, 7, 18).unwrap(),
            deleted_at: Utc.with_ymd_and_hms(2027, 8, 18, 2, 0, 0).unwrap(),
            removed: Removed {
                entries: 3,
                photos: 2,
                ..Removed::default()
            },
            devices: vec![
                DeviceLine {
                    device: Uuid::from_u128(1),
                    kind: DeviceKind::Tablet,
                    name: "Room 2 tablet".into(),
                    state: DeviceState::Waiting,
                },
                DeviceLine {
                    device: Uuid::from_u128(2),
                    kind: DeviceKind::Phone,
                    name: PHONE_NAME.into(),
                    state: DeviceState::Confirmed {
                        at: Utc.with_ymd_and_hms(2027, 8, 18, 8, 0, 0).unwrap(),
                    },
                },
            ],
            issued_at: Utc.with_ymd_and_hms(2027, 8, 18, 9, 0, 0).unwrap(),
        }
    }

    #[test]
    fn a_receipt_is_complete_when_no_device_is_waiting() {
        let mut r = receipt();
        assert!(!complete(&r.devices));
        assert_eq!(waiting(&r.devices), vec!["Room 2 tablet"]);
        r.devices[0].state = DeviceState::Removed {
            at: Utc.with_ymd_and_hms(2027, 9, 1, 9, 0, 0).unwrap(),
        };
        assert!(complete(&r.devices));
        assert!(complete(&[]));
    }

    #[test]
    fn the_message_survives_a_round_trip_through_a_file() {
        let signed = SignedReceipt {
            receipt: receipt(),
            server_key: "04ab".into(),
            signature: "00".into(),
        };
        let file = serde_json::to_string_pretty(&signed).unwrap();
        let back: SignedReceipt = serde_json::from_str(&file).unwrap();
        assert_eq!(message(&back.receipt), message(&signed.receipt));
        // A field added by hand is not quietly ignored.
        let added = file.replacen("\"setting\"", "\"note\": \"x\", \"setting\"", 1);
        assert!(serde_json::from_str::<SignedReceipt>(&added).is_err());
    }

    #[test]
    fn the_file_name_has_the_date_and_reference_only() {
        assert_eq!(
            file_name(&receipt()),
            "burrow-deletion-receipt-2027-07-18-00000000.json"
        );
    }

    proptest! {
        #[test]
        fn any_edit_to_what_a_receipt_says_changes_what_is_signed(
            entries in 0u32..1000, photos in 0u32..1000, days in 1i64..400, confirmed in any::<bool>()
        ) {
            let original = receipt();
            let mut edited = original.clone();
            edited.removed.entries = entries;
            edited.removed.photos = photos;
            edited.deleted_at += chrono::Duration::days(days);
            if confirmed {
                edited.devices[0].state = DeviceState::Confirmed { at: edited.deleted_at };
            }
            prop_assert_ne!(message(&original), message(&edited));
        }
    }
}
