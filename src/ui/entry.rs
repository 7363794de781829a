//! Where a visit starts: the home for a first-time visitor, the place a returning one left,
//! or whatever the URL asks for. Also what the home offers (the lesson count, lesson 1).
//!
//! Contract: pure functions of the URL's query and fragment and of what this browser
//! remembered (`Place::encode`'s string, or nothing). A URL that asks for anything (any
//! fragment: a share link, a lesson, the lessons page, a speed) or an embed (`?embed=1`)
//! never shows the home and never has its place replaced. A remembered place is only ever
//! the free lab, the lessons page or a built-in lesson at a step; a remembered string that
//! is not one of those reads as the free lab, so a tampered store cannot inject a fragment.

use crate::lab::course::Params;
use crate::lesson::index;
use crate::ui::i18n::Lang;
use crate::ui::lesson_view::lesson_fragment;

/// A place in the lab worth coming back to (the run itself is not kept: a share link is).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    Lab,
    Lessons,
    /// A built-in lesson by id, at a 0-based step.
    Lesson {
        id: String,
        step: usize,
    },
}

impl Place {
    /// The stored form: the URL fragment's own grammar (`lessons`, `lesson=<id>&step=<n>`),
    /// and `lab` for the free lab.
    pub fn encode(&self) -> String {
        match self {
            Place::Lab => "lab".into(),
            Place::Lessons => "lessons".into(),
            Place::Lesson { id, step } => lesson_fragment(id, None, *step),
        }
    }

    /// The place a stored string names, or `None` when it names none.
    pub fn decode(s: &str) -> Option<Place> {
        match s {
            "lab" => return Some(Place::Lab),
            "lessons" => return Some(Place::Lessons),
            _ => {}
        }
        let p = Params::read("", s);
        let id = p.lesson.filter(|id| is_lesson_id(id))?;
        Some(Place::Lesson { id, step: p.step })
    }

    /// The fragment that opens this place (`None`: the bare URL is the free lab).
    pub fn fragment(&self) -> Option<String> {
        match self {
            Place::Lab => None,
            _ => Some(self.encode()),
        }
    }
}

/// Built-in lesson ids are lowercase words joined by hyphens; nothing else is restored.
fn is_lesson_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// How a visit begins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A first visit to the bare URL: the home.
    Home,
    /// A returning visitor at the bare URL: straight back to where they were.
    Resume(Place),
    /// The URL asks for something (or the lab is embedded): as it always did.
    AsLinked,
}

/// The decision. `stored` is what `Place::encode` last wrote on this browser, if anything:
/// having been somewhere is what makes a visitor a returning one.
pub fn entry(search: &str, fragment: &str, stored: Option<&str>) -> Entry {
    let asked = !fragment.trim_start_matches('#').is_empty();
    if asked || Params::read(search, fragment).embed {
        return Entry::AsLinked;
    }
    match stored {
        None => Entry::Home,
        Some(s) => Entry::Resume(Place::decode(s).unwrap_or(Place::Lab)),
    }
}

/// Whether a page should remember its place: never an embedded one (a course's iframe is
/// not where the visitor was), never while the home is showing.
pub fn remembers(embed: bool, home: bool) -> bool {
    !embed && !home
}

/// The lessons' language for a UI language (lesson files use `en` and `zh`).
pub fn lesson_language(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::ZhCn => "zh",
    }
}

/// How many built-in lessons there are in `lang` (in English if it has none).
pub fn lesson_count(lang: Lang) -> usize {
    let want = lesson_language(lang);
    let all = index::index();
    let n = all.iter().filter(|e| e.language == want).count();
    if n > 0 {
        n
    } else {
        all.iter().filter(|e| e.language == "en").count()
    }
}

/// The first lesson of the course (lowest number), its id.
pub fn first_lesson() -> Option<&'static str> {
    index::index().first().map(|e| e.id)
}

/// The home's third door, "Browse the N lessons".
pub fn browse_label(lang: Lang, n: usize) -> String {
    match lang {
        Lang::En => format!("Browse the {n} lessons"),
        Lang::ZhCn => format!("浏览全部 {n} 节课程"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_first_visit_shows_the_home() {
        assert_eq!(entry("", "", None), Entry::Home);
        assert_eq!(entry("", "#", None), Entry::Home, "an empty fragment asks for nothing");
    }

    #[test]
    fn any_fragment_or_an_embed_skips_the_home() {
        for frag in ["#speed=1", "#run=AQ", "#lessons", "#lesson=leader-dies&step=2", "#lesson-url=x.md"] {
            assert_eq!(entry("", frag, None), Entry::AsLinked, "{frag}");
            assert_eq!(entry("", frag, Some("lessons")), Entry::AsLinked, "{frag}: the link wins over the memory");
        }
        assert_eq!(entry("?embed=1", "", None), Entry::AsLinked);
        assert_eq!(entry("?embed=true&origins=https%3A%2F%2Fa.example", "", Some("lab")), Entry::AsLinked);
        assert_eq!(entry("?embed=0", "", None), Entry::Home, "embed=0 is not an embed");
    }

    #[test]
    fn a_returning_visitor_goes_back_where_they_were() {
        assert_eq!(entry("", "", Some("lab")), Entry::Resume(Place::Lab));
        assert_eq!(entry("", "", Some("lessons")), Entry::Resume(Place::Lessons));
        let at = Place::Lesson { id: "leader-dies".into(), step: 3 };
        assert_eq!(entry("", "", Some(&at.encode())), Entry::Resume(at));
        assert_eq!(entry("", "", Some("garbage")), Entry::Resume(Place::Lab), "unreadable memory: the free lab");
    }

    #[test]
    fn places_round_trip_through_the_fragment_grammar() {
        let at = Place::Lesson { id: "cluster-born".into(), step: 0 };
        assert_eq!(at.encode(), "lesson=cluster-born&step=1");
        assert_eq!(at.fragment().as_deref(), Some("lesson=cluster-born&step=1"));
        assert_eq!(Place::Lessons.fragment().as_deref(), Some("lessons"));
        assert_eq!(Place::Lab.fragment(), None, "the bare URL is the free lab");
        for p in [Place::Lab, Place::Lessons, at] {
            assert_eq!(Place::decode(&p.encode()), Some(p));
        }
    }

    #[test]
    fn a_tampered_memory_restores_nothing_strange() {
        assert_eq!(Place::decode("lesson=%3Cimg%20src%3Dx%3E&step=1"), None);
        assert_eq!(Place::decode("lesson=a%26run%3DAQ"), None, "no fragment smuggled in an id");
        assert_eq!(Place::decode("run=AQ"), None);
        assert_eq!(Place::decode(""), None);
    }

    #[test]
    fn embedded_pages_and_the_home_remember_no_place() {
        assert!(remembers(false, false));
        assert!(!remembers(true, false));
        assert!(!remembers(false, true));
    }

    #[test]
    fn the_home_counts_the_lessons_it_ships() {
        let files = |dir: &str| {
            std::fs::read_dir(dir)
                .expect("lessons dir")
                .filter(|e| e.as_ref().is_ok_and(|e| e.path().extension().is_some_and(|x| x == "md")))
                .count()
        };
        assert_eq!(lesson_count(Lang::En), files("lessons/en"));
        assert_eq!(lesson_count(Lang::ZhCn), files("lessons/zh"));
        assert!(lesson_count(Lang::En) > 1);
        assert_eq!(browse_label(Lang::En, 24), "Browse the 24 lessons");
        assert_eq!(browse_label(Lang::ZhCn, 24), "浏览全部 24 节课程");
    }

    #[test]
    fn lesson_one_is_the_lowest_numbered() {
        let first = first_lesson().expect("a lesson");
        let e = index::find(first, "en").expect("in the index");
        assert_eq!(e.number, 1);
        assert!(e.path.contains("01-"), "{}", e.path);
    }
}
