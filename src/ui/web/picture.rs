//! The cluster picture: nodes on a ring, links with their cut directions, and every message
//! in flight moving along its link at the speed of simulated time.
//!
//! Contract: drawn only from a `ClusterView` and the props; clicking calls back (select a
//! node, cut or restore one direction of a link as a console line, inspect a message), and
//! a drag reports the node and the pointer in the picture's coordinates (what a drop means
//! is `ui::drag`). Role is shown by colour and by a text label; a dead node is grey, dashed
//! and labelled.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::{ClusterView, NodeId, Role};
use crate::ui::drag::NODE_R;
use crate::ui::i18n::{t, Lang, Text};
use crate::ui::layout::{along, arc_path, message_label, node_xy, VIEW};
use crate::ui::marks::{link_title, message_title, node_title, timer_title};

use super::app::role_style;
use super::dom::when;

#[derive(Properties, PartialEq)]
pub struct PictureProps {
    pub view: Rc<ClusterView>,
    pub lang: Lang,
    pub selected: Option<NodeId>,
    pub inspect: Option<u64>,
    pub drag: Option<NodeId>,
    pub pointer: Option<(f64, f64)>,
    /// Messages sit still at mid-link instead of moving.
    pub reduced_motion: bool,
    pub on_line: Callback<String>,
    pub on_select: Callback<Option<NodeId>>,
    pub on_inspect: Callback<Option<u64>>,
    pub on_drag_start: Callback<NodeId>,
    pub on_drag_move: Callback<(f64, f64)>,
    pub on_drag_end: Callback<()>,
}

#[component]
pub fn Picture(p: &PictureProps) -> Html {
    let (lang, view) = (p.lang, &*p.view);
    let ids: Vec<NodeId> = view.nodes.iter().map(|n| n.id).collect();
    let n = ids.len();
    let pos = |id: NodeId| ids.iter().position(|x| *x == id).map(|i| node_xy(i, n));

    // Links: one line per unordered pair, each half clickable for its own direction.
    let mut links = Vec::new();
    for (i, a) in ids.iter().enumerate() {
        for b in &ids[i + 1..] {
            let (Some(pa), Some(pb)) = (pos(*a), pos(*b)) else { continue };
            for (from, to, p0, p1) in [(*a, *b, pa, pb), (*b, *a, pb, pa)] {
                let link = view.links.iter().find(|l| l.from == from && l.to == to);
                let cut = link.is_some_and(|l| l.cut);
                let title = link_title(lang, from, to, cut, link.map_or(0, |l| l.drop_ppm));
                let s = along(p0, p1, 0.0, 6.0);
                let e = along(p0, p1, 1.0, 6.0);
                let class = if cut { "link cut" } else { "link" };
                let line = format!(
                    "{} n{from} → n{to}",
                    if cut { t(lang, Text::RestoreLink) } else { t(lang, Text::CutLink) }
                );
                let cmd = if cut { format!("restore n{from}->n{to}") } else { format!("cut n{from}->n{to}") };
                links.push(html! {
                    <line class={class} x1={fmt(s.0)} y1={fmt(s.1)} x2={fmt(e.0)} y2={fmt(e.1)}
                          data-from={from.to_string()} data-to={to.to_string()} data-cut={cut.to_string()}
                          tabindex="0" role="button" aria-label={line.clone()}
                          onkeydown={{
                              let cmd = cmd.clone();
                              when(&p.on_line, move |e: KeyboardEvent| (e.key() == "Enter").then(|| cmd.clone()))
                          }}
                          onclick={p.on_line.reform(move |_| cmd.clone())}>
                        <title>{ title }</title>
                    </line>
                });
            }
        }
    }

    let now = view.now_ms;
    let messages = view.in_flight.iter().filter_map(|m| {
        let (p0, p1) = (pos(m.from)?, pos(m.to)?);
        let span = m.deliver_at_ms.saturating_sub(m.sent_at_ms).max(1) as f64;
        let frac = if p.reduced_motion { 0.5 } else { (now.saturating_sub(m.sent_at_ms)) as f64 / span };
        let reject = m.msg.reject;
        let label = if reject { format!("✗ {}", m.msg.msg_type) } else { m.msg.msg_type.clone() };
        // Held clear of both nodes' circles: they are drawn on top and would hide it.
        let b = message_label(p0, p1, frac, 6.0, NODE_R, label.chars().count());
        let id = m.id;
        let class = classes!("msg", reject.then_some("reject"), (p.inspect == Some(id)).then_some("picked"));
        Some(html! {
            <g class={class} data-id={id.to_string()} data-type={m.msg.msg_type.clone()} tabindex="0" role="button"
               onkeydown={when(&p.on_inspect, move |e: KeyboardEvent| (e.key() == "Enter").then_some(Some(id)))}
               onclick={p.on_inspect.reform(move |_| Some(id))}>
                <title>{ message_title(lang, m) }</title>
                <rect x={fmt(b.x)} y={fmt(b.y)} width={fmt(b.w)} height={fmt(b.h)} rx="6" />
                <text x={fmt(b.text_x)} y={fmt(b.text_y)}>{ label }</text>
            </g>
        })
    });

    let nodes = view.nodes.iter().enumerate().map(|(i, nv)| {
        let (x, y) = node_xy(i, n);
        let (role_class, role_word) = role_style(lang, if nv.alive { nv.role } else { Role::Dead });
        let id = nv.id;
        let selected = p.selected == Some(id);
        let timer = if nv.alive && nv.role != Role::Leader && nv.election_timeout > 0 {
            let frac = nv.election_elapsed as f64 / nv.election_timeout as f64;
            html! { <path class="timer" d={arc_path(x, y, NODE_R + 9.0, frac)}><title>{ timer_title(lang, nv, view.config.tick_ms) }</title></path> }
        } else {
            html! {}
        };
        let vote = if nv.vote > 0 { format!("n{}", nv.vote) } else { "—".into() };
        // A slow disk (`disk n1 200ms`) shows under the node, and pulses while a write
        // holds the node's Ready loop.
        let writing = nv.alive && nv.fsync_until_ms.is_some();
        let disk = if nv.disk_delay_ms > 0 {
            let word = if writing { t(lang, Text::Fsyncing) } else { t(lang, Text::SlowDisk) };
            html! { <text class="slowdisk" x={fmt(x)} y={fmt(y + 64.0)}>{ format!("⛁ {word} {}ms", nv.disk_delay_ms) }</text> }
        } else {
            html! {}
        };
        let term_line = format!("{} {} · {} {vote}", t(lang, Text::Term), nv.term, t(lang, Text::Vote));
        let index_line = format!("p{} c{} a{}", nv.persisted, nv.committed, nv.applied);
        html! {
            <g class={classes!("node", role_class, selected.then_some("selected"), (!nv.alive).then_some("dead"), writing.then_some("fsync"))}
               data-node={id.to_string()} data-role={format!("{:?}", nv.role)} data-alive={nv.alive.to_string()}
               data-term={nv.term.to_string()} data-committed={nv.committed.to_string()} tabindex="0" role="button"
               onclick={p.on_select.reform(move |_| Some(id))}
               onpointerdown={p.on_drag_start.reform(move |_: PointerEvent| id)}
               onkeydown={when(&p.on_select, move |e: KeyboardEvent| (e.key() == "Enter").then_some(Some(id)))}>
                // The title is the node's accessible name as well as its tooltip: it says
                // everything the marks on it say, in words.
                <title>{ node_title(lang, nv) }</title>
                { timer }
                <circle cx={fmt(x)} cy={fmt(y)} r={fmt(NODE_R)} />
                <text class="name" x={fmt(x)} y={fmt(y - 34.0)}>{ format!("n{id}") }</text>
                <text class="role" x={fmt(x)} y={fmt(y - 8.0)}>{ role_word }</text>
                <text class="small" x={fmt(x)} y={fmt(y + 18.0)}>{ term_line }</text>
                <text class="small" x={fmt(x)} y={fmt(y + 42.0)}>{ index_line }</text>
                { disk }
            </g>
        }
    });

    // While a node is dragged, a dashed line follows the pointer to where it will go.
    let dragging = match (p.drag, p.pointer) {
        (Some(id), Some((px, py))) => pos(id).map(|(x, y)| {
            html! { <line class="dragline" x1={fmt(x)} y1={fmt(y)} x2={fmt(px)} y2={fmt(py)} /> }
        }),
        _ => None,
    };
    // Only while a node is held: a pointer crossing the picture otherwise costs nothing.
    let drag_move = {
        let (held, on_move) = (p.drag.is_some(), p.on_drag_move.clone());
        Callback::from(move |e: PointerEvent| {
            if held {
                if let Some(at) = to_view(&e) {
                    on_move.emit(at);
                }
            }
        })
    };
    html! {
        <svg id="cluster" xmlns="http://www.w3.org/2000/svg" viewBox={format!("0 0 {VIEW} {VIEW}")}
             role="group" aria-label={t(lang, Text::Title)}
             onpointermove={drag_move}
             onpointerup={p.on_drag_end.reform(|_: PointerEvent| ())}
             onpointerleave={p.on_drag_end.reform(|_: PointerEvent| ())}>
            <g class="links">{ for links }</g>
            // Messages under the nodes: a label passing a node never takes its click.
            <g class="messages">{ for messages }</g>
            <g class="nodes">{ for nodes }</g>
            { for dragging }
        </svg>
    }
}

/// A pointer position in the picture's 1000×1000 coordinates (the SVG keeps its aspect
/// ratio and centres the drawing, so the scale is the smaller side's).
fn to_view(e: &PointerEvent) -> Option<(f64, f64)> {
    // Yew delegates events to its root, so `current_target` is not the SVG: look it up.
    let el = web_sys::window()?.document()?.get_element_by_id("cluster")?;
    let r = el.get_bounding_client_rect();
    let scale = (r.width().min(r.height()) / VIEW).max(1e-9);
    let (ox, oy) = ((r.width() - VIEW * scale) / 2.0, (r.height() - VIEW * scale) / 2.0);
    Some(((e.client_x() as f64 - r.left() - ox) / scale, (e.client_y() as f64 - r.top() - oy) / scale))
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}
