//! Geometry of the history panel: the clients' operations as bars on a time axis, one row
//! per client, numbered in their key's linearization order, with the operation that cannot
//! be placed marked.
//!
//! Contract: pure functions of a `History` and the current time, in a fixed-width viewBox
//! (`WIDTH`), so the panel is a dumb drawing of a `Layout` and this file is tested natively.
//! Every key is checked on its own (single-key operations on different keys commute, as in
//! `check`), so a violation on one key still leaves the other keys' orders to draw; the
//! verdict is `report::verdict` of the same outcome `check::linearizable` gives. Only the
//! newest `MAX_OPS` operations are drawn (all are checked). `HistoryCache` recomputes the
//! history only when the trace changed, and re-runs the search only when the history did.

use crate::engine::Trace;
use crate::history::check::{self, Checked, Violation};
use crate::history::{record, report, History};

/// Operations drawn at most; older ones are counted in `Layout::hidden`.
pub const MAX_OPS: usize = 200;
/// The viewBox width; heights grow with the rows.
pub const WIDTH: f64 = 760.0;
/// Room for the row labels on the left.
pub const LEFT: f64 = 92.0;
const RIGHT: f64 = 14.0;
/// The time axis' band at the top.
pub const AXIS_H: f64 = 22.0;
/// One lane of bars within a client's row: the bar, then its words below it.
pub const LANE_H: f64 = 30.0;
/// The bar's offset within its lane.
pub const BAR_DY: f64 = 8.0;
/// A generous width per character of the 11px monospace labels (0.6em), so labels in one
/// lane never collide.
const CHAR_W: f64 = 6.8;
/// Colours the keys' orders cycle through (classes `k0`…`k3` in the style sheet).
pub const KEY_COLOURS: usize = 4;
/// A bar is never drawn thinner than this, however short the operation.
const MIN_BAR_W: f64 = 3.0;

/// Each key's outcome, in key order, with op indexes into the whole history.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Judged {
    pub keys: Vec<KeyOutcome>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyOutcome {
    Order(String, Vec<usize>),
    GaveUp(String),
    Violated(Violation),
}

impl Judged {
    /// What `check::linearizable` says of the whole history: the first violated key (keys
    /// in order), else every order.
    pub fn overall(&self) -> Result<Checked, Violation> {
        let mut out = Checked::default();
        for k in &self.keys {
            match k {
                KeyOutcome::Order(key, order) => out.orders.push((key.clone(), order.clone())),
                KeyOutcome::GaveUp(key) => out.gave_up.push(key.clone()),
                KeyOutcome::Violated(v) => return Err(v.clone()),
            }
        }
        Ok(out)
    }
}

/// Checks each key on its own.
pub fn judge(h: &History) -> Judged {
    let mut keys = Vec::new();
    for (key, ids) in h.by_key() {
        let sub = History { ops: ids.iter().map(|&i| h.ops[i].clone()).collect() };
        let global = |local: &[usize]| local.iter().filter_map(|&i| ids.get(i).copied()).collect::<Vec<_>>();
        keys.push(match check::linearizable(&sub) {
            Ok(c) if c.gave_up.is_empty() => {
                KeyOutcome::Order(key.to_string(), c.orders.first().map(|(_, o)| global(o)).unwrap_or_default())
            }
            Ok(_) => KeyOutcome::GaveUp(key.to_string()),
            Err(v) => KeyOutcome::Violated(Violation {
                key: v.key,
                op: ids.get(v.op).copied().unwrap_or(usize::MAX),
                prefix: global(&v.prefix),
            }),
        });
    }
    Judged { keys }
}

/// Where an operation stands in its key's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// 1-based position in the key's order (or in the longest order before a violation).
    At(usize),
    /// Not in any order: an unanswered write no read saw (it may never have happened), or
    /// an op after the point where a violated key's search stopped.
    Unplaced,
    /// The op that cannot be placed, with why in a few words.
    Violation(&'static str),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// Index into the history.
    pub op: usize,
    pub row: usize,
    /// Top of the bar.
    pub y: f64,
    pub x0: f64,
    pub x1: f64,
    /// No answer: the bar runs on to the right edge.
    pub open: bool,
    /// `get x → 1`.
    pub words: String,
    /// Where its words start: at the bar, or further left when they would run past the
    /// right edge.
    pub text_x: f64,
    pub place: Place,
    /// The x of its linearization point (the earliest instant consistent with the order).
    pub point: Option<f64>,
    /// Its call and return, for a tooltip.
    pub title: String,
    /// Its key's colour, as in `Chain`.
    pub colour: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub client: u64,
    pub label: String,
    pub y: f64,
    pub height: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub x: f64,
    pub label: String,
}

/// One key's linearization points joined in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Chain {
    pub key: String,
    /// The key's colour (its index in key order, modulo `KEY_COLOURS`), so two keys'
    /// orders can be told apart where their lines cross.
    pub colour: usize,
    pub points: Vec<(f64, f64)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub verdict: String,
    pub violated: bool,
    pub rows: Vec<Row>,
    pub bars: Vec<Bar>,
    pub ticks: Vec<Tick>,
    pub chains: Vec<Chain>,
    /// Older operations checked but not drawn.
    pub hidden: usize,
    pub height: f64,
}

/// A tick label: `3s`, `3.5s`, `250ms`.
pub fn time_words(ms: u64) -> String {
    match ms {
        m if m % 1000 == 0 => format!("{}s", m / 1000),
        m if m < 1000 => format!("{m}ms"),
        m if m % 100 == 0 => format!("{}.{}s", m / 1000, m % 1000 / 100),
        m if m % 10 == 0 => format!("{}.{:02}s", m / 1000, m % 1000 / 10),
        m => format!("{}.{:03}s", m / 1000, m % 1000),
    }
}

/// A round tick step (1, 2 or 5 times a power of ten ms) giving at most about 7 ticks.
pub fn tick_step_ms(span_ms: u64) -> u64 {
    let want = (span_ms / 7).max(1);
    let mut p = 1u64;
    loop {
        for m in [1, 2, 5] {
            if p.saturating_mul(m) >= want {
                return p.saturating_mul(m);
            }
        }
        if p > u64::MAX / 10 {
            return p;
        }
        p *= 10;
    }
}

/// Per op: its place and linearization time; per key: the order to join with a line.
struct Places {
    place: Vec<Place>,
    at_ms: Vec<Option<u64>>,
    /// (colour, key, order).
    orders: Vec<(usize, String, Vec<usize>)>,
    colour: Vec<usize>,
}

/// Each op's place and linearization time, from the judged keys.
fn places(h: &History, judged: &Judged) -> Places {
    let mut place = vec![Place::Unplaced; h.ops.len()];
    let mut at_ms = vec![None; h.ops.len()];
    let mut chains = Vec::new();
    // Keys are judged in key order, so an op's key finds its index by binary search.
    let names: Vec<&str> = judged
        .keys
        .iter()
        .map(|k| match k {
            KeyOutcome::Order(key, _) | KeyOutcome::GaveUp(key) => key.as_str(),
            KeyOutcome::Violated(v) => v.key.as_str(),
        })
        .collect();
    let colour = h.ops.iter().map(|o| names.binary_search(&o.input.key()).unwrap_or(0) % KEY_COLOURS).collect();
    for (ix, k) in judged.keys.iter().enumerate() {
        let (key, order) = match k {
            KeyOutcome::Order(key, o) => (key, o),
            KeyOutcome::Violated(v) => {
                if let Some(p) = place.get_mut(v.op) {
                    *p = Place::Violation(report::why(h, v));
                }
                (&v.key, &v.prefix)
            }
            KeyOutcome::GaveUp(_) => continue,
        };
        // The earliest instants consistent with the order: each op at its call, or at its
        // predecessor's point if that is later (a valid order never pushes past a return).
        let mut t = 0u64;
        for (pos, &i) in order.iter().enumerate() {
            let Some(op) = h.ops.get(i) else { continue };
            t = t.max(op.call_ms);
            if let Some(r) = op.return_ms {
                t = t.min(r);
            }
            place[i] = Place::At(pos + 1);
            at_ms[i] = Some(t);
        }
        chains.push((ix % KEY_COLOURS, key.clone(), order.clone()));
    }
    Places { place, at_ms, orders: chains, colour }
}

/// Lays out the newest `MAX_OPS` operations up to `now_ms`.
pub fn layout(h: &History, judged: &Judged, now_ms: u64) -> Layout {
    let Places { place, at_ms, orders, colour } = places(h, judged);
    // By call time, then index, through one u64 key: the wasm already holds a u64 sort,
    // and a sort of anything else costs it kilobytes. Beyond the key's range (16M ops, 35
    // years of simulated time) the history's own order is drawn instead.
    let fits = h.ops.len() < 1 << 24 && h.ops.iter().all(|o| o.call_ms < 1 << 40);
    let shown: Vec<usize> = if fits {
        let mut keys: Vec<u64> = h.ops.iter().enumerate().map(|(i, o)| o.call_ms << 24 | i as u64).collect();
        keys.sort_unstable();
        keys.into_iter().map(|k| (k & 0xff_ffff) as usize).collect()
    } else {
        (0..h.ops.len()).collect()
    };
    let hidden = shown.len().saturating_sub(MAX_OPS);
    let shown = &shown[hidden..];

    let t0 = shown.first().map_or(0, |&i| h.ops[i].call_ms);
    let last = shown.iter().map(|&i| h.ops[i].return_ms.unwrap_or(h.ops[i].call_ms)).max().unwrap_or(t0);
    let t1 = now_ms.max(last).max(t0.saturating_add(100));
    let plot_w = WIDTH - LEFT - RIGHT;
    let x_of = |t: u64| LEFT + (t.saturating_sub(t0)) as f64 / (t1 - t0) as f64 * plot_w;

    // Rows in client order; within a row, each bar takes the first lane its bar and words
    // fit in without touching the previous one.
    let clients: Vec<u64> = {
        let mut c: Vec<u64> = shown.iter().map(|&i| h.ops[i].client).collect();
        c.sort_unstable();
        c.dedup();
        c
    };
    let row_of = |client: u64| clients.binary_search(&client).unwrap_or(0);
    let mut lanes: Vec<Vec<f64>> = vec![Vec::new(); clients.len()];
    let mut placed: Vec<(usize, usize, f64, f64, f64, bool, String)> = Vec::new();
    for &i in shown {
        let op = &h.ops[i];
        let open = op.return_ms.is_none();
        let x0 = x_of(op.call_ms);
        let x1 = if open { WIDTH - RIGHT } else { x_of(op.return_ms.unwrap_or(op.call_ms)).max(x0 + MIN_BAR_W) };
        let words = report::op_words(op);
        let text_w = (label_chars(&words, &place[i]) as f64) * CHAR_W;
        let Some(row_lanes) = lanes.get_mut(row_of(op.client)) else { continue };
        let text_x = x0.min(WIDTH - RIGHT - text_w).max(LEFT);
        let (start, end) = (x0.min(text_x), x1.max(text_x + text_w) + 6.0);
        let lane = match row_lanes.iter().position(|&e| e <= start) {
            Some(l) => {
                row_lanes[l] = end;
                l
            }
            None => {
                row_lanes.push(end);
                row_lanes.len() - 1
            }
        };
        placed.push((i, lane, x0, x1, text_x, open, words));
    }
    let mut rows = Vec::new();
    let mut y = AXIS_H;
    for (r, &c) in clients.iter().enumerate() {
        let height = lanes.get(r).map_or(1, Vec::len).max(1) as f64 * LANE_H;
        rows.push(Row { client: c, label: format!("client → n{c}"), y, height });
        y += height;
    }
    let mut bar_y = vec![None; h.ops.len()];
    let bars: Vec<Bar> = placed
        .into_iter()
        .map(|(i, lane, x0, x1, text_x, open, words)| {
            let op = &h.ops[i];
            let row = row_of(op.client);
            let top = rows.get(row).map_or(AXIS_H, |r: &Row| r.y);
            let by = top + lane as f64 * LANE_H + BAR_DY;
            bar_y[i] = Some(by);
            let title = match op.return_ms {
                Some(r) => format!("n{} · {}–{} ms", op.client, op.call_ms, r),
                None => format!("n{} · {} ms –, no answer", op.client, op.call_ms),
            };
            let point = at_ms[i].map(x_of);
            let colour = colour.get(i).copied().unwrap_or(0);
            Bar { op: i, row, y: by, x0, x1, open, words, text_x, place: place[i].clone(), point, title, colour }
        })
        .collect();
    let chains = orders
        .into_iter()
        .map(|(colour, key, order)| {
            let points =
                order.iter().filter_map(|&i| Some((x_of(at_ms[i]?), bar_y.get(i).copied().flatten()? + 2.0))).collect();
            Chain { key, colour, points }
        })
        .filter(|c: &Chain| c.points.len() > 1)
        .collect();
    let step = tick_step_ms(t1 - t0);
    let ticks = (t0.div_ceil(step)..=t1 / step)
        .take(20)
        .map(|k| Tick { x: x_of(k * step), label: time_words(k * step) })
        .collect();
    let overall = judged.overall();
    Layout {
        verdict: report::verdict(h, &overall),
        violated: overall.is_err(),
        rows,
        bars,
        ticks,
        chains,
        hidden,
        height: y + 4.0,
    }
}

/// The drawn label's length in characters: the words, the order number before them, and a
/// violation's note after them.
fn label_chars(words: &str, place: &Place) -> usize {
    let extra = match place {
        Place::At(n) => n.to_string().len() + 1,
        Place::Unplaced => 0,
        Place::Violation(why) => violation_note(why).chars().count() + 1,
    };
    words.chars().count() + extra
}

/// `✗ cannot be placed: stale read`.
pub fn violation_note(why: &str) -> String {
    format!("✗ cannot be placed: {why}")
}

/// Text for SVG markup: the words carry user-typed keys and values, which must stay text.
/// pulldown-cmark's own escaper (the lessons' Markdown already links it into the site), for
/// attribute values and text alike: `&`, `<`, `>`, `"` and `'`.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, s);
    out
}

/// The drawing as SVG markup (the panel inserts it whole: a string is far smaller in the
/// wasm than the same tree built element by element). Rows are `g.client-row`, bars are
/// `g.op` with `placed`, `unplaced` or `violation` (and `unknown` when unanswered).
pub fn svg(l: &Layout) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg id="history-svg" viewBox="0 0 {WIDTH:.1} {:.1}" role="img" aria-label="{}">"#,
        l.height,
        esc(&l.verdict)
    );
    for (i, r) in l.rows.iter().enumerate() {
        let _ = write!(
            s,
            r#"<g class="client-row{}" data-client="{}"><rect class="band" x="0" y="{:.1}" width="{WIDTH:.1}" height="{:.1}"/><text class="row-label" x="4" y="{:.1}">{}</text></g>"#,
            if i % 2 == 1 { " alt" } else { "" },
            r.client,
            r.y,
            r.height,
            r.y + 18.0,
            esc(&r.label)
        );
    }
    let axis = AXIS_H - 4.0;
    let _ = write!(s, r#"<line class="axis" x1="{LEFT:.1}" y1="{axis:.1}" x2="{WIDTH:.1}" y2="{axis:.1}"/>"#);
    for t in &l.ticks {
        let _ = write!(
            s,
            r#"<g class="tick"><line x1="{x:.1}" y1="{axis:.1}" x2="{x:.1}" y2="{:.1}"/><text x="{x:.1}" y="12">{}</text></g>"#,
            l.height,
            t.label,
            x = t.x
        );
    }
    for c in &l.chains {
        let _ = write!(s, r#"<polyline class="lin-order k{}" data-key="{}" points=""#, c.colour, esc(&c.key));
        for (x, y) in &c.points {
            let _ = write!(s, "{x:.1},{y:.1} ");
        }
        s.push_str(r#""/>"#);
    }
    for b in &l.bars {
        let kind = match b.place {
            Place::At(_) => "placed",
            Place::Unplaced => "unplaced",
            Place::Violation(_) => "violation",
        };
        let _ = write!(
            s,
            r#"<g class="op {kind}{} k{}" data-op="{}" data-row="{}"><title>{}</title><rect x="{:.1}" y="{:.1}" width="{:.1}" height="6" rx="2"/>"#,
            if b.open { " unknown" } else { "" },
            b.colour,
            b.op,
            b.row,
            esc(&b.title),
            b.x0,
            b.y,
            (b.x1 - b.x0).max(0.0)
        );
        let mid = b.y + 3.0;
        if b.open {
            // An arrowhead at the right edge: the op may still take effect.
            let _ = write!(s, r#"<path class="arrow" d="M{:.1} {mid:.1} l-6 -5 v10 z"/>"#, b.x1);
        }
        if let Some(x) = b.point {
            let _ = write!(s, r#"<circle class="point" cx="{x:.1}" cy="{mid:.1}" r="3"/>"#);
        }
        let _ = write!(s, r#"<text x="{:.1}" y="{:.1}">"#, b.text_x, b.y + 18.0);
        if let Place::At(n) = b.place {
            let _ = write!(s, r#"<tspan class="order">{n} </tspan>"#);
        }
        s.push_str(&esc(&b.words));
        if let Place::Violation(why) = b.place {
            let _ = write!(s, r#"<tspan class="why"> {}</tspan>"#, esc(&violation_note(why)));
        }
        s.push_str("</text></g>");
    }
    s.push_str("</svg>");
    s
}

/// The layout of a trace's history, kept between frames: the trace is rescanned only when
/// it changed, and the search re-run only when the history did.
#[derive(Default)]
pub struct HistoryCache {
    trace_key: Option<(u64, u64)>,
    now_ms: u64,
    history: History,
    judged: Judged,
    layout: Option<Layout>,
}

impl HistoryCache {
    pub fn get(&mut self, trace: &Trace, now_ms: u64) -> &Layout {
        let key = (trace.len(), trace.hash());
        if self.trace_key != Some(key) {
            self.trace_key = Some(key);
            let h = record::of(trace, true);
            if h != self.history || self.layout.is_none() {
                self.judged = judge(&h);
                self.history = h;
            }
            self.layout = None;
        }
        if self.now_ms != now_ms {
            self.now_ms = now_ms;
            self.layout = None;
        }
        let (h, j) = (&self.history, &self.judged);
        self.layout.get_or_insert_with(|| layout(h, j, now_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::fixtures::{self, get, put, val};
    use crate::history::{Input, Op, Output};

    fn op(client: u64, call: u64, ret: Option<u64>, label: &str, input: Input, output: Output) -> Op {
        Op { label: label.into(), ..fixtures::op(client, call, ret, input, output) }
    }

    /// n2 writes 1, n3 writes 3, n1 serves a stale 1, and an unanswered put n2 made.
    fn stale() -> History {
        History {
            ops: vec![
                op(2, 1000, Some(1040), "put x 1", put("x", "1"), Output::Ok),
                op(3, 2000, Some(2050), "put x 3", put("x", "3"), Output::Ok),
                op(1, 3000, Some(3001), "get x --consistency=s", get("x"), val("1")),
                op(2, 1500, None, "put x 2", put("x", "2"), Output::Unknown),
                op(3, 2100, Some(2150), "put y 5", put("y", "5"), Output::Ok),
            ],
        }
    }

    #[test]
    fn rows_are_clients_in_order_and_bars_follow_time() {
        let h = stale();
        let l = layout(&h, &judge(&h), 4000);
        let labels: Vec<&str> = l.rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["client → n1", "client → n2", "client → n3"]);
        let order: Vec<usize> = l.bars.iter().map(|b| b.op).collect();
        assert_eq!(order, [0, 3, 1, 4, 2], "by call time");
        let first = &l.bars[0];
        assert_eq!((first.x0, first.text_x, first.row), (LEFT, LEFT, 1));
        let open = l.bars.iter().find(|b| b.op == 3).unwrap();
        assert!(open.open);
        assert_eq!(open.x1, WIDTH - RIGHT, "an unanswered op runs to the right edge");
        assert_eq!(open.words, "put x 2 → no answer");
        // n3's second op starts under the first one's words, so the row takes two lanes;
        // n2's unanswered put starts after the first put's words end.
        assert_eq!(l.rows[2].height, 2.0 * LANE_H);
        assert_eq!((l.rows[0].height, l.rows[1].height), (LANE_H, LANE_H));
        assert_eq!(l.height, AXIS_H + 4.0 * LANE_H + 4.0);
    }

    #[test]
    fn the_stale_read_is_marked_and_the_other_key_keeps_its_order() {
        let h = stale();
        let l = layout(&h, &judge(&h), 4000);
        assert!(l.violated);
        assert_eq!(
            l.verdict,
            "NOT linearizable: key x, get x --consistency=s → 1 returned a value no order allows (a stale read)"
        );
        let place = |op: usize| l.bars.iter().find(|b| b.op == op).unwrap().place.clone();
        assert_eq!(place(2), Place::Violation("stale read"));
        assert_eq!(place(0), Place::At(1));
        assert_eq!(place(1), Place::At(2));
        assert_eq!(place(3), Place::Unplaced, "pruned: no read saw its value");
        assert_eq!(place(4), Place::At(1), "key y is judged on its own");
        assert_eq!(violation_note("stale read"), "✗ cannot be placed: stale read");
        let x = l.chains.iter().find(|c| c.key == "x").unwrap();
        assert_eq!(x.points.len(), 2, "the prefix that could be placed");
        assert!(l.chains.iter().all(|c| c.key != "y"), "a one-op chain is not drawn");
        let colour = |op: usize| l.bars.iter().find(|b| b.op == op).unwrap().colour;
        assert_eq!([0, 1, 2, 3, 4].map(colour), [0, 0, 0, 0, 1], "x is the first key, y the second");
        assert_eq!(x.colour, 0);
        // Judged key by key, the verdict is still the whole history's.
        assert_eq!(judge(&h).overall(), check::linearizable(&h));
    }

    #[test]
    fn linearization_points_respect_the_order_and_each_interval() {
        // Two overlapping ops where the read must come first: the put's point waits for it.
        let h = History {
            ops: vec![
                op(1, 0, Some(100), "put x 1", put("x", "1"), Output::Ok),
                op(2, 50, Some(60), "get x", get("x"), Output::Value(None)),
                op(2, 200, Some(210), "get x", get("x"), val("1")),
            ],
        };
        let j = judge(&h);
        assert_eq!(j.keys, vec![KeyOutcome::Order("x".into(), vec![1, 0, 2])]);
        let l = layout(&h, &j, 210);
        assert_eq!(l.verdict, "linearizable: 3 operations on 1 key");
        let point = |op: usize| l.bars.iter().find(|b| b.op == op).unwrap().point.unwrap();
        let x_at = |t: f64| LEFT + t / 210.0 * (WIDTH - LEFT - RIGHT);
        assert_eq!(point(1), x_at(50.0));
        assert_eq!(point(0), x_at(50.0), "after the read, within its own interval");
        assert_eq!(point(2), x_at(200.0));
    }

    #[test]
    fn only_the_newest_ops_are_drawn_and_all_are_checked() {
        let ops = (0..250u64)
            .map(|k| op(1 + k % 3, k * 10, Some(k * 10 + 5), "put x 1", put("x", &k.to_string()), Output::Ok))
            .collect();
        let h = History { ops };
        let l = layout(&h, &judge(&h), 3000);
        assert_eq!((l.bars.len(), l.hidden), (MAX_OPS, 50));
        assert_eq!(l.bars[0].op, 50);
        assert_eq!(l.verdict, "linearizable: 250 operations on 1 key");
        assert_eq!(l.bars.last().unwrap().place, Place::At(250));
    }

    #[test]
    fn ticks_are_round_and_worded() {
        assert_eq!(tick_step_ms(10_000), 2000);
        assert_eq!(tick_step_ms(700), 100);
        assert_eq!(tick_step_ms(0), 1);
        assert_eq!(tick_step_ms(u64::MAX), 5 * 10u64.pow(18));
        assert_eq!(
            [0, 250, 1000, 3500, 12_340, 1_001].map(time_words),
            ["0s", "250ms", "1s", "3.5s", "12.34s", "1.001s"]
        );
        let h = stale();
        let l = layout(&h, &judge(&h), 4000);
        let labels: Vec<&str> = l.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["1s", "1.5s", "2s", "2.5s", "3s", "3.5s", "4s"]);
        assert_eq!(l.ticks[0].x, LEFT);
        assert_eq!(l.ticks[6].x, WIDTH - RIGHT);
    }

    #[test]
    fn the_svg_marks_the_violation_and_keeps_typed_text_as_text() {
        let mut h = stale();
        h.ops[4].label = "put <b>y</b> 5".into();
        let s = svg(&layout(&h, &judge(&h), 4000));
        assert!(s.starts_with(
            r#"<svg id="history-svg" viewBox="0 0 760.0 146.0" role="img" aria-label="NOT linearizable: key x, "#
        ));
        assert_eq!(s.matches(r#"<g class="client-row"#).count(), 3);
        assert_eq!(s.matches(r#"<g class="op "#).count(), 5);
        assert!(s.contains(
            r#"<text x="365.2" y="48.0">get x --consistency=s → 1<tspan class="why"> ✗ cannot be placed: stale read</tspan></text>"#
        ), "{s}");
        assert!(s.contains(r#"<g class="op violation k0" data-op="2" data-row="0">"#));
        // Its bar is at 528.0; its 56 characters would run past the right edge there, so
        // the words end at the edge instead: 760 - 14 - 56 * 6.8.
        assert!(s.contains(r#"<rect x="528.0" y="30.0" width="3.0" height="6" rx="2"/>"#));
        assert!(s.contains(r#"<g class="op unplaced unknown k0" data-op="3" data-row="1">"#));
        assert!(s.contains(r#"<tspan class="order">1 </tspan>put &lt;b&gt;y&lt;/b&gt; 5 → OK"#));
        assert!(!s.contains("<b>"));
        assert_eq!(esc(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }

    #[test]
    fn an_empty_history_lays_out_nothing() {
        let h = History::default();
        let l = layout(&h, &judge(&h), 0);
        assert_eq!((l.rows.len(), l.bars.len(), l.hidden), (0, 0, 0));
        assert_eq!(l.verdict, "no operations yet: nothing to check");
        assert!(!l.violated);
    }
}
