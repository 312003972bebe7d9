//! Furigana on visitor pages. Page texts keep the catalogue's ruby marks
//! (`｜番号《ばんごう》`, `messages::ruby`) until the page is rendered; this
//! pass then turns each mark in text content into `<ruby>番号<rt>ばんごう
//! </rt></ruby>` and drops it to the base inside tags (attribute values),
//! `<title>`, `<script>`, `<option>` and `<textarea>` (which cannot hold
//! markup). maud has
//! already escaped every value, and the marks contain no markup
//! characters, so the pass only ever adds its own tags.

/// The rendered page with its ruby marks resolved.
pub fn resolve(html: &str) -> String {
    if !html.contains('｜') {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    // Text content up to the next tag gets <ruby>; the tag itself, and
    // the raw text of <title>/<script>, the base only.
    while !rest.is_empty() {
        let text_end = rest.find('<').unwrap_or(rest.len());
        push_ruby(&mut out, &rest[..text_end]);
        rest = &rest[text_end..];
        if rest.is_empty() {
            break;
        }
        let tag_end = rest.find('>').map_or(rest.len(), |i| i + 1);
        let tag = &rest[..tag_end];
        out.push_str(&messages::ruby::plain(tag));
        rest = &rest[tag_end..];
        let lower = tag.to_ascii_lowercase();
        // Raw text and replaced elements cannot hold <ruby>.
        for raw in ["title", "script", "option", "textarea"] {
            if lower.starts_with(&format!("<{raw}")) {
                let close = format!("</{raw}");
                let end = rest.find(&close).unwrap_or(rest.len());
                out.push_str(&messages::ruby::plain(&rest[..end]));
                rest = &rest[end..];
            }
        }
    }
    out
}

fn push_ruby(out: &mut String, text: &str) {
    for seg in messages::ruby::segments(text) {
        match seg {
            messages::Segment::Plain(t) => out.push_str(t),
            messages::Segment::Ruby { base, reading } => {
                out.push_str("<ruby>");
                out.push_str(base);
                out.push_str("<rt>");
                out.push_str(reading);
                out.push_str("</rt></ruby>");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_gets_ruby_attributes_titles_and_scripts_get_the_base() {
        let html = concat!(
            "<title>｜順番《じゅんばん》</title>",
            r#"<p aria-label="｜番号《ばんごう》">｜番号《ばんごう》を まって</p>"#,
            r#"<script type="application/json">{"t":"｜呼《よ》ぶ"}</script>"#,
            r#"<select><option value="1">1｜人《にん》</option></select>"#
        );
        assert_eq!(
            resolve(html),
            concat!(
                "<title>順番</title>",
                r#"<p aria-label="番号"><ruby>番号<rt>ばんごう</rt></ruby>を まって</p>"#,
                r#"<script type="application/json">{"t":"呼ぶ"}</script>"#,
                r#"<select><option value="1">1人</option></select>"#
            )
        );
    }

    #[test]
    fn pages_without_marks_are_unchanged() {
        let html = "<p>3番窓口 &lt;b&gt;</p>";
        assert_eq!(resolve(html), html);
    }
}
