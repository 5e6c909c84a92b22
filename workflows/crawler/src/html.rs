//! A small, forgiving HTML scanner: the document's title, its `<base href>` and the `href` of
//! its `<a>` and `<area>` elements. It follows the tokenizer's rules where they matter for those
//! (comments, raw-text elements, quoted and unquoted attributes, character references), and
//! builds no tree.

/// What the crawler wants from a page.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Page {
    pub title: Option<String>,
    pub base: Option<String>,
    /// `href` values in document order, character references decoded, not yet resolved.
    pub hrefs: Vec<String>,
}

pub fn scan(html: &str) -> Page {
    let mut page = Page::default();
    let lower = html.to_ascii_lowercase(); // same byte offsets: only ASCII changes
    let mut pos = 0;
    while let Some(lt) = html[pos..].find('<').map(|i| pos + i) {
        let rest = &lower[lt..];
        pos = if rest.starts_with("<!--") {
            skip_past(&lower, lt + 4, "-->")
        } else if rest.starts_with("<!") || rest.starts_with("<?") || rest.starts_with("</") {
            skip_past(&lower, lt, ">")
        } else {
            match tag(html, lt + 1) {
                None => lt + 1,
                Some(t) => {
                    match t.name.as_str() {
                        "a" | "area" => page.hrefs.extend(t.href),
                        "base" if page.base.is_none() => page.base = t.href,
                        "title" => {
                            let end = lower[t.end..].find("</title").map_or(html.len(), |i| t.end + i);
                            if page.title.is_none() {
                                page.title = Some(collapse_whitespace(&decode_entities(&html[t.end..end])))
                                    .filter(|t| !t.is_empty());
                            }
                        }
                        _ => {}
                    }
                    match t.name.as_str() {
                        // Raw text and RCDATA: no tags inside, up to the matching end tag.
                        name @ ("script" | "style" | "title" | "textarea" | "xmp" | "noembed" | "noframes") => {
                            lower[t.end..].find(&format!("</{}", name)).map_or(html.len(), |i| t.end + i)
                        }
                        _ => t.end,
                    }
                }
            }
        };
    }
    page
}

/// The offset just past the first `needle` at or after `from`, or the end.
fn skip_past(lower: &str, from: usize, needle: &str) -> usize {
    lower[from..].find(needle).map_or(lower.len(), |i| from + i + needle.len())
}

struct Tag {
    name: String,
    href: Option<String>,
    /// Offset just past the tag's `>`.
    end: usize,
}

/// Parses a start tag whose name begins at `start` (just after `<`).
fn tag(html: &str, start: usize) -> Option<Tag> {
    let bytes = html.as_bytes();
    if !bytes.get(start)?.is_ascii_alphabetic() {
        return None; // "<" followed by anything else is text
    }
    let mut i = start;
    while i < bytes.len() && !is_space(bytes[i]) && bytes[i] != b'/' && bytes[i] != b'>' {
        i += 1;
    }
    let name = html[start..i].to_ascii_lowercase();
    let mut href = None;
    loop {
        while i < bytes.len() && (is_space(bytes[i]) || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] == b'>' {
            return Some(Tag { name, href, end: (i + 1).min(bytes.len()) });
        }
        let name_start = i;
        i += 1; // an attribute name may start with '='
        while i < bytes.len() && !is_space(bytes[i]) && !matches!(bytes[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let attr = &html[name_start..i];
        while i < bytes.len() && is_space(bytes[i]) {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            continue; // an attribute without a value
        }
        i += 1;
        while i < bytes.len() && is_space(bytes[i]) {
            i += 1;
        }
        let value = match bytes.get(i) {
            Some(&q) if q == b'"' || q == b'\'' => {
                let end = html[i + 1..].find(q as char).map_or(html.len(), |e| i + 1 + e);
                let v = &html[i + 1..end];
                i = (end + 1).min(bytes.len());
                v
            }
            _ => {
                let s = i;
                while i < bytes.len() && !is_space(bytes[i]) && bytes[i] != b'>' {
                    i += 1;
                }
                &html[s..i]
            }
        };
        if href.is_none() && attr.eq_ignore_ascii_case("href") {
            href = Some(decode_entities(value));
        }
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// Decodes numeric character references and the few named ones that matter in titles and URLs;
/// leaves any other `&` as it is.
pub fn decode_entities(s: &str) -> String {
    const NAMED: [(&str, char); 7] =
        [("amp", '&'), ("lt", '<'), ("gt", '>'), ("quot", '"'), ("apos", '\''), ("nbsp", '\u{a0}'), ("copy", '©')];
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest[1..].find(';').filter(|&n| n <= 10).and_then(|n| {
            let name = &rest[1..1 + n];
            let c = if let Some(num) = name.strip_prefix('#') {
                let code = match num.strip_prefix(|c| c == 'x' || c == 'X') {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => num.parse().ok(),
                };
                code.map(|c| char::from_u32(c).unwrap_or('\u{fffd}'))
            } else {
                NAMED.iter().find(|(n, _)| *n == name).map(|&(_, c)| c)
            };
            c.map(|c| (c, n + 2))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// HTML's "strip and collapse ASCII whitespace".
fn collapse_whitespace(s: &str) -> String {
    s.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_title_base_and_links() {
        let page = scan(
            r#"<!doctype html><HTML><head><Title>
                 Hello &amp; welcome </title><base href="/docs/"></head>
               <body><a href="a.html">a</a> <A HREF='b?x=1&amp;y=2'>b</A> <a href=c.html>c</a>
               <area shape=rect href="d"><a name=top>no href</a><link href="style.css"></body>"#,
        );
        assert_eq!(page.title.as_deref(), Some("Hello & welcome"));
        assert_eq!(page.base.as_deref(), Some("/docs/"));
        assert_eq!(page.hrefs, ["a.html", "b?x=1&y=2", "c.html", "d"]);
    }

    #[test]
    fn ignores_comments_scripts_and_stray_angles() {
        let page = scan(
            r#"<!-- <a href="commented"> --><script>var s = "<a href='scripted'>";</script>
               1 < 2 <a href="real">x</a><style>a[href="<a href=styled>"]{}</style>"#,
        );
        assert_eq!(page.hrefs, ["real"]);
        assert_eq!(page.title, None);
    }

    #[test]
    fn empty_or_missing_title_is_none() {
        assert_eq!(scan("<title>  </title>").title, None);
        assert_eq!(scan("<p>no title</p>").title, None);
        assert_eq!(scan("<title>first</title><svg><title>second</title></svg>").title.as_deref(), Some("first"));
    }

    #[test]
    fn survives_truncated_markup() {
        assert_eq!(scan("<a href=\"unterminated").hrefs, ["unterminated"]);
        assert_eq!(scan("<title>cut").title.as_deref(), Some("cut"));
        assert_eq!(scan("<a").hrefs, Vec::<String>::new());
        assert_eq!(scan("<!-- open").hrefs, Vec::<String>::new());
    }

    #[test]
    fn decodes_character_references() {
        assert_eq!(decode_entities("a &lt;b&gt; &#169; &#xA9; &unknown; & &amp"), "a <b> © © &unknown; & &amp");
        assert_eq!(decode_entities("&#xD800;"), "\u{fffd}");
    }
}
