//! The children's list, kept sealed on the tablet so it can be shown when the setting's server
//! is out of reach (the garden, an outing, the Wi-Fi down).

use super::db::{Store, StoreError};
use super::keys::Keys;
use super::mirror;
use burrow_core::api::Child;
use burrow_core::envelope::Kind;
use uuid::Uuid;

/// What the tablet holds: the children it could open, and the ids of any it could not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub children: Vec<Child>,
    pub damaged: Vec<Uuid>,
}

/// Replaces the tablet's copy with the server's list, in one transaction.
pub async fn keep(store: &Store, keys: &Keys, children: &[Child]) -> Result<(), StoreError> {
    mirror::keep(store, keys, Kind::Child, children, |c| c.id).await
}

pub async fn kept(store: &Store, keys: &Keys) -> Result<Kept, StoreError> {
    let kept = mirror::kept::<Child>(store, keys, Kind::Child).await?;
    let mut children = kept.items;
    children.sort_by(|a, b| (&a.first_name, &a.surname).cmp(&(&b.first_name, &b.surname)));
    Ok(Kept {
        children,
        damaged: kept.damaged,
    })
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use crate::store::keys::keys_from;
    use chrono::NaiveDate;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn child(first: &str) -> Child {
        Child {
            id: Uuid::now_v7(),
            first_name: first.into(),
            surname: "Marker-Q7Z".into(),
            date_of_birth: NaiveDate::from_ymd_opt(2023, 4, 5).unwrap(),
            start_date: NaiveDate::from_ymd_opt(2025, 9, 1).unwrap(),
            key_person_id: Uuid::now_v7(),
            key_person_name: "Priya Shah".into(),
            high_risk: false,
            leaving_date: None,
            picture: None,
        }
    }

    #[wasm_bindgen_test]
    async fn the_roster_is_kept_sealed_and_a_child_who_left_is_removed() {
        let name = format!("burrow-test-{}", Uuid::now_v7());
        let store = Store::open(&name).await.unwrap();
        let keys = keys_from(&[9; 32], Uuid::nil()).await.unwrap();
        let (ava, noah) = (child("Ava"), child("Noah"));
        keep(&store, &keys, &[ava.clone(), noah.clone()])
            .await
            .unwrap();
        let got = kept(&store, &keys).await.unwrap();
        assert_eq!(got.children, vec![ava.clone(), noah.clone()]);
        assert!(got.damaged.is_empty());
        // No outbox entry: these are not the tablet's changes.
        assert!(store.outbox(&keys).await.unwrap().is_empty());

        keep(&store, &keys, std::slice::from_ref(&ava))
            .await
            .unwrap();
        assert_eq!(kept(&store, &keys).await.unwrap().children, vec![ava]);

        // Someone else's keys open nothing and see no children at all.
        let other = keys_from(&[8; 32], Uuid::nil()).await.unwrap();
        assert_eq!(kept(&store, &other).await.unwrap().children, vec![]);
        store.close();
        Store::delete(&name).await.unwrap();
    }
}
