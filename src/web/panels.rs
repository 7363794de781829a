//! The panels around the picture: time controls, the node menu, the message inspector, the
//! console, the logs side by side, each node's store, raft-rs's lines, settings and the
//! shortcut overlay.
//!
//! Contract: each function draws from the app's state and the current `ClusterView` and
//! only sends messages; none of them touches the engine directly.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::html::Scope;
use yew::prelude::*;

use crate::console::parse::completions;
use crate::engine::{ClusterConfig, ClusterView, NodeId, Role, TraceEvent};
use crate::ui::i18n::{t, Text};
use crate::ui::lab::StepKind;

use super::app::{role_style, App, Msg};

/// How many indexes the log panel shows, ending at the newest entry (a window, so a run
/// with 10,000 entries draws as fast as one with ten).
const LOG_WINDOW: u64 = 30;

/// Keys shown per node (the first in key order); the rest are counted, not drawn.
pub const STORE_ROWS: usize = 12;

pub fn names_endpoint(line: &str) -> bool {
    line.contains("--endpoints")
}

/// Sends an etcd command to the selected endpoint; lab commands go as they are.
pub fn with_endpoint(line: &str, endpoint: NodeId) -> String {
    let first = line.split_whitespace().next().unwrap_or("");
    if endpoint == 1 || crate::console::parse::is_lab_word(first) || first == "help" {
        line.to_string()
    } else {
        format!("--endpoints=n{endpoint} {line}")
    }
}

/// Tab completion: the longest common completion of the candidates, if it adds anything.
pub fn complete(input: &str) -> Option<String> {
    let cands = completions(input);
    let first = cands.first()?.clone();
    let common = cands
        .iter()
        .fold(first, |acc, c| acc.chars().zip(c.chars()).take_while(|(a, b)| a == b).map(|(a, _)| a).collect());
    let done = if cands.len() == 1 && !common.ends_with('=') { format!("{common} ") } else { common };
    (done.len() > input.len()).then_some(done)
}

fn target_value(e: &Event) -> String {
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

pub fn console(app: &App, link: &Scope<App>, view: &ClusterView) -> Html {
    let lang = app.lang;
    // Newest first in the DOM; the column is reversed, so the newest shows at the bottom and
    // the view stays scrolled to it.
    let lines = app.lab.transcript.iter().rev().take(60).map(|said| {
        let pending = said.pending.is_some();
        html! {
            <div class={classes!("item", pending.then_some("pending"))}>
                if !said.line.is_empty() { <div class="cmd">{ format!("$ {}", said.line) }</div> }
                if pending {
                    <div class="wait" role="status">{ format!("… {}", t(lang, Text::Pending)) }</div>
                } else {
                    <pre class="out">{ said.out.clone() }</pre>
                }
            </div>
        }
    });
    let options = view.nodes.iter().map(|n| {
        html! { <option value={n.id.to_string()} selected={n.id == app.endpoint}>{ format!("n{}", n.id) }</option> }
    });
    html! {
        <div class="console" aria-label={t(lang, Text::Console)}>
            <h2>{ t(lang, Text::Console) }</h2>
            <div class="transcript" id="transcript">{ for lines }</div>
            <div class="prompt">
                <label>{ t(lang, Text::Endpoint) }
                    <select id="endpoint" onchange={link.callback(|e: Event| Msg::Endpoint(e.target_unchecked_into::<HtmlSelectElement>().value().parse().unwrap_or(1)))}>
                        { for options }
                    </select>
                </label>
                <input id="console-input" type="text" autocomplete="off" spellcheck="false" placeholder="put x 1"
                       value={app.input.clone()} aria-label={t(lang, Text::Console)}
                       oninput={link.callback(|e: InputEvent| Msg::ConsoleInput(e.target_unchecked_into::<HtmlInputElement>().value()))}
                       onkeydown={link.callback(Msg::ConsoleKey)} />
            </div>
        </div>
    }
}

pub fn logs(app: &App, view: &ClusterView) -> Html {
    let lang = app.lang;
    let cluster = app.lab.session().cluster();
    let last = view.nodes.iter().map(|n| n.last_index).max().unwrap_or(0);
    let from = last.saturating_sub(LOG_WINDOW - 1).max(1);
    let header = view.nodes.iter().map(|n| html! { <th>{ format!("n{}", n.id) }</th> });
    let columns: Vec<Vec<crate::engine::EntryView>> =
        view.nodes.iter().map(|n| cluster.log_entries(n.id, from, last)).collect();
    let rows = (from..=last).rev().map(|idx| {
        let cells = view.nodes.iter().zip(&columns).map(|(n, col)| {
            let marks = format!(
                "{}{}{}",
                if idx == n.committed { " C" } else { "" },
                if idx == n.applied { " A" } else { "" },
                if idx == n.snapshot_index { " S" } else { "" }
            );
            match col.iter().find(|e| e.index == idx) {
                Some(e) => {
                    let class = classes!(
                        "entry",
                        format!("term{}", e.term % 8),
                        (idx > n.committed).then_some("uncommitted"),
                        (idx > n.persisted).then_some("unpersisted")
                    );
                    html! {
                        <td class={class} title={format!("{} {}: {}", t(lang, Text::Term), e.term, e.entry_type)}>
                            <span class="term">{ e.term }</span>{ " " }{ e.summary.clone() }<span class="marks">{ marks }</span>
                        </td>
                    }
                }
                None if idx <= n.snapshot_index => html! { <td class="compacted">{ t(lang, Text::Snapshot) }</td> },
                None => html! { <td></td> },
            }
        });
        html! { <tr><th>{ idx }</th>{ for cells }</tr> }
    });
    html! {
        <div class="logs panel">
            <h2>{ t(lang, Text::Log) }</h2>
            <table id="logs"><thead><tr><th>{ "#" }</th>{ for header }</tr></thead><tbody>{ for rows }</tbody></table>
        </div>
    }
}

pub fn stores(app: &App, view: &ClusterView) -> Html {
    let lang = app.lang;
    let per_node = view.nodes.iter().map(|n| {
        let rows = n.kvs.iter().map(|kv| {
            html! {
                <tr>
                    <td class="key">{ String::from_utf8_lossy(&kv.key).into_owned() }</td>
                    <td class="value">{ String::from_utf8_lossy(&kv.value).into_owned() }</td>
                    <td>{ kv.create_revision }</td><td>{ kv.mod_revision }</td><td>{ kv.version }</td>
                </tr>
            }
        });
        html! {
            <div class="store" data-node={n.id.to_string()}>
                <h3>{ format!("n{} · rev {}", n.id, n.revision) }</h3>
                if !n.alive { <p class="muted">{ t(lang, Text::Dead) }</p> }
                else if n.kvs.is_empty() { <p class="muted">{ t(lang, Text::Empty) }</p> }
                else {
                    <table><thead><tr><th>{ "key" }</th><th>{ "value" }</th><th>{ "create" }</th><th>{ "mod" }</th><th>{ "ver" }</th></tr></thead>
                    <tbody>{ for rows }</tbody></table>
                    if n.key_count > n.kvs.len() as u64 {
                        <p class="muted">{ format!("… {} more", n.key_count - n.kvs.len() as u64) }</p>
                    }
                }
            </div>
        }
    });
    html! {
        <div class="stores panel" id="stores">
            <h2>{ t(lang, Text::Store) }</h2>
            <div class="grid">{ for per_node }</div>
        </div>
    }
}

/// One panel per watch stream: its events as they arrive (newest last).
pub fn watches(app: &App) -> Html {
    let lang = app.lang;
    let streams = &app.lab.notes.watches;
    if streams.is_empty() {
        return html! {};
    }
    let panels = streams.iter().map(|(id, (node, lines, canceled))| {
        let shown = lines.iter().rev().take(20).rev().map(|l| html! { <li>{ l.clone() }</li> });
        html! {
            <div class="watch" data-watch={id.to_string()}>
                <h3>{ format!("{} {id} · n{node}{}", t(lang, Text::Watch), if *canceled { " · canceled" } else { "" }) }</h3>
                <ol>{ for shown }</ol>
            </div>
        }
    });
    html! { <div class="watches panel" id="watches"><h2>{ t(lang, Text::Watches) }</h2>{ for panels }</div> }
}

/// Leases as the leader's lessor sees them, counting down with simulated time.
pub fn leases(app: &App, view: &ClusterView) -> Html {
    let lang = app.lang;
    let cluster = app.lab.session().cluster();
    let Some(leader) = view.leader else { return html! {} };
    let infos = cluster.lease_infos(leader);
    if infos.is_empty() {
        return html! {};
    }
    let rows = infos.iter().map(|(id, ttl, granted, keys)| {
        html! { <tr><td>{ format!("{id:016x}") }</td><td class="ttl">{ format!("{ttl}s / {granted}s") }</td><td>{ keys.join(", ") }</td></tr> }
    });
    html! {
        <div class="leases panel" id="leases">
            <h2>{ format!("{} · n{leader}", t(lang, Text::Leases)) }</h2>
            <table>{ for rows }</table>
        </div>
    }
}

pub fn raft_lines(app: &App) -> Html {
    let lang = app.lang;
    let Some(id) = app.selected else { return html! {} };
    let trace = app.lab.session().cluster().trace();
    let lines: Vec<Html> = trace
        .records()
        .iter()
        .rev()
        .filter_map(|r| match &r.event {
            TraceEvent::RaftLog { node, line } if *node == id => {
                Some(html! { <li><span class="muted">{ format!("{} ms {} ", r.time_ms, line.level) }</span>{ line.text.clone() }</li> })
            }
            _ => None,
        })
        .take(30)
        .collect();
    html! {
        <div class="raftlog panel">
            <h2>{ format!("{} · n{id}", t(lang, Text::RaftLog)) }</h2>
            <ol reversed=true>{ for lines }</ol>
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
