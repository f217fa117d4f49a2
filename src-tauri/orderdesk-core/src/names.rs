//! Names as Chinese offices write them: pinyin initials for search (张三 → zs)
//! and a Latin reading (上海 → Shanghai). Pure functions, no storage.
//!
//! A character read alone often takes the wrong reading in a name (厦门 is
//! xm, not sm; 重庆 cq, not zq). So the initials are read by word first —
//! place names and the words companies use — and where a character outside
//! those words still has several readings, every reading is kept (a few at
//! most), so that a clerk finds the customer whichever they type.

use pinyin::{ToPinyin, ToPinyinMulti};

/// Readings of one name kept at most.
pub const MAX_READINGS: usize = 8;

/// Words whose reading differs from their characters' first readings, with
/// their initials: place names, and words of company names.
const WORDS: &[(&str, &str)] = &[
    // Places.
    ("厦门", "xm"),
    ("重庆", "cq"),
    ("长沙", "cs"),
    ("长春", "cc"),
    ("长治", "cz"),
    ("长兴", "cx"),
    ("长乐", "cl"),
    ("成都", "cd"),
    ("首都", "sd"),
    ("乐山", "ls"),
    ("乐清", "yq"),
    ("蚌埠", "bb"),
    ("六安", "la"),
    ("六合", "lh"),
    ("番禺", "py"),
    ("铅山", "ys"),
    ("东阿", "de"),
    ("洪洞", "ht"),
    ("蔚县", "yx"),
    ("单县", "sx"),
    ("朝阳", "cy"),
    ("西藏", "xz"),
    ("佛山", "fs"),
    ("台州", "tz"),
    ("天台", "tt"),
    ("大厦", "ds"),
    ("曲阜", "qf"),
    ("解放", "jf"),
    ("长江", "cj"),
    ("长城", "cc"),
    ("长安", "ca"),
    ("长河", "ch"),
    ("长虹", "ch"),
    // Company words.
    ("银行", "yh"),
    ("商行", "sh"),
    ("车行", "ch"),
    ("琴行", "qh"),
    ("分行", "fh"),
    ("支行", "zh"),
    ("行业", "hy"),
    ("发行", "fx"),
    ("银行业", "yhy"),
    ("重工", "zg"),
    ("重型", "zx"),
    ("重机", "zj"),
    ("重点", "zd"),
    ("音乐", "yy"),
    ("快乐", "kl"),
    ("乐器", "yq"),
    ("会计", "kj"),
    ("调味", "tw"),
    ("空调", "kt"),
    ("调度", "dd"),
    ("仓储", "cc"),
    ("供应", "gy"),
    ("便利", "bl"),
    ("数据", "sj"),
    ("数码", "sm"),
    ("传媒", "cm"),
    ("传动", "cd"),
    ("建筑", "jz"),
    ("广告", "gg"),
    ("着装", "zz"),
    ("和平", "hp"),
    ("得力", "dl"),
    ("系统", "xt"),
    ("合肥", "hf"),
    ("长期", "cq"),
    ("增长", "zz"),
    ("董事长", "dsz"),
];

/// Characters whose readings start with different letters and that names
/// really use both ways. Others take their first reading: the pinyin data
/// lists rare readings for many characters (有 as wei), which would only
/// bring false matches.
const UNSURE: &str = "长重行乐都厦朝藏单曾解会查盛区传调参降种弹率数强相差";

/// The different first letters a character can be read with, the likeliest
/// first; none for characters without a reading (Latin letters, digits).
fn letters(ch: char) -> Vec<char> {
    if !UNSURE.contains(ch) {
        return ch
            .to_pinyin()
            .and_then(|p| p.first_letter().chars().next())
            .into_iter()
            .collect();
    }
    let Some(multi) = ch.to_pinyin_multi() else {
        return Vec::new();
    };
    let mut out: Vec<char> = Vec::new();
    for p in multi {
        if let Some(l) = p.first_letter().chars().next()
            && !out.contains(&l)
        {
            out.push(l);
        }
    }
    out
}

/// Every reading of a name's initials, the likeliest first (word readings,
/// then each character's first reading), at most `MAX_READINGS`.
pub fn initials_readings(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    // Each position: the letters it may read as (one, or several).
    let mut slots: Vec<Vec<String>> = Vec::new();
    let mut i = 0;
    'scan: while i < chars.len() {
        for len in [3, 2] {
            if i + len <= chars.len() {
                let word: String = chars[i..i + len].iter().collect();
                if let Some((_, read)) = WORDS.iter().find(|(w, _)| *w == word) {
                    slots.push(vec![read.to_string()]);
                    i += len;
                    continue 'scan;
                }
            }
        }
        let options = letters(chars[i]);
        if !options.is_empty() {
            slots.push(options.into_iter().map(String::from).collect());
        }
        i += 1;
    }
    let mut readings = vec![String::new()];
    for slot in &slots {
        let mut next = Vec::new();
        // The likeliest reading of every slot first, then the others.
        for option in slot {
            for r in &readings {
                if next.len() < MAX_READINGS {
                    next.push(format!("{r}{option}"));
                }
            }
        }
        readings = next;
    }
    readings.retain(|r| !r.is_empty());
    readings
}

/// The initials as stored and searched: every reading, space-separated, the
/// likeliest first ("xmdfbgsbyxgs"; "zghq chhq" where 重 stays unsure).
pub fn initials(name: &str) -> String {
    initials_readings(name).join(" ")
}

/// Places whose pinyin is not their characters' first readings.
const PLACES: &[(&str, &str)] = &[
    ("厦门", "Xiamen"),
    ("重庆", "Chongqing"),
    ("长沙", "Changsha"),
    ("长春", "Changchun"),
    ("成都", "Chengdu"),
    ("乐山", "Leshan"),
    ("蚌埠", "Bengbu"),
    ("六安", "Lu'an"),
    ("番禺", "Panyu"),
    ("朝阳", "Chaoyang"),
];

/// Pinyin as one capitalised word: 上海 → Shanghai, 厦门 → Xiamen.
pub fn latin(name: &str) -> String {
    if let Some((_, reading)) = PLACES.iter().find(|(p, _)| *p == name) {
        return reading.to_string();
    }
    let word: String = name.to_pinyin().flatten().map(|p| p.plain()).collect();
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(name: &str) -> String {
        initials_readings(name).remove(0)
    }

    #[test]
    fn places_and_company_words_read_as_words() {
        for (name, expected) in [
            ("厦门", "xm"),
            ("重庆", "cq"),
            ("长沙", "cs"),
            ("成都", "cd"),
            ("乐山", "ls"),
            ("蚌埠", "bb"),
            ("六安", "la"),
            ("银行", "yh"),
            ("重工", "zg"),
            ("长城", "cc"),
        ] {
            assert_eq!(initials(name), expected, "{name}");
        }
        assert!(initials("厦门润发商贸有限公司").starts_with("xmrfsmyxgs"));
        assert!(
            initials("厦门东方办公设备有限公司")
                .split(' ')
                .any(|r| r.starts_with("xmdf"))
        );
    }

    #[test]
    fn an_unsure_character_alone_is_read_every_way_bounded() {
        // 长 alone: chang or zhang; both find it.
        let readings = initials_readings("长丰贸易");
        assert!(readings.contains(&"cfmy".to_string()), "{readings:?}");
        assert!(readings.contains(&"zfmy".to_string()), "{readings:?}");
        let many = initials_readings("长长长长长长长长长长");
        assert!(many.len() <= MAX_READINGS && !many.is_empty());
    }

    #[test]
    fn plain_names_keep_one_reading() {
        assert_eq!(initials("张三"), "zs");
        assert_eq!(first("上海华联贸易有限公司"), "shhlmyyxgs");
        assert_eq!(initials("Acme GmbH"), "");
        assert_eq!(latin("上海"), "Shanghai");
        assert_eq!(latin("厦门"), "Xiamen");
    }
}
