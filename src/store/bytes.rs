//! `Bytes`: an immutable byte string shared by reference count, for the keys and values a
//! put carries.
//!
//! Contract: a `Bytes` behaves as the `Vec<u8>` it replaced everywhere it can be seen: it
//! compares, orders, hashes, prints (`Debug`) and serializes exactly as that `Vec<u8>`
//! would, so share links, snapshots and trace hashes keep their bytes. What changes is the
//! cost of a copy: one decoded entry's key and value are held by the proposal, the trace,
//! and every member's store at once, each clone a count bump instead of an allocation.
//! Deserializing takes one allocation (borrowed bytes are copied straight into the shared
//! block), where `Vec<u8>` then `Rc<[u8]>` would take two.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::rc::Rc;

use serde::de::{SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bytes(Rc<[u8]>);

impl Bytes {
    /// A new `Vec<u8>` with the same bytes, for the types (`KeyValue`) that own theirs.
    pub fn to_vec(&self) -> Vec<u8> {
        self.0.to_vec()
    }
}

impl Default for Bytes {
    fn default() -> Self {
        Bytes(Rc::from(&[][..]))
    }
}

impl Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// Lets a map keyed by `Bytes` be searched with a plain `&[u8]`: `Rc<[u8]>` orders as its
/// slice does, as `Borrow` requires.
impl Borrow<[u8]> for Bytes {
    fn borrow(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0[..], f)
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(v: Vec<u8>) -> Self {
        Bytes(Rc::from(v))
    }
}

impl From<&[u8]> for Bytes {
    fn from(v: &[u8]) -> Self {
        Bytes(Rc::from(v))
    }
}

impl<const N: usize> From<&[u8; N]> for Bytes {
    fn from(v: &[u8; N]) -> Self {
        Bytes(Rc::from(&v[..]))
    }
}

impl From<&str> for Bytes {
    fn from(v: &str) -> Self {
        Bytes(Rc::from(v.as_bytes()))
    }
}

impl From<String> for Bytes {
    fn from(v: String) -> Self {
        Bytes::from(v.into_bytes())
    }
}

impl PartialEq<[u8]> for Bytes {
    fn eq(&self, other: &[u8]) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<Vec<u8>> for Bytes {
    fn eq(&self, other: &Vec<u8>) -> bool {
        *self.0 == other[..]
    }
}

impl<const N: usize> PartialEq<&[u8; N]> for Bytes {
    fn eq(&self, other: &&[u8; N]) -> bool {
        *self.0 == other[..]
    }
}

impl Serialize for Bytes {
    /// As a sequence of `u8`, the way serde writes a `Vec<u8>`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0[..].serialize(s)
    }
}

struct BytesVisitor;

impl<'de> Visitor<'de> for BytesVisitor {
    type Value = Bytes;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a byte string")
    }

    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
        Ok(Bytes::from(v))
    }

    fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
        Ok(Bytes::from(v))
    }

    /// Self-describing formats (JSON) write a `Vec<u8>` as an array of numbers.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Bytes, A::Error> {
        let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(b) = seq.next_element::<u8>()? {
            v.push(b);
        }
        Ok(Bytes::from(v))
    }
}

impl<'de> Deserialize<'de> for Bytes {
    /// postcard encodes a byte sequence and a byte string alike (a length, then the bytes),
    /// so asking for bytes reads what a `Vec<u8>` wrote, borrowed from the input; JSON
    /// answers the same request with the array through `visit_seq`.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        d.deserialize_bytes(BytesVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_as_the_vec_it_replaced_in_postcard_and_json() {
        let v: Vec<u8> = b"key\x00\xff".to_vec();
        let b = Bytes::from(v.clone());
        let pc = postcard::to_allocvec(&b).unwrap();
        assert_eq!(pc, postcard::to_allocvec(&v).unwrap());
        assert_eq!(postcard::from_bytes::<Bytes>(&pc).unwrap(), b);
        let js = serde_json::to_string(&b).unwrap();
        assert_eq!(js, "[107,101,121,0,255]");
        assert_eq!(serde_json::from_str::<Bytes>(&js).unwrap(), b);
        assert_eq!(format!("{b:?}"), format!("{v:?}"));
    }

    #[test]
    fn orders_and_finds_as_a_slice() {
        let mut m = std::collections::BTreeMap::new();
        for k in ["b", "a", "ab", ""] {
            m.insert(Bytes::from(k), ());
        }
        let keys: Vec<&[u8]> = m.keys().map(|k| &k[..]).collect();
        assert_eq!(keys, [&b""[..], b"a", b"ab", b"b"]);
        assert!(m.contains_key(&b"ab"[..]));
        assert!(postcard::from_bytes::<Bytes>(&[5, 1]).is_err(), "a length past the end is an error");
    }
}
