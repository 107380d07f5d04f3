//! The `documents.record` column: the extraction record JSON, stored compressed.
//!
//! Since schema version 7 the writer stores the record as a BLOB: one format byte
//! ([`LZ4`]), the length of the JSON as a little-endian `u32`, then the JSON compressed as
//! one LZ4 block. Records written before are TEXT (the JSON itself) and stay as they are:
//! [`unpack`] reads either.

use rusqlite::types::ValueRef;

/// Format byte of a record compressed as one LZ4 block, its uncompressed length first.
pub(crate) const LZ4: u8 = 1;

/// The bytes before the compressed JSON: the format byte and the JSON's length.
const HEADER: usize = 5;

/// Compresses `json` in the column's BLOB format into `room`, a buffer kept from one record to
/// the next: it is grown when too small and never shrunk, so that its bytes are zeroed once
/// rather than before every record. Returns the packed bytes (the start of `room`), or `None`
/// if the JSON cannot be packed (over 4 GiB) and is then to be stored as TEXT.
pub(crate) fn pack_into<'r>(json: &str, room: &'r mut Vec<u8>) -> Option<&'r [u8]> {
    let bytes = json.as_bytes();
    let len = u32::try_from(bytes.len()).ok()?;
    let need = HEADER + lz4_flex::block::get_maximum_output_size(bytes.len());
    if room.len() < need {
        room.resize(need, 0);
    }
    let (head, body) = room.split_at_mut_checked(HEADER)?;
    head[0] = LZ4;
    head[1..].copy_from_slice(&len.to_le_bytes());
    // The room is sized for the worst case, so this does not fail.
    let n = lz4_flex::block::compress_into(bytes, body).ok()?;
    room.get(..HEADER + n)
}

/// The record JSON of a stored `documents.record` value (TEXT, or a BLOB written by
/// [`pack_into`]); `None` if the value is neither or does not decompress to UTF-8.
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
        let mut room = Vec::new();
        let blob = pack_into(&json, &mut room).unwrap().to_vec();
        assert_eq!(blob.first(), Some(&LZ4));
        assert!(blob.len() < json.len() / 4, "{} bytes", blob.len());
        assert_eq!(
            unpack(ValueRef::Blob(&blob)).as_deref(),
            Some(json.as_str())
        );
        // The room is reused: a shorter record after a longer one comes back whole too.
        let blob = pack_into("", &mut room).unwrap();
        assert_eq!(unpack(ValueRef::Blob(blob)).as_deref(), Some(""));
        let short = r#"{"id":"b"}"#;
        let blob = pack_into(short, &mut room).unwrap();
        assert_eq!(unpack(ValueRef::Blob(blob)).as_deref(), Some(short));
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
        let mut room = Vec::new();
        let json = "{\"k\":\"value value value\"}".repeat(20);
        let blob = pack_into(&json, &mut room).unwrap().to_vec();
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
