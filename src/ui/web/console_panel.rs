//! The console and what streams beside it: the etcdctl prompt (history, completion, the
//! endpoint selector, pending requests), the watch panels and the lease countdown.
//!
//! Contract: draws from the app's state only and sends console lines as messages; the
//! helpers here decide where a line goes, never what it does.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::html::Scope;
use yew::prelude::*;

use crate::console::parse::completions;
use crate::engine::{ClusterView, NodeId};
use crate::ui::i18n::{t, Text};

use super::app::{App, Msg};

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
