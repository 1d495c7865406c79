//! A writer of HTML text.
//!
//! Tag and attribute names are `'static` and written as given; attribute values and text are
//! always escaped.

#[derive(Default)]
pub struct HtmlText(String);

impl HtmlText {
    pub fn new() -> HtmlText {
        HtmlText::default()
    }

    /// `<tag name="value" …>`.
    pub fn open(&mut self, tag: &'static str, attributes: &[(&'static str, &str)]) -> &mut Self {
        self.0.push('<');
        self.0.push_str(tag);
        for (name, value) in attributes {
            self.0.push(' ');
            self.0.push_str(name);
            self.0.push_str("=\"");
            escape_into(&mut self.0, value);
            self.0.push('"');
        }
        self.0.push('>');
        self
    }

    pub fn close(&mut self, tag: &'static str) -> &mut Self {
        self.0.push_str("</");
        self.0.push_str(tag);
        self.0.push('>');
        self
    }

    pub fn text(&mut self, text: &str) -> &mut Self {
        escape_into(&mut self.0, text);
        self
    }

    /// An element holding only text.
    pub fn element(
        &mut self,
        tag: &'static str,
        attributes: &[(&'static str, &str)],
        text: &str,
    ) -> &mut Self {
        self.open(tag, attributes).text(text).close(tag)
    }

    /// HTML already written by another [`HtmlText`].
    pub fn html(&mut self, html: &str) -> &mut Self {
        self.0.push_str(html);
        self
    }

    pub fn finish(self) -> String {
        self.0
    }
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attribute_values() {
        let mut html = HtmlText::new();
        html.open("a", &[("href", "/x?a=1&b=\"2\"")])
            .text("<script>'計画' & co</script>")
            .close("a");
        assert_eq!(
            html.finish(),
            "<a href=\"/x?a=1&amp;b=&quot;2&quot;\">&lt;script&gt;&#39;計画&#39; &amp; co&lt;/script&gt;</a>"
        );
    }

    #[test]
    fn nests_elements_in_order() {
        let mut html = HtmlText::new();
        html.open("tr", &[])
            .element("th", &[("scope", "row")], "施策")
            .element("td", &[], "")
            .close("tr");
        assert_eq!(
            html.finish(),
            "<tr><th scope=\"row\">施策</th><td></td></tr>"
        );
    }
}
