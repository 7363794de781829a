//! The UI's own state: what the learner is looking at and typing, none of it part of the
//! run. Selection, the message being inspected, the open overlays, the language, a drag
//! under way and the prompt.
//!
//! Contract: plain data changed only by `UiAction`s through `apply`, which says `None` when
//! nothing changed (the web side then keeps its `Rc` and Yew skips the render). The
//! prompt's keys go through `ui::prompt`. Tested natively; `web::state` makes it Yew's
//! `Reducible`.

use crate::engine::NodeId;
use crate::ui::i18n::Lang;
use crate::ui::prompt::{complete, PromptHistory};
use crate::ui::suggest::{suggestions, SuggestState, Suggestion};

#[derive(Clone, Debug, PartialEq)]
pub struct UiState {
    pub lang: Lang,
    pub selected: Option<NodeId>,
    pub inspect: Option<u64>,
    pub help: bool,
    /// The tour, at this step (`ui::tour`), while it is open.
    pub tour: Option<usize>,
    /// The history panel is open (its toggle, or a `history` line run by anyone).
    pub show_history: bool,
    /// A node picked up to drag it to another side, and the pointer in the picture's
    /// coordinates once it moved.
    pub drag: Option<NodeId>,
    pub pointer: Option<(f64, f64)>,
    /// The prompt: what is typed, the lines typed before, and the endpoint selector.
    pub input: String,
    pub prompt: PromptHistory,
    pub endpoint: NodeId,
    /// The completions listed under the prompt: the one reached, or closed.
    pub suggest: SuggestState,
}

impl UiState {
    pub fn new(lang: Lang) -> UiState {
        UiState {
            lang,
            selected: None,
            inspect: None,
            help: false,
            tour: None,
            show_history: false,
            drag: None,
            pointer: None,
            input: String::new(),
            prompt: PromptHistory::default(),
            endpoint: 1,
            suggest: SuggestState::default(),
        }
    }

    /// The completions listed under the prompt now: none once closed.
    pub fn suggestions(&self) -> Vec<Suggestion> {
        if self.suggest.closed {
            Vec::new()
        } else {
            suggestions(&self.input)
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum UiAction {
    Select(Option<NodeId>),
    Inspect(Option<u64>),
    ToggleHelp,
    /// The tour at a step, or closed; opening it closes the help it may be opened from.
    Tour(Option<usize>),
    ToggleHistory,
    OpenHistory,
    ToggleLang,
    /// Close the overlays and forget the selection.
    Escape,
    /// A new lab: its nodes and messages are not the ones that were selected.
    Forget,
    DragStart(NodeId),
    DragMove(f64, f64),
    /// The drag is over (dropped, or the pointer left the picture).
    DragEnd,
    Input(String),
    /// The prompt's line was run: recalled by arrow up from now on.
    Ran(String),
    HistoryUp,
    HistoryDown,
    Complete,
    Endpoint(NodeId),
    /// Arrow down (`true`) or up in the open completion list.
    SuggestMove(bool),
    /// Escape in the prompt: the completion list closes until the next key typed.
    SuggestClose,
    /// A completion picked (clicked, or Enter or Tab on the one reached), or an example
    /// clicked: the prompt holds this line, not yet run.
    Pick(String),
}

impl UiState {
    /// The state after `action`, or `None` when it changes nothing.
    pub fn apply(&self, action: UiAction) -> Option<UiState> {
        let mut s = self.clone();
        match action {
            UiAction::Select(id) => s.selected = id,
            UiAction::Inspect(id) => s.inspect = id,
            UiAction::ToggleHelp => s.help = !s.help,
            UiAction::Tour(step) => {
                s.tour = step;
                if step.is_some() {
                    s.help = false;
                }
            }
            UiAction::ToggleHistory => s.show_history = !s.show_history,
            UiAction::OpenHistory => s.show_history = true,
            UiAction::ToggleLang => s.lang = if s.lang == Lang::En { Lang::ZhCn } else { Lang::En },
            UiAction::Escape => {
                s.help = false;
                s.tour = None;
                s.inspect = None;
                s.selected = None;
            }
            UiAction::Forget => {
                s.selected = None;
                s.inspect = None;
            }
            UiAction::DragStart(id) => {
                s.drag = Some(id);
                s.pointer = None;
            }
            UiAction::DragMove(x, y) => {
                // Only while a node is held.
                s.drag?;
                s.pointer = Some((x, y));
            }
            UiAction::DragEnd => {
                s.drag = None;
                s.pointer = None;
            }
            UiAction::Input(text) | UiAction::Pick(text) => {
                s.input = text;
                s.suggest = SuggestState::default();
            }
            UiAction::Ran(line) => {
                s.prompt.push(&line);
                s.input.clear();
                s.suggest = SuggestState::default();
            }
            // A recalled line is not being typed: its completions would take the arrows.
            UiAction::HistoryUp => match s.prompt.up() {
                Some(line) => {
                    s.input = line.to_string();
                    s.suggest = SuggestState { active: None, closed: true };
                }
                None => return None,
            },
            UiAction::HistoryDown => {
                s.input = s.prompt.down().to_string();
                s.suggest = SuggestState { active: None, closed: true };
            }
            UiAction::Complete => {
                let reached = s.suggest.active.and_then(|i| s.suggestions().into_iter().nth(i));
                match reached.map(|r| r.line).or_else(|| complete(&s.input)) {
                    Some(done) => {
                        s.input = done;
                        s.suggest = SuggestState::default();
                    }
                    None => return None,
                }
            }
            UiAction::Endpoint(id) => s.endpoint = id,
            UiAction::SuggestMove(forward) => s.suggest = s.suggest.moved(s.suggestions().len(), forward),
            UiAction::SuggestClose => s.suggest = SuggestState { active: None, closed: true },
        }
        (s != *self).then_some(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &UiState, actions: impl IntoIterator<Item = UiAction>) -> UiState {
        actions.into_iter().fold(s.clone(), |s, a| s.apply(a).unwrap_or(s))
    }

    #[test]
    fn escape_closes_the_overlays_and_forgets_the_selection() {
        let s =
            run(&UiState::new(Lang::En), [UiAction::Select(Some(2)), UiAction::Inspect(Some(7)), UiAction::ToggleHelp]);
        assert_eq!((s.selected, s.inspect, s.help), (Some(2), Some(7), true));
        let s = run(&s, [UiAction::Escape]);
        assert_eq!((s.selected, s.inspect, s.help), (None, None, false));
        assert_eq!(s.apply(UiAction::Escape), None, "nothing left to close");
    }

    #[test]
    fn the_tour_opens_from_the_help_and_escape_closes_it() {
        let s = run(&UiState::new(Lang::En), [UiAction::ToggleHelp, UiAction::Tour(Some(0))]);
        assert_eq!((s.help, s.tour), (false, Some(0)), "the help gives way to the tour");
        let s = run(&s, [UiAction::Tour(Some(2))]);
        assert_eq!(s.tour, Some(2));
        assert_eq!(run(&s, [UiAction::Escape]).tour, None);
        assert_eq!(run(&s, [UiAction::Tour(None)]).tour, None);
    }

    #[test]
    fn a_new_lab_forgets_what_was_picked_but_not_the_panels() {
        let s = run(&UiState::new(Lang::En), [UiAction::Select(Some(1)), UiAction::OpenHistory, UiAction::Forget]);
        assert_eq!((s.selected, s.show_history), (None, true));
    }

    #[test]
    fn a_drag_moves_only_while_a_node_is_held() {
        let s = UiState::new(Lang::En);
        assert_eq!(s.apply(UiAction::DragMove(1.0, 2.0)), None);
        let s = run(&s, [UiAction::DragStart(3), UiAction::DragMove(1.0, 2.0)]);
        assert_eq!((s.drag, s.pointer), (Some(3), Some((1.0, 2.0))));
        let s = run(&s, [UiAction::DragEnd]);
        assert_eq!((s.drag, s.pointer), (None, None));
    }

    #[test]
    fn the_prompt_recalls_completes_and_clears() {
        let s = run(&UiState::new(Lang::En), [UiAction::Input("put a 1".into()), UiAction::Ran("put a 1".into())]);
        assert_eq!(s.input, "");
        let s = run(&s, [UiAction::HistoryUp]);
        assert_eq!(s.input, "put a 1");
        let s = run(&s, [UiAction::HistoryDown]);
        assert_eq!(s.input, "");
        let s = run(&s, [UiAction::Input("pu".into()), UiAction::Complete]);
        assert_eq!(s.input, "put ");
        let blank = UiState::new(Lang::En);
        assert_eq!(blank.apply(UiAction::HistoryUp), None, "nothing typed yet");
    }

    #[test]
    fn the_completion_list_is_walked_picked_and_closed() {
        let s = run(&UiState::new(Lang::En), [UiAction::Input("get x --pr".into())]);
        let words: Vec<String> = s.suggestions().into_iter().map(|s| s.word).collect();
        assert_eq!(words, ["--prefix", "--print-value-only"]);
        let s = run(&s, [UiAction::SuggestMove(true), UiAction::SuggestMove(true)]);
        assert_eq!(s.suggest.active, Some(1));
        let s = run(&s, [UiAction::Complete]);
        assert_eq!(s.input, "get x --print-value-only ");
        assert_eq!(s.suggest, SuggestState::default());
        let s = run(&s, [UiAction::Input("get x --p".into()), UiAction::SuggestClose]);
        assert_eq!(s.suggestions(), []);
        assert_eq!(run(&s, [UiAction::Input("get x --pr".into())]).suggestions().len(), 2, "typing reopens it");
        let s = run(&s, [UiAction::Pick("put greeting hello".into())]);
        assert_eq!((s.input.as_str(), s.prompt.is_empty()), ("put greeting hello", true), "picked, not run");
    }

    #[test]
    fn a_recalled_line_keeps_the_arrows_for_the_history() {
        let s = run(&UiState::new(Lang::En), [UiAction::Ran("get x --p".into()), UiAction::Ran("put a 1".into())]);
        let s = run(&s, [UiAction::HistoryUp, UiAction::HistoryUp]);
        assert_eq!(s.input, "get x --p");
        assert_eq!(s.suggestions(), [], "its completions stay closed");
        assert_eq!(run(&s, [UiAction::HistoryDown]).input, "put a 1");
    }

    #[test]
    fn the_language_toggles_between_the_two() {
        let s = run(&UiState::new(Lang::En), [UiAction::ToggleLang]);
        assert_eq!(s.lang, Lang::ZhCn);
        assert_eq!(run(&s, [UiAction::ToggleLang]).lang, Lang::En);
    }
}
