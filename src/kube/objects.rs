//! Kubernetes objects as kube-apiserver keeps them in etcd: which resources the lab knows,
//! where each object lives (`/registry/<resource>/<namespace>/<name>`), and the small JSON
//! manifest stored as the key's value.
//!
//! Contract: pure and deterministic. A value never holds `metadata.resourceVersion`: as in
//! kube-apiserver (`storage/etcd3/store.go`), the resourceVersion is the key's
//! `mod_revision`, set on the object when it is read ([`with_resource_version`]), never
//! written. The uid comes from the key and a per-client create count, and there is no
//! `creationTimestamp`: nothing here reads a clock.
//!
//! Real kube-apiserver stores built-in types as protobuf (the value starts with the
//! 4 bytes `k8s\0`, then a `runtime.Unknown` envelope); the lab stores readable JSON
//! instead, so that `get /registry/pods/default/web` shows what is there. The keys, the
//! revisions and every etcd request are the same.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The resources the lab's client serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Resource {
    Pods,
    ConfigMaps,
    Deployments,
}

impl Resource {
    /// kubectl's names for it: `pod`, `pods`, `po`, ...
    pub fn parse(word: &str) -> Option<Resource> {
        match word {
            "pod" | "pods" | "po" => Some(Resource::Pods),
            "configmap" | "configmaps" | "cm" => Some(Resource::ConfigMaps),
            "deployment" | "deployments" | "deploy" | "deployment.apps" | "deployments.apps" => {
                Some(Resource::Deployments)
            }
            _ => None,
        }
    }

    /// The resource's path segment under `/registry`.
    pub fn plural(self) -> &'static str {
        match self {
            Resource::Pods => "pods",
            Resource::ConfigMaps => "configmaps",
            Resource::Deployments => "deployments",
        }
    }

    /// The group-qualified resource, as API errors name it (`pods`, `deployments.apps`).
    pub fn qualified(self) -> &'static str {
        match self {
            Resource::Pods => "pods",
            Resource::ConfigMaps => "configmaps",
            Resource::Deployments => "deployments.apps",
        }
    }

    /// How kubectl names one object in its confirmations (`pod/web created`).
    pub fn singular(self) -> &'static str {
        match self {
            Resource::Pods => "pod",
            Resource::ConfigMaps => "configmap",
            Resource::Deployments => "deployment.apps",
        }
    }

    pub fn kind(self) -> &'static str {
        match self {
            Resource::Pods => "Pod",
            Resource::ConfigMaps => "ConfigMap",
            Resource::Deployments => "Deployment",
        }
    }

    pub fn api_version(self) -> &'static str {
        match self {
            Resource::Deployments => "apps/v1",
            _ => "v1",
        }
    }

    /// The etcd key prefix of one namespace (`/registry/pods/default/`), or of every
    /// namespace (`/registry/pods/`) when `namespace` is `None`.
    pub fn prefix(self, namespace: Option<&str>) -> String {
        match namespace {
            Some(ns) => format!("/registry/{}/{ns}/", self.plural()),
            None => format!("/registry/{}/", self.plural()),
        }
    }

    /// The etcd key of one object.
    pub fn key(self, namespace: &str, name: &str) -> String {
        format!("/registry/{}/{namespace}/{name}", self.plural())
    }
}

/// What `create` puts in an object's spec.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Spec {
    /// Pods and deployments: the one container's image (`nginx` when not given).
    pub image: Option<String>,
    /// Deployments: `spec.replicas` (1 when not given).
    pub replicas: Option<u32>,
    /// ConfigMaps: `data`, in the order given.
    pub data: Vec<(String, String)>,
}

/// A new object's manifest, as stored (no resourceVersion).
pub fn manifest(res: Resource, namespace: &str, name: &str, uid: &str, spec: &Spec) -> Value {
    let image = spec.image.clone().unwrap_or_else(|| "nginx".to_string());
    let containers = json!([{ "name": name, "image": image }]);
    let mut obj = json!({
        "kind": res.kind(),
        "apiVersion": res.api_version(),
        "metadata": { "name": name, "namespace": namespace, "uid": uid },
    });
    match res {
        Resource::Pods => obj["spec"] = json!({ "containers": containers }),
        Resource::Deployments => {
            obj["spec"] = json!({
                "replicas": spec.replicas.unwrap_or(1),
                "selector": { "matchLabels": { "app": name } },
                "template": {
                    "metadata": { "labels": { "app": name } },
                    "spec": { "containers": containers },
                },
            })
        }
        Resource::ConfigMaps => {
            let mut data = serde_json::Map::new();
            for (k, v) in &spec.data {
                data.insert(k.clone(), Value::String(v.clone()));
            }
            obj["data"] = Value::Object(data);
        }
    }
    obj
}

/// A uid for the `count`-th object this client created, from its key: no clock and no
/// randomness, so the lab and a real etcd get the same bytes. (kube-apiserver draws a
/// random UUID.)
pub fn uid(key: &str, count: u64) -> String {
    // FNV-1a, 128 bits from two 64-bit lanes.
    let lane = |seed: u64| {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
        for b in key.bytes().chain(count.to_le_bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h
    };
    let (a, b) = (lane(1), lane(2));
    let hex = format!("{a:016x}{b:016x}");
    format!("{}-{}-4{}-8{}-{}", &hex[0..8], &hex[8..12], &hex[13..16], &hex[17..20], &hex[20..32])
}

/// The stored bytes of a manifest: compact JSON, keys in a fixed (sorted) order.
pub fn encode(obj: &Value) -> Vec<u8> {
    serde_json::to_vec(obj).unwrap_or_default()
}

/// A stored value read back; `None` when it is not JSON (a key someone else wrote).
pub fn decode(value: &[u8]) -> Option<Value> {
    serde_json::from_slice::<Value>(value).ok().filter(Value::is_object)
}

/// The object as the API returns it: `metadata.resourceVersion` = the key's mod_revision.
pub fn with_resource_version(mut obj: Value, mod_revision: i64) -> Value {
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert("resourceVersion".into(), Value::String(mod_revision.to_string()));
    }
    obj
}

/// The name and namespace written in a stored object, falling back to its key.
pub fn name_of(obj: Option<&Value>, key: &[u8]) -> (String, String) {
    let from_key = || {
        let k = String::from_utf8_lossy(key).to_string();
        let parts: Vec<&str> = k.rsplitn(3, '/').collect();
        (parts.get(1).copied().unwrap_or("").to_string(), parts.first().copied().unwrap_or("").to_string())
    };
    let meta = obj.and_then(|o| o.get("metadata"));
    match (meta.and_then(|m| m["namespace"].as_str()), meta.and_then(|m| m["name"].as_str())) {
        (Some(ns), Some(n)) => (ns.to_string(), n.to_string()),
        _ => from_key(),
    }
}

/// The image of a pod's or deployment's first container.
pub fn image_of(obj: &Value) -> Option<&str> {
    let containers = match obj["kind"].as_str() {
        Some("Deployment") => &obj["spec"]["template"]["spec"]["containers"],
        _ => &obj["spec"]["containers"],
    };
    containers.get(0).and_then(|c| c["image"].as_str())
}

/// Sets the image of every container (`kubectl set image ... *=IMAGE`); false if the object
/// has no containers.
pub fn set_image(obj: &mut Value, image: &str) -> bool {
    let containers = match obj["kind"].as_str() {
        Some("Deployment") => &mut obj["spec"]["template"]["spec"]["containers"],
        _ => &mut obj["spec"]["containers"],
    };
    let Some(list) = containers.as_array_mut() else { return false };
    for c in list.iter_mut() {
        c["image"] = Value::String(image.to_string());
    }
    !list.is_empty()
}

/// Sets `metadata.labels[key] = value`.
pub fn set_label(obj: &mut Value, key: &str, value: &str) {
    let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) else { return };
    let labels = meta.entry("labels").or_insert_with(|| json!({}));
    if !labels.is_object() {
        *labels = json!({});
    }
    labels[key] = Value::String(value.to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_manifests_are_where_the_apiserver_puts_them() {
        assert_eq!(Resource::Pods.key("default", "web"), "/registry/pods/default/web");
        assert_eq!(Resource::Deployments.prefix(None), "/registry/deployments/");
        let spec = Spec { image: Some("nginx:1.25".into()), ..Spec::default() };
        let obj = manifest(Resource::Pods, "default", "web", "u", &spec);
        let text = String::from_utf8(encode(&obj)).unwrap();
        assert_eq!(
            text,
            r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default","uid":"u"},"spec":{"containers":[{"image":"nginx:1.25","name":"web"}]}}"#
        );
        assert!(!text.contains("resourceVersion"));
        let read = with_resource_version(obj, 7);
        assert_eq!(read["metadata"]["resourceVersion"], "7");
        assert_eq!(image_of(&read), Some("nginx:1.25"));
    }

    #[test]
    fn uids_are_deterministic_and_differ_per_incarnation() {
        let a = uid("/registry/pods/default/web", 1);
        assert_eq!(a, uid("/registry/pods/default/web", 1));
        assert_ne!(a, uid("/registry/pods/default/web", 2));
        assert_eq!(a.len(), 36);
    }
}
