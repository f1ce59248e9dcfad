//! Any text: the splitter returns ordered, trimmed, non-empty spans on char
//! boundaries that leave out nothing but whitespace.
#![no_main]
use detente::split::SentenceSplitter;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let spans = SentenceSplitter::new().split(&text);
    let mut last = 0;
    for s in &spans {
        assert!(s.start >= last && s.start < s.end);
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        let t = &text[s.start..s.end];
        assert_eq!(t.trim(), t);
        assert!(!text[last..s.start].chars().any(|c| !c.is_whitespace()), "dropped text");
        last = s.end;
    }
    assert!(text[last..].trim().is_empty(), "dropped tail");
});
