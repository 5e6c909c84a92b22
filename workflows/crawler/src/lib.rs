//! The crawler, mvm-ci's default workflow (the original's `start_crawler`).
//!
//! Input: `{"url": "https://example.com"}`. Fetches the URL, following up to five redirects
//! itself (the host never follows them), and outputs
//!
//! ```json
//! {"url": "<as given>", "final_url": "<after redirects>", "status": 200,
//!  "content_type": "text/html", "title": "Example Domain", "bytes": 1256, "truncated": false,
//!  "links": ["https://www.iana.org/domains/example"]}
//! ```
//!
//! `title` is null when the page has none or is not HTML; `bytes` counts the body as the host
//! delivered it (UTF-8, at most 1 MiB); `links` are the absolute http(s) URLs of the page's
//! `<a>`/`<area>` elements, resolved against the page (or its `<base>`), without fragments,
//! deduplicated, in document order, at most 100. Any HTTP status is a result, not a failure.
//! A transport error, a denied URL or a redirect loop fails the run with a readable message.
//!
//! Every GET is marked idempotent, so a crash while one is in flight makes the host send it
//! again; the crawler therefore never sees `INTERRUPTED` and treats it like any other error.

mod html;
mod url;

use std::collections::BTreeSet;

use mvmci::http::{Request, Response};
use serde::{Deserialize, Serialize};

const MAX_REDIRECTS: usize = 5;
const MAX_LINKS: usize = 100;

#[derive(Deserialize)]
struct Input {
    url: String,
}

#[derive(Serialize, Debug, PartialEq, Eq)]
struct Report {
    url: String,
    final_url: String,
    status: u16,
    content_type: Option<String>,
    title: Option<String>,
    bytes: usize,
    truncated: bool,
    links: Vec<String>,
}

fn main() -> mvmci::Result<()> {
    let Input { url } = mvmci::input_json()
        .map_err(|e| e.context(r#"input must be {"url": "http(s)://..."}"#))?;
    mvmci::progress(5, &format!("fetching {}", url));
    let (final_url, response) = fetch(&url)?;
    mvmci::progress(70, &format!("HTTP {}, parsing {} bytes", response.status, response.body.len()));
    let report = report(url, final_url, &response);
    mvmci::info(&format!("{}: HTTP {}, {} links", report.final_url, report.status, report.links.len()));
    mvmci::output_json(&report)?;
    mvmci::progress(100, &format!("done: {} links", report.links.len()));
    Ok(())
}

mvmci::workflow!(main);

/// GETs `url`, following redirects; returns the URL that answered and its response.
fn fetch(url: &str) -> mvmci::Result<(String, Response)> {
    let mut current = url.to_owned();
    for hop in 0..=MAX_REDIRECTS {
        let response = Request::get(&current)
            .header("accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
            .header("user-agent", "mvm-ci-crawler/0.1")
            .send()
            .map_err(|e| mvmci::Error::from(e).context(format!("fetching {}", current)))?;
        let next = match response.status {
            301 | 302 | 303 | 307 | 308 => response.header("location").and_then(|l| url::resolve(&current, l)),
            _ => None,
        };
        match next {
            Some(next) if hop < MAX_REDIRECTS => {
                mvmci::progress(10 + 10 * hop as u32, &format!("HTTP {}: redirected to {}", response.status, next));
                current = next;
            }
            Some(_) => return Err(mvmci::Error::msg(format!("{}: more than {} redirects", url, MAX_REDIRECTS))),
            None => return Ok((current, response)),
        }
    }
    unreachable!("the loop returns on its last hop")
}

fn report(url: String, final_url: String, response: &Response) -> Report {
    let content_type = response.header("content-type").map(str::to_owned);
    let is_html = match &content_type {
        Some(ct) => ct.to_ascii_lowercase().contains("html"),
        None => response.body.trim_start().starts_with('<'),
    };
    let (title, links) = if is_html {
        let page = html::scan(&response.body);
        let base = page.base.as_deref().and_then(|b| url::resolve(&final_url, b)).unwrap_or_else(|| final_url.clone());
        (page.title, absolute_links(&base, &page.hrefs))
    } else {
        (None, Vec::new())
    };
    Report { url, final_url, status: response.status, content_type, title, bytes: response.body.len(), truncated: response.truncated, links }
}

/// Absolute http(s) links, deduplicated in document order, at most `MAX_LINKS`; links that
/// only point into the page itself (`#section`) are left out.
fn absolute_links(base: &str, hrefs: &[String]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    hrefs
        .iter()
        .filter(|h| !h.trim_start().starts_with('#'))
        .filter_map(|h| url::resolve(base, h))
        .filter(|l| seen.insert(l.clone()))
        .take(MAX_LINKS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn response(content_type: Option<&str>, body: &str) -> Response {
        let mut headers = BTreeMap::new();
        if let Some(ct) = content_type {
            headers.insert("content-type".to_owned(), ct.to_owned());
        }
        Response { status: 200, headers, body: body.to_owned(), truncated: false }
    }

    #[test]
    fn reports_title_and_resolved_deduplicated_links() {
        let body = r##"<title>T</title><a href="/x">1</a><a href="x">2</a><a href="/x#frag">3</a>
                      <a href="#top">4</a><a href="mailto:a@b">5</a><a href="https://Other.example/">6</a>"##;
        let r = report("http://h/".into(), "http://h/dir/page".into(), &response(Some("text/html"), body));
        assert_eq!(r.title.as_deref(), Some("T"));
        assert_eq!(r.links, ["http://h/x", "http://h/dir/x", "https://other.example/"]);
        assert_eq!(r.bytes, body.len());
    }

    #[test]
    fn base_href_changes_resolution() {
        let body = r#"<base href="https://cdn.example/assets/"><a href="img">i</a>"#;
        let r = report("http://h/".into(), "http://h/".into(), &response(None, body));
        assert_eq!(r.links, ["https://cdn.example/assets/img"]);
    }

    #[test]
    fn non_html_has_no_title_or_links() {
        let r = report("http://h/".into(), "http://h/".into(), &response(Some("application/json"), r#"{"a":"<a href=x>"}"#));
        assert_eq!((r.title, r.links.len()), (None, 0));
    }

    #[test]
    fn caps_links() {
        let body: String = (0..150).map(|i| format!("<a href=/{}>", i)).collect();
        let r = report("http://h/".into(), "http://h/".into(), &response(Some("text/html"), &body));
        assert_eq!(r.links.len(), MAX_LINKS);
        assert_eq!(r.links[99], "http://h/99");
    }
}
