//! The settings of the next run: node count, timing, snapshot count, seed, latency, pre-vote
//! and check-quorum.
//!
//! Contract: typing updates the draft (`on_draft`: the page redraws every frame, and a field
//! that did not follow the draft would snap back); leaving a field or ticking a box starts a
//! new run with the clamped value (`on_change`).

use yew::prelude::*;

use crate::engine::ClusterConfig;
use crate::ui::i18n::{t, Lang, Text};

use super::dom::{input_checked, input_value, when};

#[derive(Properties, PartialEq)]
pub struct SettingsProps {
    pub draft: ClusterConfig,
    pub lang: Lang,
    pub on_draft: Callback<ClusterConfig>,
    pub on_change: Callback<ClusterConfig>,
    pub on_new_run: Callback<()>,
}

type Get = fn(&ClusterConfig) -> u64;
type Set = fn(&mut ClusterConfig, u64);

#[component]
pub fn Settings(p: &SettingsProps) -> Html {
    let lang = p.lang;
    let d = &p.draft;
    let num = |get: Get, set: Set, min: u64, max: u64| {
        let base = d.clone();
        p.on_change.reform(move |e: Event| {
            let mut c = base.clone();
            set(&mut c, input_value(&e).parse::<u64>().unwrap_or(get(&base)).clamp(min, max));
            c
        })
    };
    let typing = |set: Set| {
        let base = d.clone();
        when(&p.on_draft, move |e: InputEvent| {
            let v = input_value(&e).parse::<u64>().ok()?;
            let mut c = base.clone();
            set(&mut c, v);
            Some(c)
        })
    };
    let flag = |set: fn(&mut ClusterConfig, bool)| {
        let base = d.clone();
        p.on_change.reform(move |e: Event| {
            let mut c = base.clone();
            set(&mut c, input_checked(&e));
            c
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
            <label class="check"><input type="checkbox" checked={d.pre_vote} onchange={flag(|c, v| c.pre_vote = v)} />{ t(lang, Text::PreVote) }</label>
            <label class="check"><input type="checkbox" checked={d.check_quorum} onchange={flag(|c, v| c.check_quorum = v)} />{ t(lang, Text::CheckQuorum) }</label>
            <button id="new-run" onclick={p.on_new_run.reform(|_| ())}>{ t(lang, Text::NewRun) }</button>
            <p class="muted">{ t(lang, Text::SettingsNote) }</p>
        </div>
    }
}
