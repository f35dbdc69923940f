//! Whether a tablet has room for another photo. Photos are refused *before* the browser's
//! quota is reached, so a full tablet never fails half-way through a write and never pushes
//! out what is already stored.

use thiserror::Error;

/// Space always left free: the records, outbox and metadata that are written without asking
/// still need somewhere to go.
pub const RESERVE_BYTES: u64 = 50 * 1_000_000;
/// ... or this share of the quota, whichever is larger.
pub const RESERVE_PERCENT: u64 = 5;

/// What the browser reports (`navigator.storage.estimate()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Estimate {
    pub usage: u64,
    pub quota: u64,
}

impl Estimate {
    /// Bytes that may still be used for photos.
    pub fn room_for_photos(self) -> u64 {
        let reserve = RESERVE_BYTES.max(self.quota / 100 * RESERVE_PERCENT);
        self.quota
            .saturating_sub(reserve)
            .saturating_sub(self.usage)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StorageError {
    #[error(
        "This tablet is nearly full, so the photo was not saved. Everything already on the tablet is safe. Sync with the setting’s server, then ask your manager to make space."
    )]
    NearlyFull,
}

/// `Ok` if a photo of `bytes` (sealed) fits without eating into the reserve.
pub fn room_for_photo(estimate: Estimate, bytes: u64) -> Result<(), StorageError> {
    if bytes <= estimate.room_for_photos() {
        Ok(())
    } else {
        Err(StorageError::NearlyFull)
    }
}

/// "12.3 MB": sizes for people, in decimal units as phones and tablets show them.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const GB: u64 = 1_000_000_000;

    #[test]
    fn a_photo_that_fits_above_the_reserve_is_allowed() {
        let e = Estimate {
            usage: GB,
            quota: 10 * GB,
        };
        assert_eq!(room_for_photo(e, 3_000_000), Ok(()));
    }

    #[test]
    fn a_photo_that_would_eat_into_the_reserve_is_refused_before_the_quota() {
        let quota = 10 * GB;
        let reserve = quota / 20;
        let e = Estimate {
            usage: quota - reserve - 1_000_000,
            quota,
        };
        assert_eq!(room_for_photo(e, 1_000_000), Ok(()));
        assert_eq!(room_for_photo(e, 1_000_001), Err(StorageError::NearlyFull));
    }

    #[test]
    fn a_small_quota_keeps_the_fixed_reserve() {
        let e = Estimate {
            usage: 0,
            quota: 40_000_000,
        };
        assert_eq!(e.room_for_photos(), 0);
        assert!(room_for_photo(e, 1).is_err());
    }

    #[test]
    fn sizes_read_as_people_expect() {
        assert_eq!(human_size(512), "512 bytes");
        assert_eq!(human_size(12_345_678), "12.3 MB");
        assert_eq!(human_size(64 * GB), "64.0 GB");
    }

    proptest! {
        #[test]
        fn an_allowed_photo_never_takes_usage_past_the_quota(usage in 0u64..u64::MAX / 4, quota in 0u64..u64::MAX / 4, bytes in 0u64..u64::MAX / 4) {
            let e = Estimate { usage, quota };
            if room_for_photo(e, bytes).is_ok() {
                prop_assert!(usage + bytes <= quota);
                prop_assert!(quota - usage - bytes >= RESERVE_BYTES);
            }
        }
    }
}
