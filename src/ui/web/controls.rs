//! The controls around the picture: time (play, speed, steps, the scrubber with its marks,
//! latency and drop sliders), the node menu with its links' faults, the message inspector,
//! settings and the shortcut overlay.
//!
//! Contract: each function draws from the app's state and the current `ClusterView` and
//! only sends messages; none of them touches the engine directly.

use web_sys::HtmlInputElement;
use yew::html::Scope;
use yew::prelude::*;

use crate::engine::{ClusterConfig, ClusterView, NodeId, Role};
use crate::lab::StepKind;
use crate::ui::i18n::{t, Text};

use super::app::{role_style, App, Msg};

pub(super) fn target_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

pub fn time_controls(app: &App, link: &Scope<App>, view: &ClusterView) -> Html {
    let lang = app.lang;
    let end = app.lab.end_ms().max(view.now_ms);
    html! {
        <div class="time" role="group">
            <button id="play" aria-pressed={app.playing.to_string()} onclick={link.callback(|_| Msg::TogglePlay)}>
                { if app.playing { t(lang, Text::Pause) } else { t(lang, Text::Play) } }
            </button>
            <button id="step-back" onclick={link.callback(|_| Msg::StepBack)}>{ t(lang, Text::StepBack) }</button>
            <button id="step-message" onclick={link.callback(|_| Msg::Step(StepKind::Message))}>{ t(lang, Text::StepMessage) }</button>
            <button id="step-tick" onclick={link.callback(|_| Msg::Step(StepKind::Tick))}>{ t(lang, Text::StepTick) }</button>
            <button id="step-next" onclick={link.callback(|_| Msg::Step(StepKind::Interesting))}>{ t(lang, Text::StepInteresting) }</button>
            <label>{ t(lang, Text::Speed) }
                <input id="speed" type="range" min="-2" max="2" step="0.1" value={format!("{:.1}", app.speed_log)}
                       oninput={link.callback(|e: InputEvent| Msg::Speed(target_value(&e).parse().unwrap_or(-1.0)))} />
                <output>{ format!("{:.2}×", app.speed()) }</output>
            </label>
            <label class="scrub">{ t(lang, Text::Time) }
                <span class="track">
                    <input id="scrubber" type="range" min="0" max={end.to_string()} value={view.now_ms.to_string()}
                           onchange={link.callback(|e: Event| Msg::Seek(target_value(&e).parse().unwrap_or(0)))} />
                    { for markers(app, end) }
                </span>
            </label>
            <label>{ t(lang, Text::Latency) }
                <input id="latency" type="range" min="0" max="500" step="5" value={view.latency_ms.to_string()}
                       onchange={link.callback(|e: Event| {
                           let ms: u64 = target_value(&e).parse().unwrap_or(0);
                           Msg::Line(format!("latency {ms}ms {}ms", ms / 2))
                       })} />
                <output>{ format!("{}+{} ms", view.latency_ms, view.jitter_ms) }</output>
            </label>
            <label>{ t(lang, Text::DropRate) }
                <input id="drop-all" type="range" min="0" max="50" step="1" value={global_drop(view).to_string()}
                       onchange={link.callback(|e: Event| Msg::DropAll(target_value(&e).parse::<u32>().unwrap_or(0).min(100)))} />
                <output>{ format!("{}%", global_drop(view)) }</output>
            </label>
        </div>
    }
}

/// The drop rate every link shares, in whole percent (0 when links differ).
fn global_drop(view: &ClusterView) -> u32 {
    let first = view.links.first().map_or(0, |l| l.drop_ppm);
    if view.links.iter().all(|l| l.drop_ppm == first) {
        first / 10_000
    } else {
        0
    }
}

/// Marks on the timeline for the moments worth finding again: a new leader, a crash, a
/// commit. One mark per kind per half percent of the timeline keeps long runs light.
fn markers(app: &App, end: u64) -> Vec<Html> {
    if end == 0 {
        return Vec::new();
    }
    let mut seen = std::collections::BTreeSet::new();
    app.lab
        .notes
        .marks
        .iter()
        .filter(|(kind, t, _)| *t <= end && seen.insert((*kind, t * 200 / end)))
        .map(|(kind, t, title)| {
            let left = 100.0 * *t as f64 / end as f64;
            html! { <span class={classes!("mark", *kind)} style={format!("left:{left:.2}%")} title={title.clone()}></span> }
        })
        .collect()
}

pub fn node_menu(app: &App, link: &Scope<App>, view: &ClusterView) -> Html {
    let lang = app.lang;
    let heal = html! { <button id="heal" onclick={link.callback(|_| Msg::Line("heal".into()))}>{ t(lang, Text::Heal) }</button> };
    let next_name = format!("n{}", view.nodes.iter().map(|n| n.id).max().unwrap_or(0) + 1);
    let add = {
        let (voter, learner) = (format!("member add {next_name}"), format!("member add {next_name} --learner"));
        html! {
            <>
                <button onclick={link.callback(move |_| Msg::Line(voter.clone()))}>{ format!("+ {next_name}") }</button>
                <button onclick={link.callback(move |_| Msg::Line(learner.clone()))}>{ t(lang, Text::AddLearner) }</button>
            </>
        }
    };
    let Some(nv) = app.selected.and_then(|id| view.nodes.iter().find(|n| n.id == id)) else {
        return html! { <div class="menu">{ heal }{ add }</div> };
    };
    let id = nv.id;
    let line = |s: String| link.callback(move |_| Msg::Line(s.clone()));
    let member = format!("{:x}", nv.member_id);
    let (_, role_word) = role_style(lang, if nv.alive { nv.role } else { Role::Dead });
    html! {
        <div class="menu" id="node-menu" data-node={id.to_string()}>
            <h2>{ format!("n{id} · {role_word}") }</h2>
            if nv.alive {
                <button id="kill" onclick={line(format!("kill n{id}"))}>{ t(lang, Text::Kill) }</button>
            } else {
                <button id="restart" onclick={line(format!("restart n{id}"))}>{ t(lang, Text::Restart) }</button>
            }
            <button onclick={line(format!("isolate n{id}"))}>{ t(lang, Text::Isolate) }</button>
            <button onclick={line(format!("campaign n{id}"))}>{ t(lang, Text::Campaign) }</button>
            <button onclick={line(format!("transfer n{id}"))}>{ t(lang, Text::TransferHere) }</button>
            if nv.role == Role::Learner {
                <button onclick={line(format!("member promote {member}"))}>{ t(lang, Text::Promote) }</button>
            }
            <button onclick={line(format!("member remove {member}"))}>{ t(lang, Text::Remove) }</button>
            { heal }{ add }
            { link_faults(app, link, view, id) }
        </div>
    }
}

/// The selected node's outgoing links: drop rate and extra delay, one row per peer.
fn link_faults(app: &App, link: &Scope<App>, view: &ClusterView, from: NodeId) -> Html {
    let lang = app.lang;
    let rows = view.links.iter().filter(|l| l.from == from).map(|l| {
        let to = l.to;
        let pct = l.drop_ppm as f64 / 10_000.0;
        html! {
            <tr>
                <th>{ format!("n{from}→n{to}") }</th>
                <td><input type="number" min="0" max="100" step="5" value={format!("{pct}")} aria-label={format!("{} n{from}→n{to}", t(lang, Text::DropRate))}
                    onchange={link.callback(move |e: Event| Msg::Line(format!("drop n{from}->n{to} {}%", target_value(&e).parse::<f64>().unwrap_or(0.0).clamp(0.0, 100.0))))} /></td>
                <td><input type="number" min="0" max="5000" step="10" value={l.extra_ms.to_string()} aria-label={format!("{} n{from}→n{to}", t(lang, Text::Latency))}
                    onchange={link.callback(move |e: Event| Msg::Line(format!("delay n{from}->n{to} {}ms", target_value(&e).parse::<u64>().unwrap_or(0).min(5000))))} /></td>
            </tr>
        }
    });
    html! {
        <table class="faults">
            <tr><th></th><th>{ t(lang, Text::DropRate) }</th><th>{ "+ms" }</th></tr>
            { for rows }
        </table>
    }
}

pub fn inspector(app: &App, link: &Scope<App>, view: &ClusterView) -> Html {
    let lang = app.lang;
    let Some(id) = app.inspect else { return html! {} };
    let Some(m) = view.in_flight.iter().find(|m| m.id == id) else {
        return html! {};
    };
    let fields = serde_json::to_string_pretty(&m.msg).unwrap_or_default();
    html! {
        <div class="inspector" id="inspector" role="dialog" aria-label={t(lang, Text::Inspector)}>
            <h2>{ format!("{} #{id}: n{} → n{}", t(lang, Text::Inspector), m.from, m.to) }</h2>
            <p>{ format!("sent {} ms, arrives {} ms", m.sent_at_ms, m.deliver_at_ms) }</p>
            <pre>{ fields }</pre>
            <button id="drop-msg" onclick={link.callback(move |_| Msg::Line(format!("drop {id}")))}>{ t(lang, Text::DropMsg) }</button>
            <button id="deliver-msg" onclick={link.callback(move |_| Msg::Act(crate::engine::Action::DeliverMessage(id)))}>{ t(lang, Text::DeliverNow) }</button>
            <button onclick={link.callback(|_| Msg::Inspect(None))}>{ t(lang, Text::Close) }</button>
        </div>
    }
}

pub fn settings(app: &App, link: &Scope<App>) -> Html {
    let lang = app.lang;
    let d = app.draft.clone();
    // Typing updates the draft (the picture redraws every frame, and a field that did not
    // follow the draft would snap back); leaving the field starts the new run.
    let num = |get: fn(&ClusterConfig) -> u64, set: fn(&mut ClusterConfig, u64), min: u64, max: u64| {
        let base = d.clone();
        link.callback(move |e: Event| {
            let mut c = base.clone();
            set(&mut c, target_value(&e).parse::<u64>().unwrap_or(get(&base)).clamp(min, max));
            Msg::Settings(c)
        })
    };
    let typing = |set: fn(&mut ClusterConfig, u64)| {
        let base = d.clone();
        link.batch_callback(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value().parse::<u64>().ok()?;
            let mut c = base.clone();
            set(&mut c, v);
            Some(Msg::Draft(c))
        })
    };
    let flag = |set: fn(&mut ClusterConfig, bool)| {
        let base = d.clone();
        link.callback(move |e: Event| {
            let mut c = base.clone();
            set(&mut c, e.target_unchecked_into::<HtmlInputElement>().checked());
            Msg::Settings(c)
        })
    };
    html! {
        <div class="settings panel">
            <h2>{ t(lang, Text::Settings) }</h2>
            <label>{ t(lang, Text::Nodes) }<input id="set-nodes" type="number" min="1" max="9" value={d.nodes.to_string()}
                oninput={typing(|c, v| c.nodes = v)} onchange={num(|c| c.nodes, |c, v| c.nodes = v, 1, 9)} /></label>
            <label>{ "heartbeat ticks" }<input type="number" min="1" max="10" value={d.heartbeat_tick.to_string()}
                oninput={typing(|c, v| c.heartbeat_tick = v)} onchange={num(|c| c.heartbeat_tick, |c, v| c.heartbeat_tick = v, 1, 10)} /></label>
            <label>{ "election ticks" }<input type="number" min="2" max="100" value={d.election_tick.to_string()}
                oninput={typing(|c, v| c.election_tick = v)} onchange={num(|c| c.election_tick, |c, v| c.election_tick = v, 2, 100)} /></label>
            <label>{ t(lang, Text::SnapshotCount) }<input type="number" min="1" value={d.snapshot_count.to_string()}
                oninput={typing(|c, v| c.snapshot_count = v)} onchange={num(|c| c.snapshot_count, |c, v| c.snapshot_count = v, 1, 1_000_000)} /></label>
            <label>{ t(lang, Text::Seed) }<input id="set-seed" type="number" min="0" value={d.seed.to_string()}
                oninput={typing(|c, v| c.seed = v)} onchange={num(|c| c.seed, |c, v| c.seed = v, 0, u64::MAX)} /></label>
            <label>{ t(lang, Text::Latency) }<input type="number" min="0" max="1000" value={d.latency_ms.to_string()}
                oninput={typing(|c, v| c.latency_ms = v)} onchange={num(|c| c.latency_ms, |c, v| c.latency_ms = v, 0, 1000)} /></label>
            <label><input type="checkbox" checked={d.pre_vote} onchange={flag(|c, v| c.pre_vote = v)} />{ t(lang, Text::PreVote) }</label>
            <label><input type="checkbox" checked={d.check_quorum} onchange={flag(|c, v| c.check_quorum = v)} />{ t(lang, Text::CheckQuorum) }</label>
            <button id="new-run" onclick={link.callback(|_| Msg::NewRun)}>{ t(lang, Text::NewRun) }</button>
            <p class="muted">{ t(lang, Text::SettingsNote) }</p>
        </div>
    }
}

pub fn help(app: &App, link: &Scope<App>) -> Html {
    if !app.help {
        return html! {};
    }
    let lang = app.lang;
    let keys = [
        ("Space / p", "play / pause"),
        (".", "next event"),
        ("t", "next tick"),
        ("n", "next role change, commit or crash"),
        (",", "step back"),
        ("1–9", "select a node"),
        ("k", "kill / restart the selected node"),
        ("r", "restart the selected node"),
        ("i", "isolate the selected node"),
        ("c", "the selected node campaigns"),
        ("l", "transfer leadership to the selected node"),
        ("h", "heal the network"),
        ("a / A", "add a member / add a learner"),
        ("m", "promote the selected learner"),
        ("x", "remove the selected member"),
        ("Tab, Enter", "reach and press any control, node, link or message"),
        ("?", "this help"),
        ("Esc", "close"),
    ];
    html! {
        <div class="overlay" id="help" role="dialog" aria-label={t(lang, Text::Shortcuts)}>
            <h2>{ t(lang, Text::Shortcuts) }</h2>
            <table>{ for keys.iter().map(|(k, what)| html! { <tr><th><kbd>{ *k }</kbd></th><td>{ *what }</td></tr> }) }</table>
            <button onclick={link.callback(|_| Msg::ToggleHelp)}>{ t(lang, Text::Close) }</button>
        </div>
    }
}
