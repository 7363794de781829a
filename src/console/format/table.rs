//! The table layout of `olekukonko/tablewriter` as etcdctl configures it: borders,
//! centered headers, right-aligned cells, and cells wider than 30 columns wrapped at
//! spaces (tablewriter's auto-wrap with its minimum-raggedness line breaking).
//!
//! ```text
//! +------------------+---------+
//! |        ID        | STATUS  |
//! +------------------+---------+
//! | 3d2de3f14be981bf | started |
//! +------------------+---------+
//! ```

/// tablewriter's `MAX_ROW_WIDTH`: cells wider than this are wrapped.
const MAX_COL_WIDTH: usize = 30;

/// tablewriter's penalty for a line longer than the limit (only when a word is longer).
const LONG_LINE_PENALTY: u64 = 100_000;

/// Renders `header` and `rows` (each the same length as `header`), ending in '\n'.
pub(super) fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let cols = header.len();
    let head: Vec<Cell> = header.iter().map(|h| wrap_cell(h)).collect();
    let body: Vec<Vec<Cell>> = rows.iter().map(|r| r.iter().map(|c| wrap_cell(c)).collect()).collect();

    // A column is as wide as its widest cell, header included.
    let mut widths = vec![0usize; cols];
    for cells in std::iter::once(&head).chain(body.iter()) {
        for (w, cell) in widths.iter_mut().zip(cells) {
            *w = (*w).max(cell.width);
        }
    }
    let head: Vec<Vec<String>> = head.into_iter().map(|c| c.lines).collect();
    let body: Vec<Vec<Vec<String>>> = body.into_iter().map(|r| r.into_iter().map(|c| c.lines).collect()).collect();

    let rule = {
        let mut s = String::from("+");
        for w in &widths {
            s.push_str(&"-".repeat(w + 2));
            s.push('+');
        }
        s.push('\n');
        s
    };

    let mut out = rule.clone();
    print_row(&mut out, &head, &widths, center);
    out.push_str(&rule);
    for row in &body {
        print_row(&mut out, row, &widths, pad_left);
    }
    out.push_str(&rule);
    out
}

fn print_row(out: &mut String, cells: &[Vec<String>], widths: &[usize], pad: fn(&str, usize) -> String) {
    let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
    for i in 0..lines {
        out.push('|');
        for (cell, w) in cells.iter().zip(widths) {
            let text = cell.get(i).map(String::as_str).unwrap_or("");
            out.push(' ');
            out.push_str(&pad(text, *w));
            out.push_str(" |");
        }
        out.push('\n');
    }
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// tablewriter's `Pad`: centered, the odd space going right.
fn center(s: &str, w: usize) -> String {
    let gap = w.saturating_sub(width(s));
    let left = gap / 2;
    format!("{}{s}{}", " ".repeat(left), " ".repeat(gap - left))
}

/// tablewriter's `PadLeft`: right-aligned.
fn pad_left(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(width(s))))
}

/// A cell split into display lines, with the width it claims for its column.
struct Cell {
    lines: Vec<String>,
    width: usize,
}

/// tablewriter's `parseDimension` with auto-wrap: split on newlines, then wrap each
/// paragraph to `min(widest line, 30)`. The cell claims that limit as its width even when
/// the wrapped lines are narrower (so a wrapped 44-column cell makes a 30-column column).
fn wrap_cell(s: &str) -> Cell {
    let raw: Vec<&str> = s.split('\n').collect();
    let widest = raw.iter().map(|l| width(l)).max().unwrap_or(0);
    let limit = widest.min(MAX_COL_WIDTH);
    let lines: Vec<String> = raw.iter().flat_map(|para| wrap_string(para, limit)).collect();
    let width = lines.iter().map(|l| width(l)).fold(limit, usize::max);
    Cell { lines, width }
}

/// tablewriter's `WrapString`: words are split on single spaces (so a trailing space
/// yields an empty last word, kept on its line), and the limit grows to the longest word.
fn wrap_string(s: &str, limit: usize) -> Vec<String> {
    let words: Vec<&str> = s.split(' ').collect();
    // Go checks every word but keeps only the last one's width in `max`; the effect is
    // that the limit rises to the longest word.
    let limit = words.iter().map(|w| width(w)).fold(limit, usize::max);
    wrap_words(&words, limit).into_iter().map(|line| line.join(" ")).collect()
}

/// tablewriter's `WrapWords`: minimum raggedness (sum of squared slack) line breaking.
fn wrap_words<'a>(words: &[&'a str], limit: usize) -> Vec<Vec<&'a str>> {
    let n = words.len();
    if n == 0 {
        return vec![];
    }
    // len(i, j): width of words[i..=j] joined by single spaces.
    let widths: Vec<usize> = words.iter().map(|w| width(w)).collect();
    let line_len = |i: usize, j: usize| widths[i..=j].iter().sum::<usize>() + (j - i);
    let mut cost = vec![u64::MAX; n];
    let mut brk = vec![n; n];
    for i in (0..n).rev() {
        if line_len(i, n - 1) <= limit {
            cost[i] = 0;
            brk[i] = n;
            continue;
        }
        for j in i + 1..n {
            let len = line_len(i, j - 1);
            let slack = limit as i64 - len as i64;
            let mut c = ((slack * slack) as u64).saturating_add(cost[j]);
            if len > limit {
                c += LONG_LINE_PENALTY;
            }
            if c < cost[i] {
                cost[i] = c;
                brk[i] = j;
            }
        }
    }
    let mut lines = vec![];
    let mut i = 0;
    while i < n {
        lines.push(words[i..brk[i]].to_vec());
        i = brk[i];
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_alarm_errors_like_tablewriter() {
        let cell = wrap_cell("memberID:18445296877348657933 alarm:NOSPACE ");
        assert_eq!(cell.lines, vec!["memberID:18445296877348657933", "alarm:NOSPACE "]);
        assert_eq!(cell.width, 30);
    }

    #[test]
    fn short_cells_are_not_wrapped() {
        assert_eq!(wrap_cell("etcdserver: no leader").lines, vec!["etcdserver: no leader"]);
        assert_eq!(wrap_cell("").lines, vec![""]);
    }
}
