//! Byte offsets to character offsets: the cursor agrees with counting
//! characters from the start, in any order of queries.
#![no_main]
use detente::write::CharCursor;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (String, Vec<u16>)| {
    let (text, queries) = input;
    let mut cursor = CharCursor::default();
    for q in queries {
        let mut b = (q as usize) % (text.len() + 1);
        while !text.is_char_boundary(b) {
            b -= 1;
        }
        assert_eq!(cursor.at(&text, b), text[..b].chars().count());
    }
});
