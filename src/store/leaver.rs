//! A leaver's data taken off this tablet once the server has deleted it (issue 15 part 7):
//! every record found by the child's lookup (observations, drafts among them, photos with
//! their chunks and thumbnails, two-year checks, the camera's refusals), their waiting outbox
//! entries, and the child's rows in the tablet's copies of the roster and consent answers.
//! One transaction, so a tablet never holds half a leaver.

use super::db::{Store, StoreError};
use super::keys::Keys;
use super::observations;
use burrow_core::api::Child;
use burrow_core::consent::ConsentRecord;
use burrow_core::envelope::Kind;
use burrow_core::leaving::{EntryFate, keep_change_for_others};
use burrow_core::observation::Observation;
use burrow_core::photo::PhotoRecord;
use std::collections::HashMap;
use uuid::Uuid;

/// Before `forget`: a group entry naming the leaver that was changed here and not taken by the
/// server (a change still waiting, or a new entry the server refused because the leaver's data
/// had gone) stays for the other children. Core takes the leaver out of it, and it becomes the
/// next change, made on top of the version the server holds: `server_versions` has those this
/// pull brought and left aside for the change waiting here. Returns the entries kept so.
///
/// Without the leaver's name on this tablet (its roster no longer has them) the words could
/// not be cleaned, so such an entry goes with the rest, as a change refused.
pub async fn keep_changes_for_others(
    store: &Store,
    keys: &Keys,
    child: Uuid,
    server_versions: &HashMap<Uuid, u64>,
) -> Result<Vec<Uuid>, StoreError> {
    let Some(leaver) = roster_row(store, keys, child).await? else {
        return Ok(Vec::new());
    };
    let names = [leaver.first_name.as_str(), leaver.surname.as_str()];
    let value = child.to_string();
    let gone_photos: Vec<Uuid> = store
        .find(keys, Kind::Photo, "child", &value)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let found = store.find(keys, Kind::Observation, "child", &value).await?;
    let ids: Vec<Uuid> = found.iter().map(|(id, _)| *id).collect();
    let versions = store.versions(&ids).await?;
    let outbox = store.outbox(keys).await?;
    let mut kept_ids = Vec::new();
    for (id, body) in found {
        let Some((version, held)) = versions.get(&id).copied() else {
            continue;
        };
        // Nothing of this tablet's is at stake unless it changed the entry and the server did
        // not take the change (this pull set aside the server's rewrite for it, or it is newer
        // than anything the server acknowledged).
        if version <= held && !server_versions.contains_key(&id) {
            continue;
        }
        let Some(obs) = body
            .ok()
            .and_then(|b| serde_json::from_slice::<Observation>(&b).ok())
        else {
            continue;
        };
        let server_version = server_versions.get(&id).copied().unwrap_or(held);
        if let EntryFate::Kept(kept) =
            keep_change_for_others(&obs, child, &names, &gone_photos, server_version)
        {
            let by = outbox
                .iter()
                .rev()
                .find(|e| e.record_id == id)
                .and_then(|e| e.by)
                .unwrap_or(obs.author);
            observations::save_on(store, keys, &kept, server_version, by).await?;
            kept_ids.push(id);
        }
    }
    Ok(kept_ids)
}

/// The leaver's row in the tablet's copy of the roster, if it still has one.
async fn roster_row(store: &Store, keys: &Keys, child: Uuid) -> Result<Option<Child>, StoreError> {
    Ok(store
        .all_of(keys, Kind::Child)
        .await?
        .into_iter()
        .filter_map(|(_, body)| body.ok())
        .filter_map(|b| serde_json::from_slice::<Child>(&b).ok())
        .find(|c| c.id == child))
}

/// Removes everything this tablet holds of `child`. Returns how many records went.
pub async fn forget(store: &Store, keys: &Keys, child: Uuid) -> Result<usize, StoreError> {
    let value = child.to_string();
    let mut records = Vec::new();
    let mut photos = Vec::new();
    for kind in [
        Kind::Observation,
        Kind::Photo,
        Kind::ProgressCheck,
        Kind::RefusedCapture,
    ] {
        for (id, body) in store.find(keys, kind, "child", &value).await? {
            records.push(id);
            if kind == Kind::Photo {
                photos.push(id);
                if let Some(record) = body
                    .ok()
                    .and_then(|b| serde_json::from_slice::<PhotoRecord>(&b).ok())
                {
                    photos.push(record.thumb_id);
                }
            }
        }
    }
    for (id, body) in store.all_of(keys, Kind::Child).await? {
        let theirs = id == child
            || body
                .ok()
                .and_then(|b| serde_json::from_slice::<Child>(&b).ok())
                .is_some_and(|c| c.id == child);
        if theirs {
            records.push(id);
        }
    }
    for (id, body) in store.all_of(keys, Kind::Consent).await? {
        if body
            .ok()
            .and_then(|b| serde_json::from_slice::<ConsentRecord>(&b).ok())
            .is_some_and(|c| c.child_id == child)
        {
            records.push(id);
        }
    }
    let outbox: Vec<u64> = store
        .outbox(keys)
        .await?
        .into_iter()
        .filter(|e| records.contains(&e.record_id))
        .map(|e| e.counter)
        .collect();
    store.remove_all(&records, &photos, &outbox).await?;
    Ok(records.len())
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use crate::store::db::NewRecord;
    use crate::store::keys::keys_from;
    use chrono::{NaiveDate, Utc};
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    /// Ava's data was deleted on the server while this tablet held a group entry about Ava and
    /// Noah changed here, and Ava's own entry. The group entry stays for Noah without her, as
    /// the next change made on the server's rewrite; Ava's own entry and her roster row go.
    #[wasm_bindgen_test]
    async fn a_group_entry_changed_here_stays_for_the_others_when_a_leaver_goes() {
        let name = format!("burrow-test-{}", Uuid::now_v7());
        let store = Store::open(&name).await.unwrap();
        let (ava, noah, priya) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        // Priya wrote it; Sam has the tablet unlocked when it syncs.
        let keys = keys_from(&[0x42; 32], priya).await.unwrap();
        let day = NaiveDate::from_ymd_opt(2024, 9, 2).unwrap();
        let row = Child {
            id: ava,
            first_name: "Ava".into(),
            surname: "Okafor".into(),
            date_of_birth: day,
            start_date: day,
            key_person_id: priya,
            key_person_name: "Priya Shah".into(),
            high_risk: false,
            leaving_date: None,
            picture: None,
        };
        let body = serde_json::to_vec(&row).unwrap();
        store
            .replace_from_server(
                &keys,
                Kind::Child,
                &[NewRecord {
                    id: ava,
                    kind: Kind::Child,
                    version: 1,
                    lookups: &[],
                    body: &body,
                }],
            )
            .await
            .unwrap();
        let mut group = Observation::new(Uuid::now_v7(), priya, vec![ava, noah], Utc::now());
        group.text = "Ava and Noah splashed in the water tray".into();
        group.version = 1;
        observations::save(&store, &keys, &group).await.unwrap();
        let mut own = Observation::new(Uuid::now_v7(), priya, vec![ava], Utc::now());
        own.text = "Ava painted a sunflower".into();
        own.version = 1;
        observations::save(&store, &keys, &own).await.unwrap();

        // The server rewrote the group entry as its version 2 while this change waited.
        let server = HashMap::from([(group.id, 2)]);
        let sam = keys_from(&[0x42; 32], Uuid::now_v7()).await.unwrap();
        let kept = keep_changes_for_others(&store, &sam, ava, &server)
            .await
            .unwrap();
        assert_eq!(kept, vec![group.id]);
        forget(&store, &keys, ava).await.unwrap();

        let (noahs, _) = observations::of_child(&store, &keys, noah).await.unwrap();
        assert_eq!(noahs.len(), 1);
        assert_eq!(noahs[0].children, vec![noah]);
        assert_eq!(
            noahs[0].text,
            "A friend and Noah splashed in the water tray"
        );
        assert_eq!(noahs[0].version, 3, "on top of the server's version 2");
        let versions = store.versions(&[group.id]).await.unwrap();
        assert_eq!(versions[&group.id], (3, 2), "pushed as made on version 2");
        let outbox = store.outbox(&keys).await.unwrap();
        let last = outbox.iter().rfind(|e| e.record_id == group.id).unwrap();
        assert_eq!((last.version, last.by), (3, Some(priya)));
        assert!(outbox.iter().all(|e| e.record_id != own.id));
        assert_eq!(
            observations::of_child(&store, &keys, ava).await.unwrap(),
            (vec![], vec![])
        );
        assert!(store.all_of(&keys, Kind::Child).await.unwrap().is_empty());

        store.close();
        Store::delete(&name).await.unwrap();
    }
}
