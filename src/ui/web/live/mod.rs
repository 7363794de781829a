//! Live mode: the page `raftlab live` opens (`#live=1&token=…`), drawing a real etcd 3.4
//! cluster instead of the simulated one.
//!
//! Contract: the page holds no cluster of its own. `LiveApp` folds the bridge's events into
//! `ui::live_state::LivePage` (one reducer) and draws it; every button, drag and console
//! line becomes one `LiveRequest` (`bridge`), whose reply lands in the console. The lab's
//! own panels that take only a view and callbacks (`NetworkBar`, `Picture`, `NodeMenu`,
//! `Stores`, and `TimeControls`, which reads no lab when there is none) are reused as they
//! are; the time controls are drawn disabled, with one line saying why, since a real
//! cluster cannot be stepped or rewound. What the lab's panels read from the model has live
//! counterparts here as plain view functions: `console`, `lesson`, `members`, `history`. When the
//! stream drops or the bridge says goodbye, the picture goes and the page says so.
//! Architecture invariant: nothing here runs the engine; a plain page load never reaches
//! this module (`web::start` picks it only for a live fragment).

mod bridge;
mod console;
mod history;
mod lesson;
mod members;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use yew::prelude::*;

use crate::engine::{ClusterView, NodeId};
use crate::lab::live::{LiveEvent, LiveRequest, LiveState};
use crate::ui::drag::drop_command;
use crate::ui::i18n::{t, Lang, Text};
use crate::ui::live_state::{Link, LiveMsg, LivePage, Shown};

use super::dom;
use super::hooks::{use_interval, use_latest};
use super::icons::{icon, Icon};
use super::network_bar::NetworkBar;
use super::node_menu::NodeMenu;
use super::picture::Picture;
use super::stores::Stores;
use super::time_controls::TimeControls;

use bridge::Heard;

/// How often the page checks that the bridge still speaks, and how long a silence (the
/// bridge sends ten states a second) makes the picture "behind".
const STALE_CHECK_MS: u32 = 1000;
const STALE_AFTER_MS: f64 = 3000.0;

#[derive(Properties, PartialEq)]
pub struct LiveAppProps {
    /// The run's token, from the page's fragment.
    pub token: String,
}

#[derive(Clone, PartialEq)]
struct Page(LivePage);

impl Reducible for Page {
    type Action = LiveMsg;
    fn reduce(self: Rc<Self>, msg: LiveMsg) -> Rc<Self> {
        let mut p = Rc::unwrap_or_clone(self).0;
        p.apply(msg);
        Rc::new(Page(p))
    }
}

/// Where the page's requests go; made once, so the panels that get them redraw only when
/// their view changed.
#[derive(Clone)]
struct Calls {
    /// Lines run one after another (a drag or the drop slider can make several).
    lines: Callback<Vec<String>>,
    select: Callback<Option<NodeId>>,
    lesson: Callback<String>,
    cancel: Callback<()>,
}

impl Calls {
    fn new(token: String, page: UseReducerDispatcher<Page>) -> Calls {
        let next_id = Rc::new(Cell::new(0u64));
        let ask = {
            let (token, page) = (token.clone(), page.clone());
            move |shown: String, req: LiveRequest| {
                let (token, page, next_id) = (token.clone(), page.clone(), next_id.clone());
                async move {
                    let id = next_id.get();
                    next_id.set(id + 1);
                    page.dispatch(LiveMsg::Asked { id, line: shown });
                    let reply = bridge::request(&token, &req).await;
                    page.dispatch(LiveMsg::Replied { id, reply });
                }
            }
        };
        let lines = {
            let ask = ask.clone();
            Callback::from(move |lines: Vec<String>| {
                let ask = ask.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    for line in lines {
                        ask(line.clone(), LiveRequest::Line { line }).await;
                    }
                });
            })
        };
        let select = {
            let (token, page) = (token.clone(), page.clone());
            Callback::from(move |node: Option<NodeId>| {
                page.dispatch(LiveMsg::Select(node));
                let Some(node) = node else { return };
                let (token, page) = (token.clone(), page.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let reply = bridge::request(&token, &LiveRequest::Select { node }).await;
                    // Only a refusal is news: the keys themselves come with the next state.
                    if !reply.ok {
                        page.dispatch(LiveMsg::Heard(Box::new(LiveEvent::Stream { text: reply.output })));
                    }
                });
            })
        };
        let lesson = {
            let (token, page) = (token.clone(), page.clone());
            Callback::from(move |path: String| {
                let (token, page) = (token.clone(), page.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let reply = bridge::request(&token, &LiveRequest::Lesson { path }).await;
                    if !reply.ok {
                        page.dispatch(LiveMsg::LessonRefused(reply.output));
                    }
                });
            })
        };
        let cancel = Callback::from(move |()| wasm_bindgen_futures::spawn_local(ask("^C".into(), LiveRequest::Cancel)));
        Calls { lines, select, lesson, cancel }
    }
}

#[component]
pub fn LiveApp(p: &LiveAppProps) -> Html {
    let page = use_reducer(|| Page(LivePage::default()));
    let lang = use_state(dom::saved_lang);
    let calls = (*use_memo(p.token.clone(), {
        let dispatch = page.dispatcher();
        move |token: &String| Calls::new(token.clone(), dispatch)
    }))
    .clone();
    // When the last event came (the page's clock): an open stream that stays silent (the
    // bridge stuck, or waiting for the machine's one real-etcd lock) is said to be behind.
    let last_news = use_mut_ref(|| dom::now_ms().unwrap_or(0.0));
    let stale = use_state_eq(|| false);
    use_interval(Some(0), STALE_CHECK_MS, {
        let (last_news, stale) = (last_news.clone(), stale.clone());
        Callback::from(move |()| {
            let now = dom::now_ms().unwrap_or(0.0);
            stale.set(now - *last_news.borrow() > STALE_AFTER_MS);
        })
    });
    {
        let (dispatch, last_news) = (page.dispatcher(), last_news.clone());
        use_effect_with(p.token.clone(), move |token| {
            let on = Callback::from(move |h: Heard| {
                if let Some(now) = dom::now_ms() {
                    *last_news.borrow_mut() = now;
                }
                dispatch.dispatch(match h {
                    Heard::Event(e) => LiveMsg::Heard(e),
                    Heard::Dropped => LiveMsg::Dropped,
                })
            });
            let stream = bridge::listen(token, on);
            move || drop(stream)
        });
    }
    use_effect_with(*lang, |lang| {
        if let Some(el) = dom::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = el.set_attribute("lang", lang.tag());
        }
    });
    use_effect_with(page.0.console.clone(), |_| console::scroll_to_end());

    // A drag lives only while the pointer is down: kept out of the reducer, read by the
    // drop through the latest view.
    let drag: DragCell = use_mut_ref(|| (None, None));
    let redraw = use_force_update();
    let view_now = use_latest(page.0.shown.as_ref().map(|s| s.view.clone()));
    let picture_calls = use_memo((), {
        let (drag, redraw, view_now, lines) = (drag.clone(), redraw.clone(), view_now.clone(), calls.lines.clone());
        move |_| PictureCalls::new(drag, redraw, view_now, lines)
    });

    let input = use_node_ref();
    let select = use_node_ref();
    let recall_at = (*use_memo((), |_| Rc::new(Cell::new(None::<usize>)))).clone();
    let chosen = use_state(|| None::<String>);
    let on_choose = {
        let chosen = chosen.clone();
        Callback::from(move |path: String| chosen.set(Some(path)))
    };
    let toggle_lang = {
        let lang = lang.clone();
        Callback::from(move |_: MouseEvent| {
            let next = if *lang == Lang::En { Lang::ZhCn } else { Lang::En };
            dom::save_lang(next);
            lang.set(next);
        })
    };

    let pg = &page.0;
    let lang = *lang;
    let blocked = pg.busy().is_some() || pg.gone();
    let shown = pg.shown.as_deref();
    let members = shown.map_or(0, |s| s.state.members.len());
    let link = match pg.link {
        Link::Connecting => "connecting",
        Link::Up => "up",
        Link::Dropped => "dropped",
        Link::Bye(_) => "bye",
    };
    let badge = match &pg.hello {
        Some(h) => format!("{} {}", t(lang, Text::LiveBadge), h.etcd_version),
        None => format!("{} etcd", t(lang, Text::LiveBadge)),
    };
    let notice = match &pg.link {
        Link::Connecting => Some(("live-connecting", t(lang, Text::LiveConnecting).to_string())),
        Link::Dropped => Some(("live-gone", t(lang, Text::LiveDropped).to_string())),
        Link::Bye(why) => Some(("live-gone", format!("{} {why}", t(lang, Text::LiveBye)))),
        Link::Up => None,
    };
    let pc = &*picture_calls;
    let (drag_node, pointer) = *drag.borrow();
    html! {
        <div class="lab live" data-leader={pg.leader()} data-term={pg.term().to_string()}
             data-seq={shown.map_or(0, |s| s.state.seq).to_string()} data-members={members.to_string()} data-link={link}
             data-stale={(*stale && pg.link == Link::Up).to_string()}>
            <div class="stage">
                <header class="topbar">
                    <h1>{ t(lang, Text::Title) }</h1>
                    <span id="live-badge" class="live-badge">{ badge }</span>
                    if let Some(h) = &pg.hello {
                        <span class="live-isolation">{ format!("{} {}", t(lang, Text::LiveIsolation), h.isolation) }</span>
                    }
                    <nav class="tools" aria-label={t(lang, Text::Title)}>
                        <button id="lang" lang={if lang == Lang::En { "zh-CN" } else { "en" }} onclick={toggle_lang}>
                            { icon(Icon::Globe) }{ t(lang, Text::Language) }
                        </button>
                    </nav>
                </header>
                if let Some((id, text)) = notice {
                    <p class="notice live-link" {id} role={if id == "live-gone" { "alert" } else { "status" }}>{ text }</p>
                }
                if *stale && pg.link == Link::Up {
                    <p class="notice" id="live-stale" role="status">{ t(lang, Text::LiveStale) }</p>
                }
                if let Some(busy) = pg.busy() {
                    <p class="notice" id="live-busy" role="status">{ format!("{} {busy}", t(lang, Text::LiveBusy)) }</p>
                }
                <main>
                    <section class="picture">
                        if let Some(s) = shown {
                            // Latency and drop rate are the lab's knobs: real veth pairs have neither.
                            <fieldset class="live-network" disabled={true} aria-describedby="live-unseen">
                                <NetworkBar view={s.view.clone()} {lang} on_line={pc.line.clone()} on_drop_all={pc.drop_all.clone()} />
                            </fieldset>
                            // Messages (when the bridge sees any) sit at mid-link: the view
                            // comes ten times a second, and between states nothing moves them.
                            <Picture view={s.view.clone()} {lang} selected={pg.selected} inspect={None::<u64>}
                                drag={drag_node} {pointer} reduced_motion={true}
                                on_line={pc.line.clone()} on_select={calls.select.clone()} on_inspect={Callback::noop()}
                                on_drag_start={pc.drag_start.clone()} on_drag_move={pc.drag_move.clone()} on_drag_end={pc.drag_end.clone()} />
                            <fieldset class="live-time" disabled={true} aria-describedby="live-unseen">
                                <TimeControls view={s.view.clone()} {lang} playing={false} speed_log={0.0}
                                    end_ms={s.state.elapsed_ms.max(s.view.now_ms)}
                                    on_toggle_play={Callback::noop()} on_step={Callback::noop()}
                                    on_step_back={Callback::noop()} on_speed={Callback::noop()} on_seek={Callback::noop()} />
                            </fieldset>
                        } else {
                            <div class="live-empty"></div>
                        }
                        { unseen(lang, pg) }
                        if let Some(s) = shown { { status(lang, pg, &s.state) } }
                    </section>
                    <section class="side">
                        if let Some(s) = shown {
                            <NodeMenu view={s.view.clone()} {lang} selected={pg.selected} on_line={pc.line.clone()} />
                        }
                        { lesson::lesson_panel(lesson::LessonArgs { lang, progress: pg.lesson.as_deref(), blocked, select,
                            chosen: (*chosen).clone(), on_choose, on_play: calls.lesson.clone() }) }
                        { console::console(console::ConsoleArgs { lang, log: pg.console.clone(), blocked, input, recall_at,
                            on_line: pc.line.clone(), on_cancel: calls.cancel.clone() }) }
                    </section>
                </main>
            </div>
            if let Some(s) = shown {
                <section class="lower">
                    { members::members_panel(lang, &s.state) }
                    { keys(lang, s) }
                    if let Some(h) = &pg.history { { history::history_panel(lang, h, s.state.elapsed_ms) } }
                </section>
            }
        </div>
    }
}

/// Why the time controls are greyed, and the lab words the bridge said it refuses.
fn unseen(lang: Lang, pg: &LivePage) -> Html {
    let tapped = pg.hello.as_ref().is_some_and(|h| h.messages);
    let refused = pg.hello.as_ref().map(|h| &h.unseen).filter(|u| !u.is_empty()).map(|u| {
        let rows = u.iter().map(|(word, why)| html! { <li><code>{ word.clone() }</code>{ format!(": {why}") }</li> });
        html! {
            <details class="live-refused" id="live-refused">
                <summary>{ t(lang, Text::LiveRefused) }</summary>
                <ul>{ for rows }</ul>
            </details>
        }
    });
    html! {
        <>
            <p class="live-unseen" id="live-unseen">{ t(lang, if tapped { Text::LiveUnseenTapped } else { Text::LiveUnseen }) }</p>
            { for refused }
        </>
    }
}

fn status(lang: Lang, pg: &LivePage, s: &LiveState) -> Html {
    let secs = s.elapsed_ms as f64 / 1000.0;
    html! {
        <p class="status" id="live-status">
            { format!("{} {} · {} {} · {} {secs:.1} s · #{}", t(lang, Text::Leader), pg.leader(), t(lang, Text::Term),
                pg.term(), t(lang, Text::LiveRealTime), s.seq) }
        </p>
    }
}

/// The store panel with only the member whose keys the bridge read.
fn keys(lang: Lang, s: &Shown) -> Html {
    let note = if s.keys.nodes.is_empty() { Text::LivePickMember } else { Text::LiveKeysOf };
    html! {
        <div class="live-keys" data-keys-of={s.state.keys_of.to_string()}>
            <Stores view={s.keys.clone()} {lang} />
            <p class="muted live-note">{ t(lang, note) }</p>
        </div>
    }
}

/// The picture's and the network bar's callbacks, made once: a drag is followed in a cell
/// and its drop becomes the lab's lines for it (`ui::drag`), run on the real cluster.
struct PictureCalls {
    line: Callback<String>,
    drop_all: Callback<u32>,
    drag_start: Callback<NodeId>,
    drag_move: Callback<(f64, f64)>,
    drag_end: Callback<()>,
}

type DragCell = Rc<RefCell<(Option<NodeId>, Option<(f64, f64)>)>>;

impl PictureCalls {
    fn new(
        drag: DragCell,
        redraw: UseForceUpdateHandle,
        view: Rc<RefCell<Option<Rc<ClusterView>>>>,
        lines: Callback<Vec<String>>,
    ) -> PictureCalls {
        let drop_all = {
            let (view, lines) = (view.clone(), lines.clone());
            Callback::from(move |pct: u32| {
                let Some(v) = view.borrow().clone() else { return };
                let ids: Vec<NodeId> = v.nodes.iter().map(|n| n.id).collect();
                let all = ids.iter().flat_map(|a| ids.iter().filter(move |b| *b != a).map(move |b| (*a, *b)));
                lines.emit(all.map(|(a, b)| format!("drop n{a}->n{b} {pct}%")).collect());
            })
        };
        let drag_start = {
            let (drag, redraw) = (drag.clone(), redraw.clone());
            Callback::from(move |id: NodeId| {
                *drag.borrow_mut() = (Some(id), None);
                redraw.force_update();
            })
        };
        let drag_move = {
            let (drag, redraw) = (drag.clone(), redraw.clone());
            Callback::from(move |at: (f64, f64)| {
                drag.borrow_mut().1 = Some(at);
                redraw.force_update();
            })
        };
        let drag_end = {
            let lines = lines.clone();
            Callback::from(move |()| {
                let held = std::mem::take(&mut *drag.borrow_mut());
                if held.0.is_none() {
                    return;
                }
                redraw.force_update();
                let (Some(node), Some(at)) = held else { return };
                let Some(v) = view.borrow().clone() else { return };
                if let Some(cmds) = drop_command(&v, node, at) {
                    lines.emit(cmds);
                }
            })
        };
        PictureCalls { line: lines.reform(|l: String| vec![l]), drop_all, drag_start, drag_move, drag_end }
    }
}
