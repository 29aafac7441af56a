//! Questions and résumé text cut into the same tokens: lower case, common
//! Latin accents folded, punctuation dropped except inside technology names
//! (`c++`, `c#`, `node.js`, `.net`), possessive `'s` removed.

/// One word of a text: its normal form and the spelling it was written in
/// (a slice of the text).
#[derive(Debug, Clone, PartialEq)]
pub struct Token<'a> {
    pub norm: String,
    pub orig: &'a str,
}

fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        'ý' | 'ÿ' => 'y',
        '’' | '‘' | '`' => '\'',
        c => c,
    }
}

/// Characters that end a word. `+ # . ' -` are kept inside one and trimmed
/// from its ends (`-` then splits it: "full-stack" reads "full stack").
fn splits(c: char) -> bool {
    !(c.is_alphanumeric() || matches!(c, '+' | '#' | '.' | '\''))
}

/// `text` in lower case with accents folded, into `out` (emptied first).
/// ASCII, most of every résumé, is lowered a byte at a time: lowering
/// through `char::to_lowercase` was a fifth of an answer's time (perf).
fn lower_into(text: &str, out: &mut String) {
    out.clear();
    if text.is_ascii() {
        out.push_str(text);
        out.make_ascii_lowercase();
    } else {
        out.extend(text.chars().flat_map(char::to_lowercase).map(fold));
    }
}

pub fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut lower = String::new();
    for chunk in text.split(splits) {
        let orig = chunk.trim_matches(|c| c == '\'' || c == '’');
        lower_into(orig, &mut lower);
        // "c++" and "c#" keep their signs; a lone sign is no word
        let Some(norm) = word_of(&lower) else {
            continue;
        };
        let orig = orig
            .strip_suffix("'s")
            .or_else(|| orig.strip_suffix("’s"))
            .unwrap_or(orig)
            .trim_end_matches('.');
        out.push(Token {
            norm: norm.to_string(),
            orig,
        });
    }
    out
}

/// The normal form of each word of `text`, as `tokens` gives it, without
/// making a `Token` (two strings) per word: for indexing whole résumés.
pub fn each_word(text: &str, f: impl FnMut(&str)) {
    each_word_in(text, &mut String::new(), f)
}

/// `each_word` with the caller's buffer for the lower-case form (one
/// allocation for many texts, not one per text).
pub fn each_word_in(text: &str, lower: &mut String, mut f: impl FnMut(&str)) {
    if text.is_ascii() {
        return each_ascii_word(text, lower, f);
    }
    for chunk in text.split(splits) {
        let orig = chunk.trim_matches(|c| c == '\'' || c == '’');
        lower_into(orig, lower);
        if let Some(norm) = word_of(lower) {
            f(norm);
        }
    }
}

/// A lowered chunk's normal form, or none for a lone sign.
fn word_of(l: &str) -> Option<&str> {
    let l = l.strip_suffix("'s").unwrap_or(l);
    let keep_dot = l.starts_with('.') && l[1..].chars().all(char::is_alphanumeric);
    let mut norm = l.trim_end_matches(['.', '\'']);
    if !keep_dot {
        norm = norm.trim_start_matches(['.', '\'']);
    }
    (!norm.is_empty() && norm.chars().any(char::is_alphanumeric)).then_some(norm)
}

/// `each_word_in` for ASCII text, most of every résumé: lowered once and
/// cut a byte at a time (cutting by a char predicate was a tenth of a
/// question's plan, perf).
fn each_ascii_word(text: &str, lower: &mut String, mut f: impl FnMut(&str)) {
    lower.clear();
    lower.push_str(text);
    lower.make_ascii_lowercase();
    let b = lower.as_bytes();
    let inside = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'#' | b'.' | b'\'');
    let mut i = 0;
    while i < b.len() {
        if !inside(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && inside(b[i]) {
            i += 1;
        }
        // the chunk is ASCII: every byte index is a char boundary
        if let Some(norm) = word_of(lower[start..i].trim_matches('\'')) {
            f(norm);
        }
    }
}

/// The normal form of a whole text: its tokens joined by single spaces.
pub fn normalise(text: &str) -> String {
    words(text).join(" ")
}

/// The normal forms only.
pub fn words(text: &str) -> Vec<String> {
    tokens(text).into_iter().map(|t| t.norm).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_a_question() {
        assert_eq!(
            normalise("Does Ada's team use C++, C# or Node.js?"),
            "does ada team use c++ c# or node.js"
        );
        assert_eq!(normalise("full-stack .NET dev."), "full stack .net dev");
        assert_eq!(normalise("Résumé  «KÖLN»"), "resume koln");
        assert_eq!(normalise("What's her e-mail?"), "what her e mail");
        for text in [
            "Does Ada's team use C++, C# or Node.js?",
            "full-stack .NET dev. 'quoted' ’s ’ ... +++ x.y. É",
            "Résumé  «KÖLN» O’Brien’s .5 a.b.c.",
        ] {
            let mut got = Vec::new();
            each_word(text, |w| got.push(w.to_string()));
            assert_eq!(got, words(text), "{text}");
        }
    }

    #[test]
    fn ascii_words_are_cut_as_any_text_is() {
        let parts = [
            "C++",
            "c#",
            ".NET",
            "Node.js",
            "'s",
            "'",
            ".",
            "..",
            "+",
            "#",
            "-",
            " ",
            "a",
            "Ab",
            "x.y.",
            "'quoted'",
            "full-stack",
            "9",
            "...5",
            "'.'",
            "s",
            ",",
            "!",
            "A'S",
        ];
        let mut n = 0;
        for a in parts {
            for b in parts {
                for c in parts {
                    let text = format!("{a}{b}{c}");
                    let mut fast = Vec::new();
                    each_word_in(&text, &mut String::new(), |w| fast.push(w.to_string()));
                    assert_eq!(fast, words(&text), "{text:?}");
                    n += 1;
                }
            }
        }
        assert_eq!(n, parts.len().pow(3));
    }
}
