//! The store panel: each node's keys with their revisions, as its MVCC store holds them.
//!
//! Contract: drawn from the `ClusterView` alone (at most `STORE_ROWS` keys a node, the rest
//! counted); redrawn only when a store changed.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::{ClusterView, NodeView};
use crate::ui::i18n::{t, Lang, Text};

/// Keys shown per node (the first in key order); the rest are counted, not drawn.
pub const STORE_ROWS: usize = 12;

#[derive(Properties)]
pub struct StoresProps {
    pub view: Rc<ClusterView>,
    pub lang: Lang,
}

/// Equal when every store would draw the same: most frames move time, not keys, and the
/// key tables are then left as they are.
impl PartialEq for StoresProps {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.view.nodes, &other.view.nodes);
        let same = |x: &NodeView, y: &NodeView| {
            (x.id, x.alive, x.revision, x.key_count) == (y.id, y.alive, y.revision, y.key_count) && x.kvs == y.kvs
        };
        self.lang == other.lang && a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
    }
}

#[component]
pub fn Stores(p: &StoresProps) -> Html {
    let (lang, view) = (p.lang, &p.view);
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
