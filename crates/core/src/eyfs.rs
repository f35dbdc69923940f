//! The EYFS catalogue as typed data: the seven areas of learning (three prime, four specific),
//! their aspects, each with the early learning goal of the same name (seventeen in all), the
//! Development Matters age bands and the characteristics of effective learning.
//!
//! Observations keep the catalogue version and stable codes ("CL.S", "PSED.SR"), never an index
//! into a list, so a later framework can add, rename or drop an aspect without changing what an
//! old observation says: `catalogue(version)` still finds the version it was tagged with.

use serde::{Deserialize, Serialize};

/// The version every new observation is tagged with: the statutory framework of September 2024
/// with Development Matters (revised 2023).
pub const CURRENT: &str = "eyfs-2024";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Kind {
    Prime,
    Specific,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Area {
    pub code: &'static str,
    pub name: &'static str,
    pub short: &'static str,
    pub kind: Kind,
    pub aspects: &'static [Aspect],
}

/// An aspect of an area; in this framework each aspect has one early learning goal, named the
/// same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aspect {
    pub code: &'static str,
    pub name: &'static str,
}

/// Development Matters' age bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeBand {
    BirthToThree,
    ThreeAndFour,
    Reception,
}

impl AgeBand {
    pub const ALL: [AgeBand; 3] = [
        AgeBand::BirthToThree,
        AgeBand::ThreeAndFour,
        AgeBand::Reception,
    ];

    pub fn label(self) -> &'static str {
        match self {
            AgeBand::BirthToThree => "Birth to three",
            AgeBand::ThreeAndFour => "Three and four-year-olds",
            AgeBand::Reception => "Children in reception",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AgeBand::BirthToThree => "birth_to_three",
            AgeBand::ThreeAndFour => "three_and_four",
            AgeBand::Reception => "reception",
        }
    }

    pub fn parse(s: &str) -> Option<AgeBand> {
        AgeBand::ALL.into_iter().find(|b| b.as_str() == s)
    }
}

/// The characteristics of effective learning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Characteristic {
    PlayingAndExploring,
    ActiveLearning,
    CreatingAndThinkingCritically,
}

impl Characteristic {
    pub const ALL: [Characteristic; 3] = [
        Characteristic::PlayingAndExploring,
        Characteristic::ActiveLearning,
        Characteristic::CreatingAndThinkingCritically,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Characteristic::PlayingAndExploring => "Playing and exploring",
            Characteristic::ActiveLearning => "Active learning",
            Characteristic::CreatingAndThinkingCritically => "Creating and thinking critically",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Characteristic::PlayingAndExploring => "playing_and_exploring",
            Characteristic::ActiveLearning => "active_learning",
            Characteristic::CreatingAndThinkingCritically => "creating_and_thinking_critically",
        }
    }
}

/// One version of the framework.
#[derive(Debug)]
pub struct Catalogue {
    pub version: &'static str,
    pub areas: &'static [Area],
}

const fn aspect(code: &'static str, name: &'static str) -> Aspect {
    Aspect { code, name }
}

static EYFS_2024: Catalogue = Catalogue {
    version: CURRENT,
    areas: &[
        Area {
            code: "CL",
            name: "Communication and language",
            short: "Communication",
            kind: Kind::Prime,
            aspects: &[
                aspect("CL.LAU", "Listening, attention and understanding"),
                aspect("CL.S", "Speaking"),
            ],
        },
        Area {
            code: "PSED",
            name: "Personal, social and emotional development",
            short: "Personal, social, emotional",
            kind: Kind::Prime,
            aspects: &[
                aspect("PSED.SR", "Self-regulation"),
                aspect("PSED.MS", "Managing self"),
                aspect("PSED.BR", "Building relationships"),
            ],
        },
        Area {
            code: "PD",
            name: "Physical development",
            short: "Physical",
            kind: Kind::Prime,
            aspects: &[
                aspect("PD.GM", "Gross motor skills"),
                aspect("PD.FM", "Fine motor skills"),
            ],
        },
        Area {
            code: "L",
            name: "Literacy",
            short: "Literacy",
            kind: Kind::Specific,
            aspects: &[
                aspect("L.C", "Comprehension"),
                aspect("L.WR", "Word reading"),
                aspect("L.W", "Writing"),
            ],
        },
        Area {
            code: "M",
            name: "Mathematics",
            short: "Maths",
            kind: Kind::Specific,
            aspects: &[
                aspect("M.N", "Number"),
                aspect("M.NP", "Numerical patterns"),
            ],
        },
        Area {
            code: "UW",
            name: "Understanding the world",
            short: "Understanding the world",
            kind: Kind::Specific,
            aspects: &[
                aspect("UW.PP", "Past and present"),
                aspect("UW.PCC", "People, culture and communities"),
                aspect("UW.NW", "The natural world"),
            ],
        },
        Area {
            code: "EAD",
            name: "Expressive arts and design",
            short: "Arts and design",
            kind: Kind::Specific,
            aspects: &[
                aspect("EAD.CM", "Creating with materials"),
                aspect("EAD.BIE", "Being imaginative and expressive"),
            ],
        },
    ],
};

/// The catalogue an observation was tagged with, if this build knows it.
pub fn catalogue(version: &str) -> Option<&'static Catalogue> {
    (version == CURRENT).then_some(&EYFS_2024)
}

/// The catalogue new observations use.
pub fn current() -> &'static Catalogue {
    &EYFS_2024
}

impl Catalogue {
    pub fn area(&self, code: &str) -> Option<&'static Area> {
        self.areas.iter().find(|a| a.code == code)
    }

    /// An aspect and its area, by the aspect's code.
    pub fn aspect(&self, code: &str) -> Option<(&'static Area, &'static Aspect)> {
        self.areas.iter().find_map(|area| {
            area.aspects
                .iter()
                .find(|a| a.code == code)
                .map(|a| (area, a))
        })
    }

    /// The area an aspect belongs to; areas are named by the part of the code before the dot.
    pub fn area_of(&self, aspect_code: &str) -> Option<&'static Area> {
        self.aspect(aspect_code).map(|(area, _)| area)
    }

    pub fn early_learning_goals(&self) -> impl Iterator<Item = &'static Aspect> {
        self.areas.iter().flat_map(|a| a.aspects.iter())
    }
}

/// How a tag reads on screen, even one from a catalogue this build does not know.
pub fn describe(version: &str, aspect_code: &str) -> String {
    match catalogue(version).and_then(|c| c.aspect(aspect_code)) {
        Some((area, aspect)) => format!("{}: {}", area.short, aspect.name),
        None => format!("{aspect_code} ({version})"),
    }
}

/// Words that often mean an aspect is involved, for suggesting tags while the key person types.
/// Suggestions only: the key person chooses.
const CUES: &[(&str, &[&str])] = &[
    (
        "CL.LAU",
        &[
            "listen",
            "story",
            "stories",
            "instruction",
            "understood",
            "answered",
        ],
    ),
    (
        "CL.S",
        &[
            "said",
            "says",
            "talk",
            "words",
            "sentence",
            "told",
            "asked",
            "explained",
        ],
    ),
    (
        "PSED.SR",
        &["waited", "calm", "upset", "feelings", "angry", "frustrat"],
    ),
    (
        "PSED.MS",
        &[
            "coat",
            "toilet",
            "wash",
            "dressed",
            "tidied",
            "independent",
            "shoes",
        ],
    ),
    (
        "PSED.BR",
        &[
            "friend",
            "share",
            "shared",
            "turns",
            "together",
            "helped",
            "played with",
        ],
    ),
    (
        "PD.GM",
        &[
            "climb", "run", "jump", "balance", "ball", "bike", "hop", "crawl",
        ],
    ),
    (
        "PD.FM",
        &[
            "scissors",
            "pencil",
            "threading",
            "pincer",
            "spoon",
            "button",
            "grip",
            "cut",
        ],
    ),
    ("L.C", &["book", "rhyme", "retold", "retell", "characters"]),
    ("L.WR", &["read", "phonics", "sounds out", "letters"]),
    (
        "L.W",
        &["wrote", "write", "writing", "mark making", "name", "marks"],
    ),
    (
        "M.N",
        &[
            "count", "number", "how many", "more", "fewer", "one", "two", "three", "five",
        ],
    ),
    (
        "M.NP",
        &[
            "pattern", "shape", "sort", "bigger", "smaller", "longer", "heavier", "taller",
        ],
    ),
    (
        "UW.PP",
        &[
            "grandma",
            "grandad",
            "yesterday",
            "when i was",
            "family",
            "baby photos",
        ],
    ),
    (
        "UW.PCC",
        &[
            "festival",
            "diwali",
            "eid",
            "christmas",
            "culture",
            "community",
            "map",
        ],
    ),
    (
        "UW.NW",
        &[
            "plant", "seed", "bug", "insect", "leaf", "leaves", "weather", "garden", "worm",
            "snail",
        ],
    ),
    (
        "EAD.CM",
        &[
            "paint", "draw", "build", "built", "junk", "collage", "blocks", "clay", "model",
        ],
    ),
    (
        "EAD.BIE",
        &[
            "sang",
            "sing",
            "song",
            "dance",
            "pretend",
            "role play",
            "music",
            "story-telling",
        ],
    ),
];

/// The aspects the text suggests, most cues first, at most `limit`.
pub fn suggest(text: &str, limit: usize) -> Vec<&'static str> {
    let text = text.to_lowercase();
    let mut scored: Vec<(usize, &'static str)> = CUES
        .iter()
        .map(|(code, cues)| (cues.iter().filter(|c| text.contains(*c)).count(), *code))
        .filter(|(n, _)| *n > 0)
        .collect();
    // Stable: equal scores keep catalogue order.
    scored.sort_by_key(|s| std::cmp::Reverse(s.0));
    scored.into_iter().take(limit).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn seven_areas_three_prime_four_specific() {
        let c = current();
        assert_eq!(c.areas.len(), 7);
        let prime: Vec<_> = c
            .areas
            .iter()
            .filter(|a| a.kind == Kind::Prime)
            .map(|a| a.code)
            .collect();
        assert_eq!(prime, ["CL", "PSED", "PD"]);
        assert_eq!(
            c.areas.iter().filter(|a| a.kind == Kind::Specific).count(),
            4
        );
    }

    #[test]
    fn seventeen_early_learning_goals_with_unique_codes_under_their_area() {
        let c = current();
        assert_eq!(c.early_learning_goals().count(), 17);
        let codes: HashSet<_> = c.early_learning_goals().map(|a| a.code).collect();
        assert_eq!(codes.len(), 17);
        for area in c.areas {
            for aspect in area.aspects {
                assert!(aspect.code.starts_with(&format!("{}.", area.code)));
                assert_eq!(c.area_of(aspect.code), Some(area));
            }
        }
    }

    #[test]
    fn old_and_unknown_tags_still_read() {
        assert_eq!(describe(CURRENT, "M.N"), "Maths: Number");
        assert_eq!(describe("eyfs-2031", "M.X"), "M.X (eyfs-2031)");
        assert!(catalogue("eyfs-2031").is_none());
    }

    #[test]
    fn suggestions_come_from_what_was_written_and_name_real_aspects() {
        let got = suggest("Ava counted five ducks and said the number out loud", 3);
        assert_eq!(got[0], "M.N");
        assert!(got.contains(&"CL.S"));
        assert!(suggest("", 3).is_empty());
        for (code, _) in CUES {
            assert!(current().aspect(code).is_some(), "{code}");
        }
        assert!(suggest("paint draw build climb run jump count", 2).len() == 2);
    }

    #[test]
    fn bands_and_characteristics_round_trip() {
        for band in AgeBand::ALL {
            assert_eq!(AgeBand::parse(band.as_str()), Some(band));
        }
        assert_eq!(Characteristic::ALL.len(), 3);
    }
}
