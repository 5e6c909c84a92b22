//! Just enough of RFC 3986 to turn the links of a page into absolute http(s) URLs:
//! reference resolution (§5.2) with dot-segment removal, a lower-cased scheme and host, and the
//! fragment dropped. No percent-decoding, IDNA or other normalisation.

/// A URI reference split as in RFC 3986 appendix B.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Parts<'a> {
    scheme: Option<&'a str>,
    authority: Option<&'a str>,
    path: &'a str,
    query: Option<&'a str>,
}

fn split(s: &str) -> Parts<'_> {
    let s = s.split('#').next().unwrap_or("");
    let (scheme, rest) = match s.find(|c| matches!(c, ':' | '/' | '?')) {
        Some(i) if s.as_bytes()[i] == b':' && is_scheme(&s[..i]) => (Some(&s[..i]), &s[i + 1..]),
        _ => (None, s),
    };
    let (authority, rest) = match rest.strip_prefix("//") {
        Some(r) => {
            let end = r.find(|c| matches!(c, '/' | '?')).unwrap_or(r.len());
            (Some(&r[..end]), &r[end..])
        }
        None => (None, rest),
    };
    let (path, query) = match rest.find('?') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    Parts { scheme, authority, path, query }
}

fn is_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// RFC 3986 §5.2.4.
fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let absolute = path.starts_with('/');
    let segments: Vec<&str> = path.split('/').skip(usize::from(absolute)).collect();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *seg {
            "." => {
                if last {
                    out.push("");
                }
            }
            ".." => {
                out.pop();
                if last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    let joined = out.join("/");
    if absolute {
        format!("/{}", joined)
    } else {
        joined
    }
}

/// Resolves `reference` against the absolute URL `base` and returns it if it is an absolute
/// `http`/`https` URL with a host, without its fragment.
pub fn resolve(base: &str, reference: &str) -> Option<String> {
    let reference = clean(reference);
    let b = split(base);
    let r = split(&reference);
    let (scheme, authority, path, query) = if let Some(scheme) = r.scheme {
        (scheme, r.authority, remove_dot_segments(r.path), r.query)
    } else if r.authority.is_some() {
        (b.scheme?, r.authority, remove_dot_segments(r.path), r.query)
    } else if r.path.is_empty() {
        (b.scheme?, b.authority, b.path.to_owned(), r.query.or(b.query))
    } else if r.path.starts_with('/') {
        (b.scheme?, b.authority, remove_dot_segments(r.path), r.query)
    } else {
        let merged = match (b.authority, b.path) {
            (Some(_), "") => format!("/{}", r.path),
            (_, p) => format!("{}{}", &p[..p.rfind('/').map_or(0, |i| i + 1)], r.path),
        };
        (b.scheme?, b.authority, remove_dot_segments(&merged), r.query)
    };
    let scheme = scheme.to_ascii_lowercase();
    let authority = authority.filter(|a| !a.is_empty())?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    // Lower-case the host, not the user info.
    let host_at = authority.rfind('@').map_or(0, |i| i + 1);
    let authority = format!("{}{}", &authority[..host_at], authority[host_at..].to_ascii_lowercase());
    let path = if path.is_empty() { "/".to_owned() } else { path };
    Some(match query {
        Some(q) => format!("{}://{}{}?{}", scheme, authority, path, q),
        None => format!("{}://{}{}", scheme, authority, path),
    })
}

/// Strips what HTML strips from a URL attribute: surrounding whitespace, and tabs and newlines
/// inside. Encodes inner spaces so the result stays one token.
fn clean(reference: &str) -> String {
    reference
        .trim_matches(|c: char| c.is_ascii_whitespace())
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .replace(' ', "%20")
}

#[cfg(test)]
mod tests {
    use super::resolve;

    const BASE: &str = "http://a/b/c/d;p?q";

    /// RFC 3986 §5.4's examples, fragments dropped.
    #[test]
    fn rfc3986_examples() {
        let cases = [
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g/"),
            ("?y", "http://a/b/c/d;p?y"),
            ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q"),
            ("g#s", "http://a/b/c/g"),
            (";x", "http://a/b/c/;x"),
            ("", "http://a/b/c/d;p?q"),
            (".", "http://a/b/c/"),
            ("./", "http://a/b/c/"),
            ("..", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../..", "http://a/"),
            ("../../g", "http://a/g"),
            ("../../../g", "http://a/g"),
            ("/./g", "http://a/g"),
            ("/../g", "http://a/g"),
            ("g.", "http://a/b/c/g."),
            ("..g", "http://a/b/c/..g"),
            ("./../g", "http://a/b/g"),
            ("./g/.", "http://a/b/c/g/"),
            ("g/./h", "http://a/b/c/g/h"),
            ("g/../h", "http://a/b/c/h"),
            ("g;x=1/../y", "http://a/b/c/y"),
            ("g?y/./x", "http://a/b/c/g?y/./x"),
        ];
        for (reference, expected) in cases {
            assert_eq!(resolve(BASE, reference).as_deref(), Some(expected), "resolving {:?}", reference);
        }
    }

    #[test]
    fn keeps_only_http_urls_with_a_host() {
        assert_eq!(resolve(BASE, "mailto:x@example.com"), None);
        assert_eq!(resolve(BASE, "javascript:void(0)"), None);
        assert_eq!(resolve(BASE, "ftp://example.com/f"), None);
        assert_eq!(resolve(BASE, "http:g"), None, "a strict parser reads this as a host-less URL");
        assert_eq!(resolve("file:///x", "y"), None);
    }

    #[test]
    fn normalises_scheme_host_and_empty_path() {
        assert_eq!(resolve(BASE, "HTTPS://User@Example.COM").as_deref(), Some("https://User@example.com/"));
        assert_eq!(resolve("https://example.com", "a").as_deref(), Some("https://example.com/a"));
    }

    #[test]
    fn cleans_whitespace_like_html() {
        assert_eq!(resolve(BASE, "  g\n/h  ").as_deref(), Some("http://a/b/c/g/h"));
        assert_eq!(resolve(BASE, "a b").as_deref(), Some("http://a/b/c/a%20b"));
    }
}
