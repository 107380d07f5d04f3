//! Compact JSON text with object keys in sorted order, written straight from a `Serialize` value.
//!
//! The text is byte for byte what `serde_json::to_value(v)?.to_string()` gives (a `Value` keeps
//! its object keys sorted, widens `f32` to `f64` and turns non-finite numbers into `null`), without
//! building and dropping the `Value` tree: the store writes records in that form, and building
//! the tree cost more than extracting a short article.
//!
//! Each member of an object is written where it comes, key and value (`"key":value`), and its
//! place noted. When the object closes, its members are left where they are if their keys came
//! in ascending order; otherwise the object's text is copied aside and its members written back
//! in key order, separated by commas (members that follow each other in both orders are copied
//! in one piece). A key given twice keeps its last value, as inserting into the `Value` map does.
//! When every key of an object is a field name (a struct's), that order is kept as a plan for
//! the next object with the same keys in the same order, found by the keys' addresses, so the
//! objects of one type are put in order without comparing their keys again. Field names found
//! to need no escape are noted the same way and copied as they are from then on.
//! Strings are escaped as serde_json escapes them, integers written digit by digit, and floats
//! formatted by serde_json itself. [`SortedJson::write_unsorted`] writes the same text with the
//! members of each object left where they come, for text that is only ever parsed back.

use serde::ser::{self, Serialize};
use serde_json::Value;
use std::borrow::Cow;
use std::fmt::Display;

/// Why a value could not be written (a map key that is not a string, number or boolean, or an
/// error reported by the value's `Serialize`); callers fall back to `serde_json::to_value`.
#[derive(Debug)]
pub(crate) struct Unsupported(String);

impl Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: Display>(msg: T) -> Self {
        Unsupported(msg.to_string())
    }
}

type Result<T> = std::result::Result<T, Unsupported>;

/// `value` as compact JSON with sorted object keys. At the top level only, members named in
/// `omit` are left out and members named in `empty` are written as `[]` (their values are not
/// serialized at all).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn to_string<T: Serialize + ?Sized>(
    value: &T,
    omit: &[&str],
    empty: &[&str],
) -> Result<String> {
    let mut json = SortedJson::with_capacity(4 * 1024);
    json.write(value, omit, empty)?;
    Ok(json.take())
}

/// A writer whose buffers are kept from one value to the next (write, take the text, write the
/// next value).
#[derive(Default)]
pub(crate) struct SortedJson {
    ctx: Ctx,
}

impl SortedJson {
    /// A writer whose output buffer starts with room for `bytes` of text.
    pub(crate) fn with_capacity(bytes: usize) -> SortedJson {
        SortedJson {
            ctx: Ctx {
                out: Vec::with_capacity(bytes),
                members: Vec::with_capacity(64),
                order: Vec::with_capacity(32),
                scratch: Vec::with_capacity(bytes),
                plans: Vec::new(),
                runs: Vec::with_capacity(32),
                clean_keys: Vec::new(),
                unsorted: false,
            },
        }
    }

    /// Writes `value` (as [`to_string`] does) in place of the previous text, and returns it.
    pub(crate) fn write<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
        omit: &[&str],
        empty: &[&str],
    ) -> Result<&str> {
        self.write_keys(value, omit, empty, false)
    }

    /// Writes `value` as [`SortedJson::write`] does, but with the members of each object in
    /// the order the value gives them (a key given twice appears twice, the last one holding the
    /// value a `Value` keeps): the same `Value` once parsed, written without putting keys in
    /// order, for text that is only ever read back by parsing it.
    pub(crate) fn write_unsorted<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
        omit: &[&str],
        empty: &[&str],
    ) -> Result<&str> {
        self.write_keys(value, omit, empty, true)
    }

    /// [`SortedJson::write`], or [`SortedJson::write_unsorted`] when `unsorted`.
    fn write_keys<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
        omit: &[&str],
        empty: &[&str],
        unsorted: bool,
    ) -> Result<&str> {
        let ctx = &mut self.ctx;
        ctx.out.clear();
        ctx.members.clear();
        ctx.unsorted = unsorted;
        value.serialize(Writer {
            ctx: &mut *ctx,
            top: Some(Top { omit, empty }),
        })?;
        // Only whole strings and ASCII were written.
        std::str::from_utf8(&ctx.out).map_err(|e| Unsupported(e.to_string()))
    }

    /// The last text written, taking its buffer with it (the next value is written into a new
    /// one).
    pub(crate) fn take(&mut self) -> String {
        String::from_utf8(std::mem::take(&mut self.ctx.out)).unwrap_or_default()
    }
}

/// The members to leave out or empty at the top level.
#[derive(Clone, Copy)]
struct Top<'t> {
    omit: &'t [&'t str],
    empty: &'t [&'t str],
}

/// One member of an object being written: its key and where `"key":value` is in `Ctx::out`.
struct Member {
    key: Cow<'static, str>,
    /// Where `"key":value` is in the output.
    start: usize,
    end: usize,
}

impl Member {
    /// Orders members by key, as the keys of a `Value` map are ordered.
    fn cmp_key(&self, other: &Member) -> std::cmp::Ordering {
        self.key.as_bytes().cmp(other.key.as_bytes())
    }
}

/// The size of the blocks in which short members are copied back in key order.
const BLOCK: usize = 32;

/// How many plans [`Ctx::plans`] keeps (a power of two).
const PLAN_SLOTS: usize = 256;

/// How the members of an object whose keys are all field names (`&'static str`) are written
/// back in key order, kept for the next object with the same keys in the same order (the
/// derived `Serialize` of a struct gives its fields in one order, so objects of one type and
/// shape share a plan and their keys are never compared again).
#[derive(Default)]
struct Plan {
    /// The keys, in the order given, by address and length (the same address and length is the
    /// same text).
    keys: Vec<(usize, usize)>,
    /// The members to write, in key order, as runs of members that follow each other in both
    /// orders (first and last position among the object's members).
    runs: Vec<(usize, usize)>,
}

impl Plan {
    /// Whether the plan is for `members`, keys given in this order.
    fn fits(&self, members: &[Member]) -> bool {
        self.keys.len() == members.len()
            && self
                .keys
                .iter()
                .zip(members)
                .all(|(&k, m)| k == (m.key.as_ptr() as usize, m.key.len()))
    }

    /// Whether the plan leaves the members where they are (their keys came in ascending order).
    fn in_place(&self) -> bool {
        self.runs.len() == 1 && self.runs[0] == (0, self.keys.len().saturating_sub(1))
    }
}

/// Mixes a key (address and length) into the shape of an object.
fn mix(shape: u64, key: &str) -> u64 {
    (shape.rotate_left(23) ^ key.as_ptr() as u64 ^ (key.len() as u64).rotate_left(48))
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The output and the work space shared by every level.
#[derive(Default)]
struct Ctx {
    out: Vec<u8>,
    /// The members of the objects being written, innermost last (a stack).
    members: Vec<Member>,
    /// The order of an object's members by key (positions among its members).
    order: Vec<usize>,
    /// Where an object's text is copied while its members are written back in key order.
    scratch: Vec<u8>,
    /// Plans for objects whose keys are field names, by the shape of their keys (direct
    /// mapped: a plan for another shape in the same slot is replaced).
    plans: Vec<Plan>,
    /// The runs of an object whose keys are not all field names (see [`Plan::runs`]).
    runs: Vec<(usize, usize)>,
    /// Field names that need no escape, by address and length, direct mapped (empty until the
    /// first is noted).
    clean_keys: Vec<NotedKey>,
    /// Whether objects keep their members in the order given (see
    /// [`SortedJson::write_unsorted`]).
    unsorted: bool,
}

/// Writes one value to the output.
struct Writer<'a, 't> {
    ctx: &'a mut Ctx,
    top: Option<Top<'t>>,
}

/// How serde_json escapes each byte in a string: 0 not at all, `u` as `\u00XX`, else a
/// backslash and this letter.
static ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0A] = b'n';
    table[0x0C] = b'f';
    table[0x0D] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// Lower-case hex digits, as serde_json writes `\u00XX` escapes.
const HEX: &[u8; 16] = b"0123456789abcdef";

/// Whether any of the eight bytes of `word` may need escaping (a control character, `"` or
/// `\`). Never misses one; may report one that is not there (the bytes are then checked one by
/// one).
fn may_need_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x;
    let below_space = word.wrapping_sub(ONES * 0x20) & !word;
    let quote = zero_byte(word ^ (ONES * u64::from(b'"')));
    let backslash = zero_byte(word ^ (ONES * u64::from(b'\\')));
    (below_space | quote | backslash) & HIGH != 0
}

/// Writes `s` as a JSON string, escaped as serde_json escapes it.
fn write_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    // Skip the leading bytes that need no escape eight at a time.
    let mut clean = 0;
    for chunk in bytes.chunks_exact(8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        if may_need_escape(word) {
            break;
        }
        clean += 8;
    }
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate().skip(clean) {
        let escape = ESCAPE[usize::from(b)];
        if escape == 0 {
            continue;
        }
        out.extend_from_slice(bytes.get(run..i).unwrap_or_default());
        if escape == b'u' {
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xF)],
            ]);
        } else {
            out.extend_from_slice(&[b'\\', escape]);
        }
        run = i + 1;
    }
    out.extend_from_slice(bytes.get(run..).unwrap_or_default());
    out.push(b'"');
}

/// Writes `v` in decimal.
fn write_u64(out: &mut Vec<u8>, mut v: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// Writes `v` in decimal.
fn write_i64(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    write_u64(out, v.unsigned_abs());
}

/// Writes `v` as serde_json writes an `f64` (`null` when not finite).
fn write_f64(out: &mut Vec<u8>, v: f64) -> Result<()> {
    serde_json::to_writer(out, &v).map_err(|e| Unsupported(e.to_string()))
}

/// An array being written.
struct Array<'a> {
    ctx: &'a mut Ctx,
    first: bool,
    /// For a tuple variant: the object around the array is closed too.
    variant: bool,
}

impl Array<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        if !self.first {
            self.ctx.out.push(b',');
        }
        self.first = false;
        value.serialize(Writer {
            ctx: self.ctx,
            top: None,
        })
    }

    fn finish(self) -> Result<()> {
        self.ctx.out.push(b']');
        if self.variant {
            self.ctx.out.push(b'}');
        }
        Ok(())
    }
}

/// An object being written: members are written as they come, and put in key order when it
/// closes if they came out of order.
struct Object<'a, 't> {
    ctx: &'a mut Ctx,
    /// Where the object's members start in the output (just after its `{`).
    body: usize,
    /// Where its members start on the member stack.
    base: usize,
    /// The keys so far, mixed (see [`mix`]); meaningful while `fields` holds.
    shape: u64,
    /// Whether every key so far is a field name (`&'static str`), so that a plan may be kept.
    fields: bool,
    /// The key of a map entry whose value comes next.
    key: Option<String>,
    top: Option<Top<'t>>,
    /// For a struct variant: the object around this one is closed too.
    variant: bool,
}

impl<'a, 't> Object<'a, 't> {
    fn new(ctx: &'a mut Ctx, top: Option<Top<'t>>, variant: bool) -> Self {
        ctx.out.push(b'{');
        Object {
            body: ctx.out.len(),
            base: ctx.members.len(),
            shape: 0,
            fields: true,
            ctx,
            key: None,
            top,
            variant,
        }
    }

    fn member<T: Serialize + ?Sized>(&mut self, key: Cow<'static, str>, value: &T) -> Result<()> {
        let empty = match self.top {
            Some(top) if top.omit.contains(&key.as_ref()) => return Ok(()),
            Some(top) => top.empty.contains(&key.as_ref()),
            None => false,
        };
        match &key {
            Cow::Borrowed(k) => self.shape = mix(self.shape, k),
            Cow::Owned(_) => self.fields = false,
        }
        let ctx = &mut *self.ctx;
        if ctx.members.len() > self.base {
            ctx.out.push(b',');
        }
        let start = ctx.out.len();
        match &key {
            Cow::Borrowed(k) => write_field_key(ctx, k),
            Cow::Owned(k) => {
                write_str(&mut ctx.out, k);
                ctx.out.push(b':');
            }
        }
        if empty {
            ctx.out.extend_from_slice(b"[]");
        } else {
            value.serialize(Writer {
                ctx: &mut *ctx,
                top: None,
            })?;
        }
        ctx.members.push(Member {
            key,
            start,
            end: ctx.out.len(),
        });
        Ok(())
    }

    fn finish(self) -> Result<()> {
        let Ctx {
            out,
            members,
            order,
            scratch,
            plans,
            runs,
            unsorted,
            ..
        } = self.ctx;
        let mine = members.get(self.base..).unwrap_or_default();
        if mine.len() > 1 && !*unsorted {
            let runs: &[(usize, usize)] = if self.fields {
                if plans.is_empty() {
                    plans.resize_with(PLAN_SLOTS, Plan::default);
                }
                let slot = (self.shape >> 56) as usize % PLAN_SLOTS;
                let plan = &mut plans[slot];
                if !plan.fits(mine) {
                    plan.keys.clear();
                    plan.keys
                        .extend(mine.iter().map(|m| (m.key.as_ptr() as usize, m.key.len())));
                    key_order(mine, order, &mut plan.runs);
                }
                if plan.in_place() { &[] } else { &plan.runs }
            } else if mine.windows(2).all(|w| w[0].cmp_key(&w[1]).is_lt()) {
                &[]
            } else {
                key_order(mine, order, runs);
                runs
            };
            if !runs.is_empty() {
                scratch.clear();
                scratch.extend_from_slice(out.get(self.body..).unwrap_or_default());
                // Padding, so that a short run can be copied as a whole block (of known size, no
                // call to copy a few bytes) and cut back to its length.
                scratch.extend_from_slice(&[0; BLOCK]);
                out.truncate(self.body);
                for (i, &(first, last)) in runs.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    let (start, end) = (mine[first].start - self.body, mine[last].end - self.body);
                    let block = scratch.get(start..start + BLOCK);
                    match block.and_then(|b| <&[u8; BLOCK]>::try_from(b).ok()) {
                        Some(block) if end - start <= BLOCK => {
                            let at = out.len();
                            out.extend_from_slice(block);
                            out.truncate(at + (end - start));
                        }
                        _ => out.extend_from_slice(scratch.get(start..end).unwrap_or_default()),
                    }
                }
            }
        }
        out.push(b'}');
        if self.variant {
            out.push(b'}');
        }
        members.truncate(self.base);
        Ok(())
    }
}

/// How many field names [`Ctx::clean_keys`] keeps (a power of two).
const KEY_SLOTS: usize = 512;

/// The longest text of a noted field name, quotes and colon included.
const KEY_TEXT: usize = 32;

/// A field name that needs no escape, by address and length, and its text (`"key":`, padded
/// with zeros).
#[derive(Default)]
struct NotedKey {
    id: (usize, usize),
    text: [u8; KEY_TEXT],
}

/// Writes a field name and its colon (`"key":`). A name found to need no escape is noted by
/// address and length with that text, so that the next time its text is copied as it is: as a
/// whole padded block of known size (no call to copy a few bytes), cut back to its length.
fn write_field_key(ctx: &mut Ctx, key: &'static str) {
    let id = (key.as_ptr() as usize, key.len());
    let slot = ((id.0 as u64 ^ (id.1 as u64) << 48).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 55)
        as usize
        % KEY_SLOTS;
    if let Some(noted) = ctx.clean_keys.get(slot)
        && noted.id == id
    {
        let at = ctx.out.len();
        ctx.out.extend_from_slice(&noted.text);
        ctx.out.truncate(at + key.len() + 3);
        return;
    }
    let start = ctx.out.len();
    write_str(&mut ctx.out, key);
    ctx.out.push(b':');
    // Escaped, the key would be longer than its two quotes.
    let written = ctx.out.get(start..).unwrap_or_default();
    if written.len() == key.len() + 3 && written.len() <= KEY_TEXT {
        if ctx.clean_keys.is_empty() {
            ctx.clean_keys.resize_with(KEY_SLOTS, NotedKey::default);
        }
        if let Some(noted) = ctx.clean_keys.get_mut(slot) {
            noted.id = id;
            noted.text = [0; KEY_TEXT];
            noted.text[..written.len()].copy_from_slice(written);
        }
    }
}

/// The members of an object in key order, as runs of members that follow each other in both
/// orders (see [`Plan::runs`]); of members with the same key only the last given is kept, as
/// inserting into a `Value` map keeps it.
fn key_order(mine: &[Member], order: &mut Vec<usize>, runs: &mut Vec<(usize, usize)>) {
    // Stable: of equal keys the last given stays last, and is the one kept.
    order.clear();
    order.extend(0..mine.len());
    for i in 1..order.len() {
        let mut j = i;
        while j > 0 && mine[order[j - 1]].cmp_key(&mine[order[j]]).is_gt() {
            order.swap(j - 1, j);
            j -= 1;
        }
    }
    // Whether the member at `k` in key order gives way to a later one with its key.
    let replaced = |k: usize| {
        order
            .get(k + 1)
            .is_some_and(|&next| mine[next].cmp_key(&mine[order[k]]).is_eq())
    };
    runs.clear();
    let mut k = 0;
    while k < order.len() {
        if replaced(k) {
            k += 1;
            continue;
        }
        let (first, mut last) = (order[k], order[k]);
        k += 1;
        while k < order.len() && order[k] == last + 1 && !replaced(k) {
            last = order[k];
            k += 1;
        }
        runs.push((first, last));
    }
}

/// Writes the opening of `{"variant":`.
fn open_variant(out: &mut Vec<u8>, variant: &str) {
    out.push(b'{');
    write_str(out, variant);
    out.push(b':');
}

impl<'a, 't> ser::Serializer for Writer<'a, 't> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Array<'a>;
    type SerializeTuple = Array<'a>;
    type SerializeTupleStruct = Array<'a>;
    type SerializeTupleVariant = Array<'a>;
    type SerializeMap = Object<'a, 't>;
    type SerializeStruct = Object<'a, 't>;
    type SerializeStructVariant = Object<'a, 't>;

    fn serialize_bool(self, v: bool) -> Result<()> {
        self.ctx
            .out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<()> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<()> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<()> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<()> {
        write_i64(&mut self.ctx.out, v);
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<()> {
        // As `to_value`: within the range of `u64` or `i64`, else refused.
        if let Ok(v) = u64::try_from(v) {
            self.serialize_u64(v)
        } else if let Ok(v) = i64::try_from(v) {
            self.serialize_i64(v)
        } else {
            Err(Unsupported("number out of range".into()))
        }
    }
    fn serialize_u8(self, v: u8) -> Result<()> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<()> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<()> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<()> {
        write_u64(&mut self.ctx.out, v);
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<()> {
        let v = u64::try_from(v).map_err(|_| Unsupported("number out of range".into()))?;
        self.serialize_u64(v)
    }
    fn serialize_f32(self, v: f32) -> Result<()> {
        // As `Value::from(f32)`: widened to f64, `null` when not finite.
        write_f64(&mut self.ctx.out, f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<()> {
        write_f64(&mut self.ctx.out, v)
    }
    fn serialize_char(self, v: char) -> Result<()> {
        let mut utf8 = [0u8; 4];
        write_str(&mut self.ctx.out, v.encode_utf8(&mut utf8));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<()> {
        write_str(&mut self.ctx.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        // As a `Value`: an array of numbers.
        let out = &mut self.ctx.out;
        out.push(b'[');
        for (i, b) in v.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_u64(out, u64::from(*b));
        }
        out.push(b']');
        Ok(())
    }
    fn serialize_none(self) -> Result<()> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<()> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<()> {
        self.ctx.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<()> {
        write_str(&mut self.ctx.out, variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<()> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<()> {
        open_variant(&mut self.ctx.out, variant);
        value.serialize(Writer {
            ctx: &mut *self.ctx,
            top: None,
        })?;
        self.ctx.out.push(b'}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Array<'a>> {
        self.ctx.out.push(b'[');
        Ok(Array {
            ctx: self.ctx,
            first: true,
            variant: false,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Array<'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Array<'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Array<'a>> {
        open_variant(&mut self.ctx.out, variant);
        self.ctx.out.push(b'[');
        Ok(Array {
            ctx: self.ctx,
            first: true,
            variant: true,
        })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Object<'a, 't>> {
        Ok(Object::new(self.ctx, self.top, false))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Object<'a, 't>> {
        Ok(Object::new(self.ctx, self.top, false))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Object<'a, 't>> {
        open_variant(&mut self.ctx.out, variant);
        Ok(Object::new(self.ctx, None, true))
    }
}

impl ser::SerializeSeq for Array<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }
    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl ser::SerializeTuple for Array<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }
    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for Array<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }
    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl ser::SerializeTupleVariant for Array<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }
    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl ser::SerializeMap for Object<'_, '_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.key = Some(map_key(key)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let key = self
            .key
            .take()
            .ok_or_else(|| Unsupported("map value without a key".into()))?;
        self.member(Cow::Owned(key), value)
    }
    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl ser::SerializeStruct for Object<'_, '_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.member(Cow::Borrowed(key), value)
    }
    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl ser::SerializeStructVariant for Object<'_, '_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.member(Cow::Borrowed(key), value)
    }
    fn end(self) -> Result<()> {
        self.finish()
    }
}

/// A map key as `serde_json::to_value` turns it into an object key; anything else is refused.
fn map_key<T: Serialize + ?Sized>(key: &T) -> Result<String> {
    // String keys (struct fields flattened into a map, string-keyed maps) are taken as they are.
    if let Ok(key) = key.serialize(StrKey) {
        return Ok(key);
    }
    // Other keys are few and small: going through a `Value` keeps exactly serde_json's rules.
    match serde_json::to_value(KeyProbe(key)) {
        Ok(Value::Object(map)) => map
            .into_iter()
            .next()
            .map(|(k, _)| k)
            .ok_or_else(|| Unsupported("map key".into())),
        Ok(_) => Err(Unsupported("map key".into())),
        Err(e) => Err(Unsupported(e.to_string())),
    }
}

/// The text of a value that serializes as a string, a character or a unit enum variant (the
/// string its `Value` holds); `None` for any other value.
pub(crate) fn as_string<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    value.serialize(StrKey).ok()
}

/// A one-entry map `{key: null}`, to read how serde_json writes `key` as an object key.
struct KeyProbe<'k, T: ?Sized>(&'k T);

impl<T: Serialize + ?Sized> Serialize for KeyProbe<'_, T> {
    fn serialize<S: ser::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use ser::SerializeMap;
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry(self.0, &())?;
        map.end()
    }
}

/// Takes a key that serializes as a string, a character or a unit variant (or a newtype around
/// one) as serde_json does, as it is; refuses every other key, which then goes through
/// [`KeyProbe`].
struct StrKey;

/// Refuses a key that is not a string.
fn not_str<T>() -> Result<T> {
    Err(Unsupported("not a string key".into()))
}

impl ser::Serializer for StrKey {
    type Ok = String;
    type Error = Unsupported;
    type SerializeSeq = ser::Impossible<String, Unsupported>;
    type SerializeTuple = ser::Impossible<String, Unsupported>;
    type SerializeTupleStruct = ser::Impossible<String, Unsupported>;
    type SerializeTupleVariant = ser::Impossible<String, Unsupported>;
    type SerializeMap = ser::Impossible<String, Unsupported>;
    type SerializeStruct = ser::Impossible<String, Unsupported>;
    type SerializeStructVariant = ser::Impossible<String, Unsupported>;

    fn serialize_str(self, v: &str) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String> {
        value.serialize(self)
    }
    fn serialize_bool(self, _v: bool) -> Result<String> {
        not_str()
    }
    fn serialize_i8(self, _v: i8) -> Result<String> {
        not_str()
    }
    fn serialize_i16(self, _v: i16) -> Result<String> {
        not_str()
    }
    fn serialize_i32(self, _v: i32) -> Result<String> {
        not_str()
    }
    fn serialize_i64(self, _v: i64) -> Result<String> {
        not_str()
    }
    fn serialize_u8(self, _v: u8) -> Result<String> {
        not_str()
    }
    fn serialize_u16(self, _v: u16) -> Result<String> {
        not_str()
    }
    fn serialize_u32(self, _v: u32) -> Result<String> {
        not_str()
    }
    fn serialize_u64(self, _v: u64) -> Result<String> {
        not_str()
    }
    fn serialize_f32(self, _v: f32) -> Result<String> {
        not_str()
    }
    fn serialize_f64(self, _v: f64) -> Result<String> {
        not_str()
    }
    fn serialize_char(self, v: char) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<String> {
        not_str()
    }
    fn serialize_none(self) -> Result<String> {
        not_str()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<String> {
        not_str()
    }
    fn serialize_unit(self) -> Result<String> {
        not_str()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<String> {
        not_str()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String> {
        Ok(variant.to_string())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<String> {
        not_str()
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq> {
        not_str()
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple> {
        not_str()
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        not_str()
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        not_str()
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap> {
        not_str()
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct> {
        not_str()
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        not_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::collections::{BTreeMap, HashMap};

    fn same_as_value<T: Serialize>(v: &T) {
        let expected = serde_json::to_value(v).unwrap().to_string();
        assert_eq!(to_string(v, &[], &[]).unwrap(), expected);
        // Unsorted, the text parses to the same value.
        let mut json = SortedJson::default();
        let unsorted: Value =
            serde_json::from_str(json.write_unsorted(v, &[], &[]).unwrap()).unwrap();
        assert_eq!(unsorted, serde_json::from_str::<Value>(&expected).unwrap());
    }

    #[derive(Serialize)]
    enum Shape {
        Dot,
        Circle(f32),
        Pair(u8, i64),
        Box { w: f64, h: f64 },
    }

    #[derive(Serialize)]
    struct Inner {
        zeta: Option<String>,
        alpha: Vec<Shape>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
    }

    #[derive(Serialize)]
    struct Outer {
        #[serde(flatten)]
        inner: Inner,
        name: &'static str,
        conf: f32,
        big: u128,
        neg: i128,
        ch: char,
        nan: f64,
        unit: (),
        tuple: (bool, &'static str),
        keyed: HashMap<u32, &'static str>,
        #[serde(with = "serde_bytes_like")]
        raw: Vec<u8>,
    }

    /// Serializes a byte list with `serialize_bytes`.
    mod serde_bytes_like {
        pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(v)
        }
    }

    #[test]
    fn writes_what_a_value_writes() {
        let outer = Outer {
            inner: Inner {
                zeta: None,
                alpha: vec![
                    Shape::Dot,
                    Shape::Circle(0.35),
                    Shape::Pair(7, -3),
                    Shape::Box { w: 1.0, h: 2.5e-9 },
                ],
                skipped: None,
            },
            name: "quote \" tab \t é \u{1} end",
            conf: 0.85,
            big: u128::from(u64::MAX),
            neg: -5,
            ch: '\n',
            nan: f64::NAN,
            unit: (),
            tuple: (true, "x"),
            keyed: (0..20).map(|i| (i * 7, "v")).collect(),
            raw: vec![1, 2, 255],
        };
        same_as_value(&outer);
        same_as_value(&vec![Some(1.5f32), None]);
        let mut nested = BTreeMap::new();
        nested.insert("b", vec![BTreeMap::from([("y", 1), ("x", 2)])]);
        nested.insert("a", Vec::new());
        same_as_value(&nested);
    }

    /// A map that gives a key twice.
    struct Twice;

    impl Serialize for Twice {
        fn serialize<S: ser::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            use ser::SerializeMap;
            let mut map = s.serialize_map(None)?;
            map.serialize_entry("k", &1)?;
            map.serialize_entry("a", &2)?;
            map.serialize_entry("k", &3)?;
            map.end()
        }
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value() {
        same_as_value(&Twice);
        assert_eq!(to_string(&Twice, &[], &[]).unwrap(), r#"{"a":2,"k":3}"#);
    }

    /// A struct whose fields come out of key order, some of them left out when empty.
    #[derive(Serialize)]
    struct Sparse {
        span: (u8, u8),
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        anchor: Option<Box<Sparse>>,
        kind: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        zone: Option<u8>,
        /// A field name that needs escaping, each time it is written.
        #[serde(rename = "q\"uote\n")]
        odd: bool,
        /// A field name longer than a noted one may be.
        #[serde(rename = "a_field_name_longer_than_thirty_two_bytes")]
        long: u8,
    }

    /// A struct that gives a field name twice, out of order.
    struct TwiceField(u8);

    impl Serialize for TwiceField {
        fn serialize<S: ser::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            use ser::SerializeStruct;
            let mut st = s.serialize_struct("TwiceField", 3)?;
            st.serialize_field("k", &self.0)?;
            st.serialize_field("a", &2)?;
            if self.0 > 0 {
                st.serialize_field("k", &(self.0 + 1))?;
            }
            st.end()
        }
    }

    #[test]
    fn objects_of_one_type_in_several_shapes_are_each_ordered() {
        // One writer, so each shape's plan is reused by the values after the first of it.
        let mut json = SortedJson::default();
        let shapes = [(None, None), (Some("t"), Some(3)), (None, Some(0))];
        let mut values = Vec::new();
        for round in 0..3u8 {
            for (text, zone) in shapes {
                let anchor = (round % 2 == 1).then(|| {
                    Box::new(Sparse {
                        span: (round, 1),
                        text,
                        anchor: None,
                        kind: "inner",
                        zone: None,
                        odd: false,
                        long: 1,
                    })
                });
                values.push(Sparse {
                    span: (0, round),
                    text,
                    anchor,
                    kind: "outer",
                    zone,
                    odd: true,
                    long: 2,
                });
            }
        }
        for v in &values {
            let expected = serde_json::to_value(v).unwrap().to_string();
            assert_eq!(json.write(v, &[], &[]).unwrap(), expected);
            let expected = serde_json::to_value([v, v]).unwrap().to_string();
            assert_eq!(json.write(&[v, v], &[], &[]).unwrap(), expected);
        }
        for v in [TwiceField(0), TwiceField(4), TwiceField(0), TwiceField(4)] {
            let expected = serde_json::to_value(&v).unwrap().to_string();
            assert_eq!(json.write(&v, &[], &[]).unwrap(), expected);
        }
        assert_eq!(
            json.write(&TwiceField(4), &[], &[]).unwrap(),
            r#"{"a":2,"k":5}"#
        );
    }

    #[test]
    fn top_level_members_can_be_left_out_or_emptied() {
        let v =
            serde_json::json!({"text": "long", "events": [1, 2], "id": "x", "inner": {"text": 1}});
        assert_eq!(
            to_string(&v, &["text"], &["events"]).unwrap(),
            r#"{"events":[],"id":"x","inner":{"text":1}}"#
        );
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let odd = [
            "",
            "plain",
            "exactly8",
            "quote\" backslash\\ slash/",
            "\u{0}\u{1}\u{8}\t\n\u{b}\u{c}\r\u{1f} \u{7f}",
            "long text without anything to escape in it at all, many words",
            "long text with a quote at the very end of it, after many words\"",
            "Zürich, São Paulo, 東京, emoji 🎉, \u{2028}",
        ];
        for s in odd {
            same_as_value(&s);
            same_as_value(&s.chars().next());
        }
    }

    #[test]
    fn numbers_are_written_as_serde_json_writes_them() {
        same_as_value(&[i64::MIN, -1, 0, 9, 10, 99, 100, i64::MAX]);
        same_as_value(&[0u64, 1, 1_000_000_007, u64::MAX]);
        same_as_value(&[i128::from(i64::MIN), i128::from(u64::MAX)]);
        same_as_value(&[(-3i8, 200u8), (i8::MIN, u8::MAX)]);
        same_as_value(&[(i16::MIN, u16::MAX), (-7, 7)]);
        same_as_value(&[(i32::MIN, u32::MAX), (-70_000, 70_000)]);
        let floats = [
            0.0,
            -0.0,
            1.0,
            -1.5,
            0.1,
            1e-7,
            1e21,
            1e300,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            45.76,
            -98.8205,
        ];
        same_as_value(&floats);
        same_as_value(&floats.map(|f| f as f32));
        assert!(to_string(&(i128::MAX), &[], &[]).is_err());
        assert!(to_string(&(u128::MAX), &[], &[]).is_err());
    }

    /// Members given in this order, as a map.
    #[derive(Debug, Clone)]
    struct Pairs(Vec<(String, Tree)>);

    /// A value of any shape, its objects' members in the order given.
    #[derive(Debug, Clone)]
    enum Tree {
        Null,
        Bool(bool),
        Int(i64),
        Uint(u64),
        Float(f64),
        Text(String),
        List(Vec<Tree>),
        Object(Pairs),
    }

    impl Serialize for Pairs {
        fn serialize<S: ser::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            use ser::SerializeMap;
            let mut map = s.serialize_map(Some(self.0.len()))?;
            for (k, v) in &self.0 {
                map.serialize_entry(k, v)?;
            }
            map.end()
        }
    }

    impl Serialize for Tree {
        fn serialize<S: ser::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            match self {
                Tree::Null => s.serialize_unit(),
                Tree::Bool(b) => s.serialize_bool(*b),
                Tree::Int(i) => s.serialize_i64(*i),
                Tree::Uint(u) => s.serialize_u64(*u),
                Tree::Float(f) => s.serialize_f64(*f),
                Tree::Text(t) => s.serialize_str(t),
                Tree::List(l) => l.serialize(s),
                Tree::Object(p) => p.serialize(s),
            }
        }
    }

    fn any_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            // Short keys that often collide or share prefixes.
            proptest::sample::select(vec![
                "",
                "a",
                "b",
                "ab",
                "abcdefgh",
                "abcdefghi",
                "abcdefgz",
                "span",
                "start",
                "end",
                "\"",
                "\\",
                "é",
                "\n"
            ])
            .prop_map(str::to_string),
            any::<String>(),
            "[ -~\\t\\n\\r\\u{0}-\\u{1f}äöü東]{0,40}",
        ]
    }

    fn any_tree() -> impl proptest::strategy::Strategy<Value = Tree> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Tree::Null),
            any::<bool>().prop_map(Tree::Bool),
            any::<i64>().prop_map(Tree::Int),
            any::<u64>().prop_map(Tree::Uint),
            any::<f64>().prop_map(Tree::Float),
            prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(-0.0), Just(1e300)]
                .prop_map(Tree::Float),
            any_text().prop_map(Tree::Text),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Tree::List),
                proptest::collection::vec((any_text(), inner), 0..8)
                    .prop_map(|pairs| Tree::Object(Pairs(pairs))),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn any_value_is_written_as_its_value_writes(tree in any_tree()) {
            let expected = serde_json::to_value(&tree).unwrap().to_string();
            proptest::prop_assert_eq!(to_string(&tree, &[], &[]).unwrap(), expected);
        }

        #[test]
        fn a_reused_writer_writes_each_value_alike(trees in proptest::collection::vec(any_tree(), 1..5)) {
            let mut json = SortedJson::default();
            for tree in &trees {
                let expected = serde_json::to_value(tree).unwrap().to_string();
                proptest::prop_assert_eq!(json.write(tree, &[], &[]).unwrap(), expected.as_str());
            }
        }

        #[test]
        fn unsorted_text_parses_to_the_value(trees in proptest::collection::vec(any_tree(), 1..5)) {
            let mut json = SortedJson::default();
            for tree in &trees {
                let sorted = json.write(tree, &[], &[]).unwrap().to_string();
                let unsorted = json.write_unsorted(tree, &[], &[]).unwrap().to_string();
                let parsed: Value = serde_json::from_str(&unsorted).unwrap();
                proptest::prop_assert_eq!(parsed, serde_json::from_str::<Value>(&sorted).unwrap());
                // The writer sorts again afterwards.
                proptest::prop_assert_eq!(json.write(tree, &[], &[]).unwrap(), sorted.as_str());
            }
        }

        #[test]
        fn any_string_is_escaped_as_serde_json_escapes_it(s in any_text()) {
            proptest::prop_assert_eq!(to_string(&s, &[], &[]).unwrap(), serde_json::to_string(&s).unwrap());
        }
    }

    #[test]
    fn keys_serde_json_refuses_are_refused() {
        let v: BTreeMap<(u8, u8), u8> = BTreeMap::from([((1, 2), 3)]);
        assert!(serde_json::to_value(&v).is_err());
        assert!(to_string(&v, &[], &[]).is_err());
    }
}
