//! What the lab's kube client prints: kubectl's words (`pod/web created`, `Error from
//! server (Conflict): …`), its tables, `-o json` and `-o yaml`, and one line per watch
//! event.
//!
//! Contract: pure functions from objects and revisions to text, each line ending in a
//! newline. Error texts are kube-apiserver's own (k8s.io/apimachinery `errors.New*`,
//! `storage/etcd3`), as kubectl prints a `StatusError`: `Error from server (<Reason>):
//! <message>`; an error that is not an API status (an etcd error passed through) prints
//! as `Error from server: <message>`.

use serde_json::Value;

use super::objects::{self, Resource};

/// `Error from server (AlreadyExists): pods "web" already exists`.
pub fn already_exists(res: Resource, name: &str) -> String {
    format!("Error from server (AlreadyExists): {} \"{name}\" already exists\n", res.qualified())
}

/// `Error from server (NotFound): pods "web" not found`.
pub fn not_found(res: Resource, name: &str) -> String {
    format!("Error from server (NotFound): {} \"{name}\" not found\n", res.qualified())
}

/// The optimistic-concurrency Conflict (`registry/rest.OptimisticLockErrorMsg`).
pub fn conflict(res: Resource, name: &str) -> String {
    format!(
        "Error from server (Conflict): Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again\n",
        res.qualified()
    )
}

/// A delete whose resourceVersion precondition fails (`storage.Preconditions.Check`).
pub fn precondition_failed(res: Resource, name: &str, held: i64, current: i64) -> String {
    format!(
        "Error from server (Conflict): Operation cannot be fulfilled on {} \"{name}\": Precondition failed: ResourceVersion in precondition: {held}, ResourceVersion in object meta: {current}\n",
        res.qualified()
    )
}

/// A watch from a compacted revision: etcd's `ErrCompacted` as `etcd3.interpretWatchError`
/// turns it into 410 Gone, reason Expired.
pub const WATCH_TOO_OLD: &str = "The resourceVersion for the provided watch is too old.";

pub fn expired() -> String {
    format!("Error from server (Expired): {WATCH_TOO_OLD}\n")
}

/// A request kube-apiserver itself gave up on: its timeout filter
/// (`k8s.io/apiserver/pkg/server/filters/timeout.go`) answers 504 with
/// `NewTimeoutError("request did not complete within requested timeout - context deadline
/// exceeded")`. Taken from the filter's source and its test, not from a recorded run.
pub fn request_timeout() -> String {
    "Error from server (Timeout): Timeout: request did not complete within requested timeout - context deadline exceeded\n"
        .to_string()
}

/// An etcd error the apiserver passes through (a 500 with reason Unknown).
pub fn server_error(text: &str) -> String {
    format!("Error from server: {text}\n")
}

/// One row of a table: the namespace, the name, the resource's own column(s), the RV.
fn row(res: Resource, obj: &Value, key: &[u8], rv: i64, all: bool) -> Vec<String> {
    let (ns, name) = objects::name_of(Some(obj), key);
    let mut r = Vec::new();
    if all {
        r.push(ns);
    }
    r.push(name);
    match res {
        Resource::Pods => r.push(objects::image_of(obj).unwrap_or("<none>").to_string()),
        Resource::Deployments => {
            r.push(obj["spec"]["replicas"].as_u64().map(|n| n.to_string()).unwrap_or_else(|| "<none>".into()));
            r.push(objects::image_of(obj).unwrap_or("<none>").to_string());
        }
        Resource::ConfigMaps => r.push(obj["data"].as_object().map(|d| d.len()).unwrap_or(0).to_string()),
    }
    r.push(rv.to_string());
    r
}

fn heading(res: Resource, all: bool) -> Vec<String> {
    let mut h = Vec::new();
    if all {
        h.push("NAMESPACE");
    }
    h.push("NAME");
    match res {
        Resource::Pods => h.push("IMAGE"),
        Resource::Deployments => h.extend(["REPLICAS", "IMAGE"]),
        Resource::ConfigMaps => h.push("DATA"),
    }
    h.push("RESOURCEVERSION");
    h.into_iter().map(String::from).collect()
}

/// kubectl's table: columns padded to the widest cell plus three spaces.
fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> =
        (0..cols).map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            if c + 1 == r.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}   ", w = widths[c]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// One object (with its resourceVersion set), as `-o` asks.
pub fn object(res: Resource, obj: &Value, key: &[u8], rv: i64, output: super::KubeOutput) -> String {
    match output {
        super::KubeOutput::Table => table(&[heading(res, false), row(res, obj, key, rv, false)]),
        super::KubeOutput::Json => pretty(obj),
        super::KubeOutput::Yaml => yaml(obj),
    }
}

/// A list: `items` are (object with RV, key, RV); `list_rv` is the response header's
/// revision. The table form ends with the list's resourceVersion, which kubectl does not
/// print but `-o json` carries in `metadata.resourceVersion`.
pub fn list(
    res: Resource,
    namespace: Option<&str>,
    items: &[(Value, Vec<u8>, i64)],
    list_rv: i64,
    output: super::KubeOutput,
) -> (String, String) {
    let all = namespace.is_none();
    match output {
        super::KubeOutput::Table => {
            let foot = format!("(list resourceVersion: {list_rv})\n");
            if items.is_empty() {
                let none = match namespace {
                    Some(ns) => format!("No resources found in {ns} namespace.\n"),
                    None => "No resources found\n".to_string(),
                };
                return (foot, none);
            }
            let mut rows = vec![heading(res, all)];
            rows.extend(items.iter().map(|(o, k, rv)| row(res, o, k, *rv, all)));
            (table(&rows) + &foot, String::new())
        }
        other => {
            let l = serde_json::json!({
                "apiVersion": res.api_version(),
                "items": items.iter().map(|(o, _, _)| o.clone()).collect::<Vec<_>>(),
                "kind": format!("{}List", res.kind()),
                "metadata": { "resourceVersion": list_rv.to_string() },
            });
            let text = if other == super::KubeOutput::Json { pretty(&l) } else { yaml(&l) };
            (text, String::new())
        }
    }
}

fn pretty(v: &Value) -> String {
    // kubectl indents JSON by four spaces.
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    if serde::Serialize::serialize(v, &mut ser).is_err() {
        return String::from("{}\n");
    }
    String::from_utf8_lossy(&buf).to_string() + "\n"
}

/// YAML as kubectl prints it (block style, sorted keys, two-space indent, list items not
/// indented under their key).
pub fn yaml(v: &Value) -> String {
    let mut out = String::new();
    yaml_into(v, 0, &mut out);
    out
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            let plain = !s.is_empty()
                && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:".contains(c))
                && s.parse::<f64>().is_err()
                && !["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"]
                    .contains(&s.to_lowercase().as_str());
            if plain {
                s.clone()
            } else {
                format!("'{}'", s.replace('\'', "''"))
            }
        }
        Value::Array(a) if a.is_empty() => "[]".into(),
        Value::Object(o) if o.is_empty() => "{}".into(),
        _ => String::new(),
    }
}

fn is_block(v: &Value) -> bool {
    matches!(v, Value::Array(a) if !a.is_empty()) || matches!(v, Value::Object(o) if !o.is_empty())
}

fn yaml_into(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(o) => {
            for (k, val) in o {
                if is_block(val) {
                    out.push_str(&format!("{pad}{k}:\n"));
                    let inner = if matches!(val, Value::Array(_)) { indent } else { indent + 2 };
                    yaml_into(val, inner, out);
                } else {
                    out.push_str(&format!("{pad}{k}: {}\n", scalar(val)));
                }
            }
        }
        Value::Array(a) => {
            for item in a {
                if is_block(item) {
                    let mut inner = String::new();
                    yaml_into(item, indent + 2, &mut inner);
                    // The first line of the item takes the dash.
                    let body = inner.strip_prefix(&" ".repeat(indent + 2)).unwrap_or(&inner);
                    out.push_str(&format!("{pad}- {body}"));
                } else {
                    out.push_str(&format!("{pad}- {}\n", scalar(item)));
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other))),
    }
}

/// One watch event as a line: `MODIFIED default/web resourceVersion=9`.
pub fn event(kind: &str, namespace: &str, name: &str, rv: i64) -> String {
    format!("{kind} {namespace}/{name} resourceVersion={rv}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::KubeOutput;

    #[test]
    fn errors_are_kube_apiservers_words() {
        assert_eq!(
            conflict(Resource::Pods, "web"),
            "Error from server (Conflict): Operation cannot be fulfilled on pods \"web\": the object has been modified; please apply your changes to the latest version and try again\n"
        );
        assert_eq!(
            already_exists(Resource::Deployments, "web"),
            "Error from server (AlreadyExists): deployments.apps \"web\" already exists\n"
        );
        assert_eq!(expired(), "Error from server (Expired): The resourceVersion for the provided watch is too old.\n");
    }

    #[test]
    fn tables_and_yaml_read_like_kubectls() {
        let obj = objects::manifest(Resource::Pods, "default", "web", "u", &Default::default());
        let obj = objects::with_resource_version(obj, 7);
        let key = b"/registry/pods/default/web".to_vec();
        assert_eq!(
            object(Resource::Pods, &obj, &key, 7, KubeOutput::Table),
            "NAME   IMAGE   RESOURCEVERSION\nweb    nginx   7\n"
        );
        let y = object(Resource::Pods, &obj, &key, 7, KubeOutput::Yaml);
        assert_eq!(
            y,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: default\n  resourceVersion: '7'\n  uid: u\nspec:\n  containers:\n  - image: nginx\n    name: web\n"
        );
        let (out, err) = list(Resource::Pods, Some("dev"), &[], 12, KubeOutput::Table);
        assert_eq!(
            (out.as_str(), err.as_str()),
            ("(list resourceVersion: 12)\n", "No resources found in dev namespace.\n")
        );
    }
}
