//! Names as Chinese offices write them: pinyin initials for search (张三 → zs)
//! and a Latin reading (上海 → Shanghai). Pure functions, no storage.

use pinyin::ToPinyin;

/// The pinyin initials of a name, lower case; characters without a reading
/// (Latin letters, digits, punctuation) are left out.
pub fn initials(name: &str) -> String {
    name.to_pinyin()
        .flatten()
        .map(|p| p.first_letter())
        .collect::<String>()
}

/// Pinyin as one capitalised word: 上海 → Shanghai.
pub fn latin(name: &str) -> String {
    let word: String = name.to_pinyin().flatten().map(|p| p.plain()).collect();
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}
