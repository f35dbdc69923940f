//! What a parent may see (DESIGN §2 rules 5 and 6, issue 7 part 4): written once, here, and
//! called by the server's pull filter for parents' phones, so no route can show more.
//!
//! A parent sees an observation only once it is published (validated, or shared when the setting
//! does not ask for validation), only if one of their own children is in it, and then only their
//! own children's part: the other children are not listed, and their names are taken out of the
//! text. A photo goes with it only if every other child in it has consented to appearing in
//! other children's journals or has a face region marked to be blurred for this family, and,
//! for a child flagged high-risk, only once a second manager has signed the photo off.

use crate::observation::Observation;
use crate::workflow::Status;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use uuid::Uuid;

/// What stands in for another child's name in a parent's copy.
pub const ANOTHER_CHILD: &str = "a friend";

/// A child as the rule needs them: names to take out, and the answers that matter here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildFacts {
    pub id: Uuid,
    pub first_name: String,
    pub surname: String,
    /// The latest answer for "appearing in other children's journals" allows it today.
    pub other_journals: bool,
    /// Flagged by a manager (looked after, adopted, a consent dispute): any image of them
    /// needs a second manager's sign-off before it reaches anyone.
    pub high_risk: bool,
}

/// A photo in an observation, as the rule needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoFacts {
    pub id: Uuid,
    pub children: Vec<Uuid>,
    /// Children whose face region the key person marked on this photo.
    pub regions: Vec<Uuid>,
    /// A second manager signed this photo off for publication.
    pub signed_off: bool,
}

/// One photo as a family receives it: the children to blur in their copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParentPhoto {
    pub id: Uuid,
    /// The children to blur in this family's copy: the server's to know, never sent to a phone
    /// (it would name another child and say they did not consent).
    #[serde(skip)]
    pub blur: Vec<Uuid>,
    /// An opaque fingerprint of this family's copy, filled in by the server: it changes when
    /// the faces to blur or where they are change, so the phone fetches the photo again.
    #[serde(default)]
    pub rendering: String,
}

/// An observation as one family may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParentEntry {
    pub id: Uuid,
    /// Only this family's children in it.
    pub children: Vec<Uuid>,
    pub text: String,
    pub next_steps: String,
    pub observed_at: DateTime<Utc>,
    pub aspects: Vec<String>,
    pub photos: Vec<ParentPhoto>,
}

/// Whether parents may see an observation in this state at all.
pub fn published(status: Status) -> bool {
    matches!(status, Status::Validated | Status::Published)
}

/// What the family whose children are `family` may see of `obs`; `None`: nothing, not even
/// that it exists. `children` must describe every child named in the observation or its photos
/// (a child missing from it is treated as without consent and without a name to take out).
pub fn parent_view(
    obs: &Observation,
    family: &[Uuid],
    children: &[ChildFacts],
    photos: &[PhotoFacts],
) -> Option<ParentEntry> {
    if !published(obs.status) {
        return None;
    }
    let ours: Vec<Uuid> = obs
        .children
        .iter()
        .copied()
        .filter(|c| family.contains(c))
        .collect();
    if ours.is_empty() {
        return None;
    }
    let facts = |id: Uuid| children.iter().find(|c| c.id == id);
    // Every other child in the observation or any of its photos: their names come out.
    let mut others: Vec<&ChildFacts> = Vec::new();
    let mut seen = HashSet::new();
    for id in obs
        .children
        .iter()
        .chain(photos.iter().flat_map(|p| p.children.iter()))
    {
        if !family.contains(id)
            && seen.insert(*id)
            && let Some(f) = facts(*id)
        {
            others.push(f);
        }
    }
    let names: Vec<&str> = others
        .iter()
        .flat_map(|c| [c.first_name.as_str(), c.surname.as_str()])
        .collect();
    let shown = photos
        .iter()
        .filter(|p| obs.photos.contains(&p.id))
        .filter_map(|p| photo_for(p, family, &facts))
        .collect();
    Some(ParentEntry {
        id: obs.id,
        children: ours,
        text: redact(&obs.text, &names),
        next_steps: redact(&obs.next_steps, &names),
        observed_at: obs.observed_at,
        aspects: obs.tags.aspects.clone(),
        photos: shown,
    })
}

/// A photo for this family: withheld if a high-risk child in it lacks the sign-off, or if
/// another child without consent has no region to blur.
fn photo_for<'a>(
    p: &PhotoFacts,
    family: &[Uuid],
    facts: &impl Fn(Uuid) -> Option<&'a ChildFacts>,
) -> Option<ParentPhoto> {
    let mut blur = Vec::new();
    for &child in &p.children {
        let f = facts(child);
        if f.is_none_or(|f| f.high_risk) && !p.signed_off {
            return None;
        }
        if family.contains(&child) {
            continue;
        }
        if f.is_some_and(|f| f.other_journals) {
            continue;
        }
        if p.regions.contains(&child) {
            blur.push(child);
        } else {
            return None;
        }
    }
    Some(ParentPhoto {
        id: p.id,
        blur,
        rendering: String::new(),
    })
}

/// Takes each name out of `text` wherever it stands as a word (any case, with a possessive
/// "'s" after it), leaving "a friend" in its place.
pub fn redact(text: &str, names: &[&str]) -> String {
    let names: Vec<String> = names
        .iter()
        .map(|n| n.trim().to_lowercase())
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() {
        return text.to_owned();
    }
    // Hyphens and apostrophes join a word (Mary-Jane, O'Neill, Maya's).
    let joins = |c: char| c.is_alphanumeric() || c == '-' || c == '\'';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(joins) {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let len = after.find(|c: char| !joins(c)).unwrap_or(after.len());
        // "A friend" where a sentence starts, "a friend" anywhere else.
        let starts_sentence = out
            .trim_end()
            .chars()
            .last()
            .is_none_or(|c| matches!(c, '.' | '!' | '?'));
        out.push_str(&replace_word(&after[..len], &names, starts_sentence));
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

fn replace_word(word: &str, names: &[String], starts_sentence: bool) -> String {
    let core = word.trim_matches(['-', '\'']);
    let lower = core.to_lowercase();
    let (stem, tail) = match lower.strip_suffix("'s") {
        Some(stem) if names.iter().any(|n| *n == stem) => (stem.len(), "'s"),
        _ => (lower.len(), ""),
    };
    if !names.iter().any(|n| *n == lower[..stem]) {
        return word.to_owned();
    }
    let lead = &word[..word.len() - word.trim_start_matches(['-', '\'']).len()];
    let trail = &word[lead.len() + core.len()..];
    let stand_in = if starts_sentence && lead.is_empty() {
        let mut c = ANOTHER_CHILD.chars();
        c.next()
            .map(|first| first.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    } else {
        ANOTHER_CHILD.to_owned()
    };
    format!("{lead}{stand_in}{tail}{trail}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observation::Observation;
    use proptest::prelude::*;

    fn child(n: u128, first: &str, other_journals: bool) -> ChildFacts {
        ChildFacts {
            id: Uuid::from_u128(n),
            first_name: first.into(),
            surname: format!("{first}son"),
            other_journals,
            high_risk: false,
        }
    }

    fn obs(children: &[u128], text: &str, status: Status) -> Observation {
        let mut o = Observation::new(
            Uuid::from_u128(99),
            Uuid::from_u128(500),
            children.iter().map(|&c| Uuid::from_u128(c)).collect(),
            DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
        );
        o.text = text.into();
        o.status = status;
        o
    }

    #[test]
    fn a_parent_sees_their_childs_part_of_a_published_group_observation() {
        let kids = [child(1, "Ava", true), child(2, "Maya", false)];
        let o = obs(
            &[1, 2],
            "Ava and Maya planted seeds; maya's were first.",
            Status::Validated,
        );
        let ava_family = [Uuid::from_u128(1)];
        let seen = parent_view(&o, &ava_family, &kids, &[]).unwrap();
        assert_eq!(seen.children, vec![Uuid::from_u128(1)]);
        assert_eq!(
            seen.text,
            "Ava and a friend planted seeds; a friend's were first."
        );
        // Maya's family sees Ava's name taken out the same way.
        let seen = parent_view(&o, &[Uuid::from_u128(2)], &kids, &[]).unwrap();
        assert_eq!(
            seen.text,
            "A friend and Maya planted seeds; maya's were first."
        );
        // Another family sees nothing; nor does anyone before it is published.
        assert_eq!(parent_view(&o, &[Uuid::from_u128(3)], &kids, &[]), None);
        let draft = obs(&[1], "Ava painted", Status::Submitted);
        assert_eq!(parent_view(&draft, &ava_family, &kids, &[]), None);
    }

    #[test]
    fn a_group_photo_goes_whole_blurred_or_not_at_all() {
        let kids = [
            child(1, "Ava", true),
            child(2, "Maya", false),
            child(3, "Noah", true),
        ];
        let mut o = obs(&[1, 2, 3], "Building a tower", Status::Published);
        let photo = |children: &[u128], regions: &[u128]| PhotoFacts {
            id: Uuid::from_u128(1000 + children.len() as u128 * 10 + regions.len() as u128),
            children: children.iter().map(|&c| Uuid::from_u128(c)).collect(),
            regions: regions.iter().map(|&c| Uuid::from_u128(c)).collect(),
            signed_off: false,
        };
        let with_region = photo(&[1, 2, 3], &[2]);
        let without = photo(&[1, 2], &[]);
        o.photos = vec![with_region.id, without.id];
        let photos = [with_region.clone(), without];
        let seen = parent_view(&o, &[Uuid::from_u128(1)], &kids, &photos).unwrap();
        assert_eq!(
            seen.photos,
            vec![ParentPhoto {
                id: with_region.id,
                blur: vec![Uuid::from_u128(2)],
                rendering: String::new(),
            }]
        );
        // Maya's own family sees her unblurred in both.
        let seen = parent_view(&o, &[Uuid::from_u128(2)], &kids, &photos).unwrap();
        assert_eq!(seen.photos.len(), 2);
        assert!(seen.photos.iter().all(|p| p.blur.is_empty()));
    }

    #[test]
    fn a_high_risk_childs_photo_waits_for_a_second_managers_sign_off() {
        let mut kids = vec![child(1, "Ava", true)];
        kids[0].high_risk = true;
        let mut o = obs(&[1], "Ava on the slide", Status::Validated);
        let mut p = PhotoFacts {
            id: Uuid::from_u128(7),
            children: vec![Uuid::from_u128(1)],
            regions: vec![],
            signed_off: false,
        };
        o.photos = vec![p.id];
        let family = [Uuid::from_u128(1)];
        let seen = parent_view(&o, &family, &kids, std::slice::from_ref(&p)).unwrap();
        assert!(seen.photos.is_empty(), "not even to her own family");
        p.signed_off = true;
        let seen = parent_view(&o, &family, &kids, &[p]).unwrap();
        assert_eq!(seen.photos.len(), 1);
    }

    #[test]
    fn names_come_out_as_words_only() {
        assert_eq!(
            redact("Rosemary met Rose", &["Rose"]),
            "Rosemary met a friend"
        );
        assert_eq!(
            redact("MAYA, maya! Maya-Jane", &["Maya"]),
            "A friend, a friend! Maya-Jane"
        );
        assert_eq!(redact("O'Neill laughed", &["O'Neill"]), "A friend laughed");
        assert_eq!(
            redact("'Maya' said Maya'", &["Maya"]),
            "'a friend' said a friend'"
        );
        assert_eq!(redact("MAYA'S hat", &["maya"]), "A friend's hat");
        assert_eq!(
            redact("Ava cried. Maya hugged her; Maya smiled", &["Maya"]),
            "Ava cried. A friend hugged her; a friend smiled"
        );
        assert_eq!(redact("nothing here", &[]), "nothing here");
    }

    const NAMES: &[&str] = &[
        "Ava", "Maya", "Noah", "Isla", "Leo", "Zara", "Oliver", "Amelia", "Mohammed", "Freya",
    ];

    fn arb_text() -> impl Strategy<Value = String> {
        // Words, names in any case with possessives, and punctuation between them.
        let word = prop_oneof![
            proptest::sample::select(NAMES).prop_map(|s| s.to_owned()),
            proptest::sample::select(NAMES).prop_map(|s| s.to_uppercase()),
            proptest::sample::select(NAMES).prop_map(|s| format!("{s}'s")),
            "[a-z]{1,8}",
        ];
        let sep = proptest::sample::select(vec![" ", ", ", ". ", "! ", " (", ") ", "\n", ";"]);
        proptest::collection::vec((word, sep), 0..25)
            .prop_map(|v| v.into_iter().map(|(w, s)| format!("{w}{s}")).collect())
    }

    fn words_of(text: &str) -> Vec<String> {
        text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
            .map(|w| w.strip_suffix("'s").unwrap_or(w).to_lowercase())
            .collect()
    }

    proptest! {
        /// No journal, consent set or group shows a parent another child's name, another child
        /// in the list, or a photo with another child's face that is neither consented nor blurred.
        #[test]
        fn a_parent_never_sees_another_childs_name_or_unconsented_face(
            n in 1usize..6,
            family_mask in 1u8..32,
            consents in any::<u8>(),
            risk in any::<u8>(),
            text in arb_text(),
            steps in arb_text(),
            photo_sets in proptest::collection::vec((any::<u8>(), any::<u8>(), any::<bool>()), 0..4),
            status in proptest::sample::select(Status::ALL.to_vec()),
        ) {
            let kids: Vec<ChildFacts> = (0..n)
                .map(|i| ChildFacts {
                    id: Uuid::from_u128(i as u128 + 1),
                    first_name: NAMES[i].into(),
                    surname: NAMES[(i + 5) % NAMES.len()].into(),
                    other_journals: consents & (1 << i) != 0,
                    high_risk: risk & (1 << i) != 0 && risk > 200,
                })
                .collect();
            let family: Vec<Uuid> = kids.iter().enumerate()
                .filter(|(i, _)| family_mask & (1 << i) != 0).map(|(_, c)| c.id).collect();
            let mut o = obs(&(1..=n as u128).collect::<Vec<_>>(), &text, status);
            o.next_steps = steps;
            let photos: Vec<PhotoFacts> = photo_sets.iter().enumerate().map(|(j, (inm, regm, signed))| PhotoFacts {
                id: Uuid::from_u128(1000 + j as u128),
                children: kids.iter().enumerate().filter(|(i, _)| inm & (1 << i) != 0).map(|(_, c)| c.id).collect(),
                regions: kids.iter().enumerate().filter(|(i, _)| regm & (1 << i) != 0).map(|(_, c)| c.id).collect(),
                signed_off: *signed,
            }).collect();
            o.photos = photos.iter().map(|p| p.id).collect();
            let seen = parent_view(&o, &family, &kids, &photos);
            if !published(status) || family.is_empty() {
                prop_assert!(seen.is_none());
                return Ok(());
            }
            let Some(seen) = seen else { return Ok(()); };
            let others: Vec<&ChildFacts> = kids.iter().filter(|c| !family.contains(&c.id)).collect();
            // Other children's names may also be a family child's name (shared names are not
            // generated here: each child has distinct names).
            let own: HashSet<String> = kids.iter().filter(|c| family.contains(&c.id))
                .flat_map(|c| [c.first_name.to_lowercase(), c.surname.to_lowercase()]).collect();
            for c in &others {
                for name in [&c.first_name, &c.surname] {
                    let lower = name.to_lowercase();
                    if own.contains(&lower) { continue; }
                    prop_assert!(!words_of(&seen.text).contains(&lower), "{} in {:?}", name, seen.text);
                    prop_assert!(!words_of(&seen.next_steps).contains(&lower), "{} in {:?}", name, seen.next_steps);
                }
                prop_assert!(!seen.children.contains(&c.id));
            }
            for shown in &seen.photos {
                let p = photos.iter().find(|p| p.id == shown.id).unwrap();
                for &child in &p.children {
                    let f = kids.iter().find(|k| k.id == child).unwrap();
                    if f.high_risk { prop_assert!(p.signed_off); }
                    if !family.contains(&child) && !f.other_journals {
                        prop_assert!(shown.blur.contains(&child) && p.regions.contains(&child));
                    }
                }
            }
        }
    }
}
