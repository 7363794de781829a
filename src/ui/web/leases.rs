//! The lease panel: leases as the leader's lessor sees them, counting down with simulated
//! time.
//!
//! Contract: reads the leader's lessor through the context; nothing without a leader.

use yew::prelude::*;

use crate::engine::NodeId;
use crate::ui::i18n::{t, Lang, Text};

use super::app::LabHandle;

#[derive(Properties, PartialEq)]
pub struct LeasesProps {
    pub leader: Option<NodeId>,
    pub lang: Lang,
}

/// Leases as the leader's lessor sees them, counting down with simulated time.
#[component]
pub fn Leases(p: &LeasesProps) -> Html {
    let lang = p.lang;
    let Some(h) = use_context::<LabHandle>() else { return html! {} };
    let Some(leader) = p.leader else { return html! {} };
    let m = h.model.borrow();
    let infos = m.lab.session().cluster().lease_infos(leader);
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
