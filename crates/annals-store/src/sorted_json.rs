//! Compact JSON text with object keys in sorted order, written straight from a `Serialize` value.
//!
//! The text is byte for byte what `serde_json::to_value(v)?.to_string()` gives (a `Value` keeps
//! its object keys sorted, widens `f32` to `f64` and turns non-finite numbers into `null`), without
//! building and dropping the `Value` tree: the store writes records in that form, and building
//! the tree cost more than extracting a short article. An object's members are written as they
//! come, then copied aside and written back in key order; a key given twice keeps its last
//! value, as inserting into the `Value` map does.

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
pub(crate) fn to_string<T: Serialize + ?Sized>(
    value: &T,
    omit: &[&str],
    empty: &[&str],
) -> Result<String> {
    let mut ctx = Ctx {
        out: Vec::with_capacity(16 * 1024),
        members: Vec::new(),
        scratch: Vec::new(),
    };
    value.serialize(Writer {
        ctx: &mut ctx,
        top: Some(Top { omit, empty }),
    })?;
    // Only JSON escapes of valid strings were written.
    String::from_utf8(ctx.out).map_err(|e| Unsupported(e.to_string()))
}

/// The members to leave out or empty at the top level.
#[derive(Clone, Copy)]
struct Top<'t> {
    omit: &'t [&'t str],
    empty: &'t [&'t str],
}

/// One member of an object being written: its key and where its value is in `Ctx::out`.
struct Member {
    key: Cow<'static, str>,
    start: usize,
    end: usize,
}

/// The output and the work space shared by every level.
struct Ctx {
    out: Vec<u8>,
    /// The members of the objects being written, innermost last (a stack).
    members: Vec<Member>,
    /// Where an object's members are copied while they are written back in key order.
    scratch: Vec<u8>,
}

/// Writes one value to the output.
struct Writer<'a, 't> {
    ctx: &'a mut Ctx,
    top: Option<Top<'t>>,
}

impl Writer<'_, '_> {
    /// Writes a scalar the way its `Value` is written.
    fn scalar(self, value: Value) -> Result<()> {
        serde_json::to_writer(&mut self.ctx.out, &value).map_err(|e| Unsupported(e.to_string()))
    }
}

/// Writes `s` as a JSON string.
fn write_str(out: &mut Vec<u8>, s: &str) -> Result<()> {
    serde_json::to_writer(out, s).map_err(|e| Unsupported(e.to_string()))
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

/// An object being written: member values are written as they come, then reordered by key.
struct Object<'a, 't> {
    ctx: &'a mut Ctx,
    /// Where the object's text starts in the output.
    body: usize,
    /// Where its members start on the member stack.
    base: usize,
    /// The key of a map entry whose value comes next.
    key: Option<String>,
    top: Option<Top<'t>>,
    /// For a struct variant: the object around this one is closed too.
    variant: bool,
}

impl<'a, 't> Object<'a, 't> {
    fn new(ctx: &'a mut Ctx, top: Option<Top<'t>>, variant: bool) -> Self {
        Object {
            body: ctx.out.len(),
            base: ctx.members.len(),
            ctx,
            key: None,
            top,
            variant,
        }
    }

    fn member<T: Serialize + ?Sized>(&mut self, key: Cow<'static, str>, value: &T) -> Result<()> {
        let start = self.ctx.out.len();
        match self.top {
            Some(top) if top.omit.contains(&key.as_ref()) => return Ok(()),
            Some(top) if top.empty.contains(&key.as_ref()) => {
                self.ctx.out.extend_from_slice(b"[]");
            }
            _ => value.serialize(Writer {
                ctx: &mut *self.ctx,
                top: None,
            })?,
        }
        let end = self.ctx.out.len();
        self.ctx.members.push(Member { key, start, end });
        Ok(())
    }

    fn finish(self) -> Result<()> {
        let Ctx {
            out,
            members,
            scratch,
        } = self.ctx;
        let mine = members.get_mut(self.base..).unwrap_or_default();
        // Stable: of equal keys the last given stays last, and is the one kept.
        mine.sort_by(|a, b| a.key.cmp(&b.key));
        scratch.clear();
        scratch.extend_from_slice(out.get(self.body..).unwrap_or_default());
        out.truncate(self.body);
        out.push(b'{');
        let mut first = true;
        for (i, m) in mine.iter().enumerate() {
            if mine.get(i + 1).is_some_and(|next| next.key == m.key) {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            write_str(out, &m.key)?;
            out.push(b':');
            let value =
                scratch.get(m.start.saturating_sub(self.body)..m.end.saturating_sub(self.body));
            out.extend_from_slice(value.unwrap_or_default());
        }
        out.push(b'}');
        if self.variant {
            out.push(b'}');
        }
        members.truncate(self.base);
        Ok(())
    }
}

/// Writes the opening of `{"variant":`.
fn open_variant(out: &mut Vec<u8>, variant: &str) -> Result<()> {
    out.push(b'{');
    write_str(out, variant)?;
    out.push(b':');
    Ok(())
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
        self.scalar(Value::from(v))
    }
    fn serialize_i128(self, v: i128) -> Result<()> {
        let value = serde_json::to_value(v).map_err(|e| Unsupported(e.to_string()))?;
        self.scalar(value)
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
        self.scalar(Value::from(v))
    }
    fn serialize_u128(self, v: u128) -> Result<()> {
        let value = serde_json::to_value(v).map_err(|e| Unsupported(e.to_string()))?;
        self.scalar(value)
    }
    fn serialize_f32(self, v: f32) -> Result<()> {
        // As `Value::from(f32)`: widened to f64, `null` when not finite.
        self.scalar(Value::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<()> {
        self.scalar(Value::from(v))
    }
    fn serialize_char(self, v: char) -> Result<()> {
        let mut utf8 = [0u8; 4];
        write_str(&mut self.ctx.out, v.encode_utf8(&mut utf8))
    }
    fn serialize_str(self, v: &str) -> Result<()> {
        write_str(&mut self.ctx.out, v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        self.scalar(Value::from(v.to_vec()))
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
        write_str(&mut self.ctx.out, variant)
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
        open_variant(&mut self.ctx.out, variant)?;
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
        open_variant(&mut self.ctx.out, variant)?;
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
        open_variant(&mut self.ctx.out, variant)?;
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
    // Keys are few and small: going through a `Value` keeps exactly serde_json's rules.
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::collections::{BTreeMap, HashMap};

    fn same_as_value<T: Serialize>(v: &T) {
        let expected = serde_json::to_value(v).unwrap().to_string();
        assert_eq!(to_string(v, &[], &[]).unwrap(), expected);
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
    fn keys_serde_json_refuses_are_refused() {
        let v: BTreeMap<(u8, u8), u8> = BTreeMap::from([((1, 2), 3)]);
        assert!(serde_json::to_value(&v).is_err());
        assert!(to_string(&v, &[], &[]).is_err());
    }
}
