//! The node menu: what can be done to the selected node (kill, restart, isolate, campaign,
//! transfer, promote, remove), healing the network, adding members, and the selected
//! node's outgoing links with their drop rate and extra delay.
//!
//! Contract: every button and field runs one console line through `on_line`, the line a
//! learner could type, so the transcript and a share link show it.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::{ClusterView, NodeId, Role};
use crate::ui::i18n::{t, Lang, Text};

use super::app::role_style;
use super::dom::input_value;

#[derive(Properties, PartialEq)]
pub struct NodeMenuProps {
    pub view: Rc<ClusterView>,
    pub lang: Lang,
    pub selected: Option<NodeId>,
    pub on_line: Callback<String>,
}

#[component]
pub fn NodeMenu(p: &NodeMenuProps) -> Html {
    let lang = p.lang;
    let line = |s: String| p.on_line.reform(move |_: MouseEvent| s.clone());
    let heal = html! { <button id="heal" onclick={line("heal".into())}>{ t(lang, Text::Heal) }</button> };
    let next_name = format!("n{}", p.view.nodes.iter().map(|n| n.id).max().unwrap_or(0) + 1);
    let add = html! {
        <>
            <button onclick={line(format!("member add {next_name}"))}>{ format!("+ {next_name}") }</button>
            <button onclick={line(format!("member add {next_name} --learner"))}>{ t(lang, Text::AddLearner) }</button>
        </>
    };
    let Some(nv) = p.selected.and_then(|id| p.view.nodes.iter().find(|n| n.id == id)) else {
        return html! { <div class="menu">{ heal }{ add }</div> };
    };
    let id = nv.id;
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
            { link_faults(p, id) }
        </div>
    }
}

/// The selected node's outgoing links: drop rate and extra delay, one row per peer.
fn link_faults(p: &NodeMenuProps, from: NodeId) -> Html {
    let lang = p.lang;
    let rows = p.view.links.iter().filter(|l| l.from == from).map(|l| {
        let to = l.to;
        let pct = l.drop_ppm as f64 / 10_000.0;
        let drop = p.on_line.reform(move |e: Event| {
            format!("drop n{from}->n{to} {}%", input_value(&e).parse::<f64>().unwrap_or(0.0).clamp(0.0, 100.0))
        });
        let delay = p.on_line.reform(move |e: Event| {
            format!("delay n{from}->n{to} {}ms", input_value(&e).parse::<u64>().unwrap_or(0).min(5000))
        });
        html! {
            <tr>
                <th>{ format!("n{from}→n{to}") }</th>
                <td><input type="number" min="0" max="100" step="5" value={format!("{pct}")}
                    aria-label={format!("{} n{from}→n{to}", t(lang, Text::DropRate))} onchange={drop} /></td>
                <td><input type="number" min="0" max="5000" step="10" value={l.extra_ms.to_string()}
                    aria-label={format!("{} n{from}→n{to}", t(lang, Text::Latency))} onchange={delay} /></td>
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
