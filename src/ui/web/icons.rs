//! The UI's icons: small inline SVGs drawn with `currentColor`, so they follow the theme and
//! the button's state, and need no font (a glyph such as ⏸ renders as an emoji, or as a box,
//! depending on the machine's fonts).
//!
//! Contract: an icon is decoration beside a word, never instead of it: every one is
//! `aria-hidden`, and the button's text stays its accessible name.

use yew::prelude::*;

/// The icons the toolbar uses, each a 16×16 path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Icon {
    Play,
    Pause,
    StepBack,
    Message,
    Tick,
    Next,
    Book,
    History,
    Share,
    Globe,
    Network,
}

impl Icon {
    fn path(self) -> &'static str {
        match self {
            Icon::Play => "M4 2.5v11l9-5.5z",
            Icon::Pause => "M3.5 2.5h3v11h-3zM9.5 2.5h3v11h-3z",
            Icon::StepBack => "M3 2.5h2v11H3zM13 2.5v11L6 8z",
            Icon::Message => "M1.5 3.5h13v9h-13zM1.5 3.5 8 9l6.5-5.5",
            Icon::Tick => "M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM8 4v4.5l3 2",
            Icon::Next => "M3 2.5v11L10 8zM11 2.5h2v11h-2z",
            Icon::Book => "M2 2.5h4.5A1.5 1.5 0 0 1 8 4v10a1.5 1.5 0 0 0-1.5-1.5H2zM14 2.5H9.5A1.5 1.5 0 0 0 8 4v10a1.5 1.5 0 0 1 1.5-1.5H14z",
            Icon::History => "M2 4h12M2 8h8M2 12h10",
            Icon::Share => "M12 1.5a2 2 0 1 0 0 4 2 2 0 0 0 0-4zM4 6a2 2 0 1 0 0 4 2 2 0 0 0 0-4zM12 10.5a2 2 0 1 0 0 4 2 2 0 0 0 0-4zM5.8 7l4.4-2.3M5.8 9l4.4 2.3",
            Icon::Globe => "M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM1.5 8h13M8 1.5c-2.2 2.4-2.2 10.6 0 13M8 1.5c2.2 2.4 2.2 10.6 0 13",
            Icon::Network => "M8 2a2 2 0 1 0 0 .01zM3 12a2 2 0 1 0 0 .01zM13 12a2 2 0 1 0 0 .01zM7 3.8 4 10.2M9 3.8l3 6.4M5 13h6",
        }
    }

    /// Filled shapes (play, pause, step) rather than outlines.
    fn filled(self) -> bool {
        matches!(self, Icon::Play | Icon::Pause | Icon::StepBack | Icon::Next)
    }
}

/// The icon as inline SVG, hidden from assistive technology.
pub fn icon(i: Icon) -> Html {
    let class = classes!("icon", i.filled().then_some("filled"));
    html! {
        <svg {class} viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
            <path d={i.path()} />
        </svg>
    }
}
