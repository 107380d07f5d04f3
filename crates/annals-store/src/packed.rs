//! The `documents.record` column: the extraction record JSON, stored compressed.
//!
//! Since schema version 7 the writer stores the record as a BLOB: one format byte
//! ([`LZ4`]), the length of the JSON as a little-endian `u32`, then the JSON compressed as
//! one LZ4 block. Records written before are TEXT (the JSON itself) and stay as they are:
//! [`unpack`] reads either.

use rusqlite::types::ValueRef;

/// Format byte of a record compressed as one LZ4 block, its uncompressed length first.
pub(crate) const LZ4: u8 = 1;

/// Writes `json` compressed into `out` (cleared first), in the column's BLOB format; false
/// if it cannot (a record over 4 GiB), and the JSON is then to be stored as TEXT.
pub(crate) fn pack(json: &str, out: &mut Vec<u8>) -> bool {
    let bytes = json.as_bytes();
    out.clear();
    let Ok(len) = u32::try_from(bytes.len()) else {
        return false;
    };
    out.push(LZ4);
    out.extend_from_slice(&len.to_le_bytes());
    let start = out.len();
    out.resize(
        start + lz4_flex::block::get_maximum_output_size(bytes.len()),
        0,
    );
    match lz4_flex::block::compress_into(bytes, out.get_mut(start..).unwrap_or_default()) {
        Ok(n) => {
            out.truncate(start + n);
            true
        }
        // The buffer is sized for the worst case, so this does not happen.
        Err(_) => false,
    }
}

/// The record JSON of a stored `documents.record` value (TEXT, or a BLOB written by
/// [`pack`]); `None` if the value is neither or does not decompress to UTF-8.
pub(crate) fn unpack(value: ValueRef<'_>) -> Option<String> {
    match value {
        ValueRef::Text(text) => String::from_utf8(text.to_vec()).ok(),
        ValueRef::Blob(blob) => match blob.split_first() {
            Some((&LZ4, rest)) => {
                let (len, body) = rest.split_first_chunk::<4>()?;
                let len = usize::try_from(u32::from_le_bytes(*len)).ok()?;
                let json = lz4_flex::block::decompress(body, len).ok()?;
                if json.len() != len {
                    return None;
                }
                String::from_utf8(json).ok()
            }
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_records_come_back_whole() {
        let json =
            r#"{"actors":[{"code":"FRA","text":"Lyon"}],"title":"Grève à Lyon","x":"#.repeat(40);
        let mut blob = Vec::new();
        assert!(pack(&json, &mut blob));
        assert_eq!(blob.first(), Some(&LZ4));
        assert!(blob.len() < json.len() / 4, "{} bytes", blob.len());
        assert_eq!(
            unpack(ValueRef::Blob(&blob)).as_deref(),
            Some(json.as_str())
        );
        assert!(pack("", &mut blob));
        assert_eq!(unpack(ValueRef::Blob(&blob)).as_deref(), Some(""));
    }

    #[test]
    fn text_records_are_read_as_they_are() {
        assert_eq!(
            unpack(ValueRef::Text(b"{\"id\":\"a\"}")).as_deref(),
            Some("{\"id\":\"a\"}")
        );
    }

    #[test]
    fn damaged_blobs_give_none() {
        let mut blob = Vec::new();
        assert!(pack(&"{\"k\":\"value value value\"}".repeat(20), &mut blob));
        for cut in [0, 1, 3, 5, blob.len() / 2, blob.len() - 1] {
            assert_eq!(
                unpack(ValueRef::Blob(blob.get(..cut).unwrap())),
                None,
                "{cut}"
            );
        }
        let mut wrong_len = blob.clone();
        if let Some(b) = wrong_len.get_mut(1) {
            *b = b.wrapping_add(1);
        }
        assert_eq!(unpack(ValueRef::Blob(&wrong_len)), None);
        assert_eq!(unpack(ValueRef::Blob(&[7, 0, 0, 0, 0])), None);
        assert_eq!(unpack(ValueRef::Integer(3)), None);
        assert_eq!(unpack(ValueRef::Null), None);
    }
}
