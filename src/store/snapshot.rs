//! The whole-store image (raft snapshots, `etcdctl snapshot save`) and the state hash.
//!
//! Contract: `encode` is a pure function of the state — same state, same bytes — framed
//! as `MAGIC`, a little-endian u16 format version, then a postcard body. `decode` never
//! panics: it rejects foreign bytes, other versions, trailing garbage and bodies whose
//! invariants do not hold (so a restored store cannot misbehave later). `hash` is FNV-1a
//! 64 over a postcard encoding of the replicated state only (revisions, retained history,
//! leases' ids/TTLs/keys, alarms), like etcd's HashKV: member-local things (lease
//! deadlines, the file size after a defrag, the configured quota) stay out of it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::bytes::Bytes;
use super::lease::{Lease, MAX_LEASE_TTL};
use super::mvcc::{Stored, Version, Versions};
use super::types::{AlarmMember, KeyValue, Revision};

const MAGIC: &[u8; 8] = b"RLSTORE\0";
/// 2: the membership buckets joined the image.
const FORMAT_VERSION: u16 = 2;

/// Why bytes could not be read back as a store.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    #[error("not a Raft Lab store snapshot (missing magic header)")]
    BadMagic,
    #[error("store snapshot format version {found} is not supported (this build reads version {expected})")]
    UnsupportedVersion { found: u16, expected: u16 },
    #[error("store snapshot is corrupt: {0}")]
    Corrupt(String),
}

/// A version as the image writes it: with the key and mod revision that the index keeps
/// once per key and once per version, as earlier builds wrote every version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct WireVersion {
    pub rev: Revision,
    pub kv: Option<KeyValue>,
}

/// `WireVersion`'s fields in its order, borrowed from the index, so hashing writes the
/// same bytes without building a `KeyValue` per version.
#[derive(Serialize)]
struct WireVersionRef<'a> {
    rev: Revision,
    kv: Option<KeyValueRef<'a>>,
}

/// `KeyValue`'s fields in its order; a `&[u8]` serializes as the `Vec<u8>` it stands for.
#[derive(Serialize)]
struct KeyValueRef<'a> {
    key: &'a [u8],
    create_revision: i64,
    mod_revision: i64,
    version: i64,
    value: &'a [u8],
    lease: i64,
}

fn wire_ref<'a>(key: &'a [u8], v: &'a Version) -> WireVersionRef<'a> {
    WireVersionRef {
        rev: v.rev,
        kv: v.put.as_ref().map(|p| KeyValueRef {
            key,
            create_revision: p.create_revision,
            mod_revision: v.rev.main,
            version: p.version,
            value: &p.value,
            lease: p.lease,
        }),
    }
}

/// The index in the image's form.
pub(crate) fn to_wire(keys: &BTreeMap<Bytes, Versions>) -> BTreeMap<Vec<u8>, Vec<WireVersion>> {
    keys.iter()
        .map(|(k, vs)| {
            let wire = vs
                .iter()
                .map(|v| WireVersion {
                    rev: v.rev,
                    kv: v.put.as_ref().map(|p| KeyValue {
                        key: k.to_vec(),
                        create_revision: p.create_revision,
                        mod_revision: v.rev.main,
                        version: p.version,
                        value: p.value.to_vec(),
                        lease: p.lease,
                    }),
                })
                .collect();
            (k.to_vec(), wire)
        })
        .collect()
}

/// The index from an image that passed `check`, whose versions' keys and mod revisions
/// match their places.
pub(crate) fn from_wire(keys: BTreeMap<Vec<u8>, Vec<WireVersion>>) -> BTreeMap<Bytes, Versions> {
    keys.into_iter()
        .map(|(k, vs)| {
            let versions = vs
                .into_iter()
                .map(|w| Version {
                    rev: w.rev,
                    put: w.kv.map(|kv| Stored {
                        create_revision: kv.create_revision,
                        version: kv.version,
                        lease: kv.lease,
                        value: Bytes::from(kv.value),
                    }),
                })
                .collect();
            (Bytes::from(k), versions)
        })
        .collect()
}

/// The index serialized as `to_wire` of it would be, without building it.
pub(crate) struct WireKeys<'a>(pub &'a BTreeMap<Bytes, Versions>);

struct WireVersions<'a>(&'a [u8], &'a Versions);

impl Serialize for WireVersions<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.1.iter().map(|v| wire_ref(self.0, v)))
    }
}

impl Serialize for WireKeys<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, vs)| (&k[..], WireVersions(k, vs))))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Image {
    pub revision: i64,
    pub compact_revision: i64,
    pub keys: BTreeMap<Vec<u8>, Vec<WireVersion>>,
    pub leases: Vec<Lease>,
    pub alarms: Vec<AlarmMember>,
    pub db_size: i64,
    pub quota_bytes: u64,
    pub min_lease_ttl_secs: i64,
    pub membership: super::membership::Membership,
}

pub(crate) fn encode(image: &Image) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    // Serializing plain data into a Vec cannot fail.
    out.extend(postcard::to_allocvec(image).unwrap_or_default());
    out
}

fn corrupt(what: &str) -> SnapshotError {
    SnapshotError::Corrupt(what.to_string())
}

pub(crate) fn decode(bytes: &[u8]) -> Result<Image, SnapshotError> {
    let body = bytes.strip_prefix(&MAGIC[..]).ok_or(SnapshotError::BadMagic)?;
    let (version, body) = body.split_first_chunk::<2>().ok_or_else(|| corrupt("truncated header"))?;
    let found = u16::from_le_bytes(*version);
    if found != FORMAT_VERSION {
        return Err(SnapshotError::UnsupportedVersion { found, expected: FORMAT_VERSION });
    }
    let (image, rest): (Image, &[u8]) =
        postcard::take_from_bytes(body).map_err(|e| SnapshotError::Corrupt(e.to_string()))?;
    if !rest.is_empty() {
        return Err(corrupt("trailing bytes after the image"));
    }
    check(&image)?;
    Ok(image)
}

/// The invariants the store relies on; a decodable body that breaks one is corrupt.
fn check(img: &Image) -> Result<(), SnapshotError> {
    // Headroom so the next revisions cannot overflow.
    if img.revision < 1 || img.revision > i64::MAX / 2 {
        return Err(corrupt("revision out of range"));
    }
    if img.compact_revision < 0 || img.compact_revision > img.revision {
        return Err(corrupt("compact revision out of range"));
    }
    if img.db_size < 0 {
        return Err(corrupt("negative db size"));
    }
    let mut lease_ids = std::collections::BTreeSet::new();
    for l in &img.leases {
        if l.id == 0 || l.ttl > MAX_LEASE_TTL || !lease_ids.insert(l.id) {
            return Err(corrupt("bad lease"));
        }
    }
    for (key, versions) in &img.keys {
        if key.is_empty() || versions.is_empty() {
            return Err(corrupt("empty key or key without versions"));
        }
        let mut last = None;
        for v in versions {
            if v.rev.main < 1 || v.rev.main > img.revision || v.rev.sub < 0 {
                return Err(corrupt("version revision out of range"));
            }
            if last.is_some_and(|l| l >= v.rev) {
                return Err(corrupt("versions out of order"));
            }
            last = Some(v.rev);
            if let Some(kv) = &v.kv {
                if kv.key != *key || kv.mod_revision != v.rev.main {
                    return Err(corrupt("version does not match its key or revision"));
                }
            }
        }
        if let Some(kv) = versions.last().and_then(|v| v.kv.as_ref()) {
            if kv.lease != 0 && !lease_ids.contains(&kv.lease) {
                return Err(corrupt("live key attached to a missing lease"));
            }
        }
    }
    Ok(())
}

#[derive(Serialize)]
pub(crate) struct HashView<'a> {
    pub revision: i64,
    pub compact_revision: i64,
    pub keys: WireKeys<'a>,
    /// (id, granted ttl, attached keys in order).
    pub leases: Vec<(i64, i64, Vec<&'a [u8]>)>,
    pub alarms: Vec<AlarmMember>,
}

pub(crate) fn fnv1a64(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET, |h, b| (h ^ u64::from(*b)).wrapping_mul(PRIME))
}

pub(crate) fn hash(view: &HashView<'_>) -> u64 {
    fnv1a64(&postcard::to_allocvec(view).unwrap_or_default())
}
