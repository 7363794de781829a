//! Narration to HTML, safe to put in the page.
//!
//! Contract: the output never carries markup the lesson wrote itself. Raw HTML blocks and
//! inline HTML are shown as text (escaped), and a link or image whose address is not
//! http(s), mailto, a fragment or a relative path points nowhere (`#`). So a lesson file,
//! even one loaded from another site, cannot run script in the page.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};

fn safe_url(url: &str) -> bool {
    let u: String =
        url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>().to_ascii_lowercase();
    match u.find(':') {
        // No scheme: relative or a fragment, unless a ':' hides one before any '/', '?' or '#'.
        None => true,
        Some(i) => {
            let scheme = &u[..i];
            if scheme.contains(['/', '?', '#']) {
                return true;
            }
            matches!(scheme, "http" | "https" | "mailto")
        }
    }
}

pub fn to_html(markdown: &str) -> String {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(markdown, opts).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) if !safe_url(&dest_url) => {
            Event::Start(Tag::Link { link_type, dest_url: CowStr::Borrowed("#"), title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) if !safe_url(&dest_url) => {
            Event::Start(Tag::Image { link_type, dest_url: CowStr::Borrowed("#"), title, id })
        }
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn markdown_renders() {
        assert_eq!(
            to_html("A **leader** and `put x 1`."),
            "<p>A <strong>leader</strong> and <code>put x 1</code>.</p>\n"
        );
    }

    #[test]
    fn raw_html_and_script_urls_are_inert() {
        assert_eq!(to_html("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
        assert_eq!(to_html("hi <img src=x onerror=alert(1)>"), "<p>hi &lt;img src=x onerror=alert(1)&gt;</p>\n");
        assert_eq!(to_html("[x](javascript:alert(1))"), "<p><a href=\"#\">x</a></p>\n");
        assert_eq!(to_html("[x](JaVaScRiPt:alert(1))"), "<p><a href=\"#\">x</a></p>\n");
        assert_eq!(to_html("[x](&#106;avascript:alert(1))"), "<p><a href=\"#\">x</a></p>\n");
        assert_eq!(to_html("<javascript:alert(1)>"), "<p><a href=\"#\">javascript:alert(1)</a></p>\n");
        assert_eq!(to_html("![x](data:text/html,<script>)"), "<p><img src=\"#\" alt=\"x\" /></p>\n");
        assert_eq!(to_html("[ok](https://etcd.io/docs)"), "<p><a href=\"https://etcd.io/docs\">ok</a></p>\n");
        assert_eq!(to_html("[ok](../lessons/a.md#b)"), "<p><a href=\"../lessons/a.md#b\">ok</a></p>\n");
    }
}
