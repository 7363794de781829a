//! Go's number-to-text conventions that etcdctl output depends on.

/// `humanize.Bytes` (go-humanize, SI units), as etcdctl prints DB SIZE: `25 kB`, `1.2 MB`.
/// One decimal below 10 units, none above; below 10 bytes plain `N B`.
pub fn humanize_bytes(size: i64) -> String {
    const UNITS: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    let size = size.max(0) as u64;
    if size < 10 {
        return format!("{size} B");
    }
    // e = floor(log1000(size)), computed exactly with integers rather than floats.
    let mut e = 0usize;
    let mut div = 1u64;
    while e + 1 < UNITS.len() && size / div >= 1000 {
        div *= 1000;
        e += 1;
    }
    // Go: val = floor(size/1000^e*10+0.5)/10.
    let val = ((size as f64 / div as f64) * 10.0 + 0.5).floor() / 10.0;
    if val < 10.0 {
        format!("{val:.1} {}", UNITS[e])
    } else {
        format!("{val:.0} {}", UNITS[e])
    }
}

/// Go's `time.Duration.String()`: `2.975359ms`, `5.000686907s`, `1m2.5s`, `850ns`,
/// `12.5µs`, `0s`. etcdctl prints `endpoint health` timings this way.
pub fn go_duration(nanos: u64) -> String {
    if nanos == 0 {
        return "0s".to_string();
    }
    if nanos < 1_000 {
        return format!("{nanos}ns");
    }
    if nanos < 1_000_000 {
        return format!("{}µs", frac(nanos, 1_000));
    }
    if nanos < 1_000_000_000 {
        return format!("{}ms", frac(nanos, 1_000_000));
    }
    let secs_nanos = nanos % 60_000_000_000;
    let mins = nanos / 60_000_000_000;
    let s = format!("{}s", frac(secs_nanos, 1_000_000_000));
    if mins == 0 {
        return s;
    }
    let (h, m) = (mins / 60, mins % 60);
    if h == 0 {
        format!("{m}m{s}")
    } else {
        format!("{h}h{m}m{s}")
    }
}

/// `n / unit` with the fraction's trailing zeros trimmed, as Go's fmtFrac does.
fn frac(n: u64, unit: u64) -> String {
    let (whole, rest) = (n / unit, n % unit);
    if rest == 0 {
        return whole.to_string();
    }
    let digits = unit.ilog10() as usize;
    let f = format!("{rest:0digits$}");
    format!("{whole}.{}", f.trim_end_matches('0'))
}
