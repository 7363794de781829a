//! The member panel: `member list` as a table (learners marked in words) and `alarm list`,
//! as the bridge last polled them.
//!
//! Contract: drawn from one `LiveState` alone, as etcdctl printed it (ids in hex, URLs as
//! given); an added member that has not started yet has no name, and says so.

use yew::prelude::*;

use crate::lab::live::LiveState;
use crate::ui::i18n::{t, Lang, Text};

pub fn members_panel(lang: Lang, s: &LiveState) -> Html {
    let rows = s.members.iter().map(|m| {
        let role = if m.is_learner { t(lang, Text::Learner) } else { t(lang, Text::LiveVoter) };
        html! {
            <tr data-id={m.id.clone()} data-learner={m.is_learner.to_string()}>
                <td class="id">{ m.id.clone() }</td>
                <td>{ if m.name.is_empty() { "—".to_string() } else { m.name.clone() } }</td>
                <td class={classes!(m.is_learner.then_some("learner"))}>{ role }</td>
                <td class="urls">{ m.peer_urls.join(", ") }</td>
                <td class="urls">{ m.client_urls.join(", ") }</td>
            </tr>
        }
    });
    let alarms = s.alarms.iter().map(|a| html! { <li>{ a.clone() }</li> });
    html! {
        <div class="panel live-members">
            <h2>{ t(lang, Text::LiveMembers) }</h2>
            <table id="live-members">
                <thead><tr><th>{ "ID" }</th><th>{ "NAME" }</th><th>{ "IS LEARNER" }</th><th>{ "PEER ADDRS" }</th><th>{ "CLIENT ADDRS" }</th></tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            <h2>{ t(lang, Text::LiveAlarms) }</h2>
            <div id="live-alarms" data-count={s.alarms.len().to_string()}>
                if s.alarms.is_empty() { <p class="muted">{ t(lang, Text::LiveNoAlarms) }</p> }
                else { <ul class="live-alarm-list">{ for alarms }</ul> }
            </div>
        </div>
    }
}
