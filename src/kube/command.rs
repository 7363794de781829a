//! `kube …` console lines as typed commands: the lab's kubectl-like client words.
//!
//! Contract: [`parse`] takes the words after `kube` and never panics; every error names
//! what was wrong and shows a working example (`Error: kube get: unknown resource "pdos";
//! usage: …`). Nothing here talks to a cluster.
//!
//! ```text
//! kube create pod|configmap|deployment [ns/]name [-n ns] [--image=nginx] [--replicas=N] [--from-literal=k=v]
//! kube get <resource> [[ns/]name] [-n ns | -A] [-o json|yaml] [-w] [--resource-version=N]
//! kube set image <resource> [ns/]name <image> [--resource-version=N]
//! kube label <resource> [ns/]name key=value [--resource-version=N]
//! kube delete <resource> [ns/]name [--resource-version=N]
//! kube compact
//! kube informer <resource> [-n ns | -A] [--resource-version=N]
//! ```

use serde::{Deserialize, Serialize};

use super::objects::{Resource, Spec};

/// Which objects a `get` or a watch reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    One { namespace: String, name: String },
    Namespace(String),
    All,
}

impl Target {
    /// The namespace a list or watch reads (`None` = every namespace).
    pub fn namespace(&self) -> Option<&str> {
        match self {
            Target::One { namespace, .. } | Target::Namespace(namespace) => Some(namespace),
            Target::All => None,
        }
    }
}

/// `-o`: kubectl's table, or the object as JSON or YAML.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum KubeOutput {
    #[default]
    Table,
    Json,
    Yaml,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KubeCommand {
    Create {
        res: Resource,
        namespace: String,
        name: String,
        spec: Spec,
    },
    Get {
        res: Resource,
        target: Target,
        output: KubeOutput,
        /// `-w`: list (unless a resourceVersion is given), then watch.
        watch: bool,
        /// `--resource-version=N`: with `-w`, watch the changes after N (no list).
        resource_version: Option<i64>,
    },
    SetImage {
        res: Resource,
        namespace: String,
        name: String,
        image: String,
        resource_version: Option<i64>,
    },
    Label {
        res: Resource,
        namespace: String,
        name: String,
        key: String,
        value: String,
        resource_version: Option<i64>,
    },
    Delete {
        res: Resource,
        namespace: String,
        name: String,
        resource_version: Option<i64>,
    },
    /// One round of kube-apiserver's compactor.
    Compact,
    /// `kube compactor 5m` / `kube compactor off`: kube-apiserver's compactor runs a round
    /// every interval on the simulated clock (`--etcd-compaction-interval`); 0 stops it.
    Compactor {
        interval_ms: u64,
    },
    /// client-go's reflector: list, then watch from the list's resourceVersion, and list
    /// again when the watch answers 410 Gone. Starts with a watch from N if given.
    Informer {
        res: Resource,
        namespace: Option<String>,
        resource_version: Option<i64>,
    },
}

impl KubeCommand {
    /// True for the words that open a stream (running until `cancel`).
    pub fn streams(&self) -> bool {
        matches!(self, KubeCommand::Get { watch: true, .. } | KubeCommand::Informer { .. })
    }
}

/// The verbs, for completion.
pub const VERBS: &[&str] = &["compact", "compactor", "create", "delete", "get", "informer", "label", "set"];

/// Usage of each verb, for errors and help.
pub fn usage(verb: &str) -> &'static str {
    match verb {
        "create" => "kube create pod|configmap|deployment [ns/]name [--image=nginx] [--replicas=N] [--from-literal=k=v], e.g. \"kube create pod default/web --image=nginx\"",
        "get" => "kube get <resource> [[ns/]name] [-n ns | -A] [-o json|yaml] [-w] [--resource-version=N], e.g. \"kube get pods -n default\"",
        "set" => "kube set image <resource> [ns/]name <image> [--resource-version=N], e.g. \"kube set image pod default/web nginx:1.25\"",
        "label" => "kube label <resource> [ns/]name key=value [--resource-version=N], e.g. \"kube label pod default/web tier=front\"",
        "delete" => "kube delete <resource> [ns/]name [--resource-version=N], e.g. \"kube delete pod default/web\"",
        "compact" => "kube compact (one round of kube-apiserver's compactor)",
        "compactor" => "kube compactor <interval>|off, e.g. \"kube compactor 5m\" (a round every 5 minutes of simulated time, as kube-apiserver's --etcd-compaction-interval)",
        "informer" => "kube informer <resource> [-n ns | -A] [--resource-version=N], e.g. \"kube informer pods -A\"",
        _ => "kube create|get|set image|label|delete|compact|informer ..., e.g. \"kube get pods -A\"",
    }
}

fn err(verb: &str, what: impl std::fmt::Display) -> String {
    let head = if verb.is_empty() { "kube".to_string() } else { format!("kube {verb}") };
    format!("Error: {head}: {what}; usage: {}", usage(verb))
}

/// The words of one line after `kube`, flags apart.
struct Words {
    positional: Vec<String>,
    namespace: Option<String>,
    all: bool,
    watch: bool,
    output: KubeOutput,
    image: Option<String>,
    replicas: Option<u32>,
    literals: Vec<(String, String)>,
    resource_version: Option<i64>,
}

fn split(verb: &str, args: &[String]) -> Result<Words, String> {
    let mut w = Words {
        positional: Vec::new(),
        namespace: None,
        all: false,
        watch: false,
        output: KubeOutput::Table,
        image: None,
        replicas: None,
        literals: Vec::new(),
        resource_version: None,
    };
    let mut it = args.iter().peekable();
    while let Some(a) = it.next() {
        if !a.starts_with('-') || a == "-" {
            w.positional.push(a.clone());
            continue;
        }
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None if a.starts_with("-o") && a.len() > 2 && !a.starts_with("--") => {
                ("-o".to_string(), Some(a[2..].to_string()))
            }
            None => (a.clone(), None),
        };
        let value = |it: &mut std::iter::Peekable<std::slice::Iter<String>>| -> Result<String, String> {
            match inline.clone().or_else(|| it.next().cloned()) {
                Some(v) if !v.is_empty() => Ok(v),
                _ => Err(err(verb, format!("flag {name} needs a value"))),
            }
        };
        match name.as_str() {
            "-n" | "--namespace" => w.namespace = Some(value(&mut it)?),
            "-A" | "--all-namespaces" => w.all = true,
            "-w" | "--watch" => w.watch = true,
            "-o" | "--output" => {
                w.output = match value(&mut it)?.as_str() {
                    "json" => KubeOutput::Json,
                    "yaml" => KubeOutput::Yaml,
                    "wide" | "table" => KubeOutput::Table,
                    o => return Err(err(verb, format!("output format {o:?} is not one of json, yaml"))),
                }
            }
            "--image" => w.image = Some(value(&mut it)?),
            "--replicas" => {
                let v = value(&mut it)?;
                w.replicas = Some(v.parse().map_err(|_| err(verb, format!("--replicas={v} is not a count")))?);
            }
            "--from-literal" => {
                let v = value(&mut it)?;
                let (k, val) =
                    v.split_once('=').ok_or_else(|| err(verb, format!("--from-literal={v} is not key=value")))?;
                w.literals.push((k.to_string(), val.to_string()));
            }
            "--resource-version" => {
                let v = value(&mut it)?;
                let rv = v.parse::<i64>().ok().filter(|r| *r >= 0);
                w.resource_version =
                    Some(rv.ok_or_else(|| err(verb, format!("--resource-version={v} is not a revision")))?);
            }
            _ => return Err(err(verb, format!("unknown flag {a}"))),
        }
    }
    Ok(w)
}

fn resource(verb: &str, word: Option<&String>) -> Result<Resource, String> {
    let word = word.ok_or_else(|| err(verb, "needs a resource (pods, configmaps or deployments)"))?;
    Resource::parse(word).ok_or_else(|| err(verb, format!("unknown resource {word:?} (pods, configmaps, deployments)")))
}

fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// `ns/name` or `name` (with `-n ns`, else `default`).
fn object(verb: &str, word: Option<&String>, ns_flag: &Option<String>) -> Result<(String, String), String> {
    let word = word.ok_or_else(|| err(verb, "needs an object, such as default/web"))?;
    let (ns, name) = match word.split_once('/') {
        Some((ns, name)) => {
            if ns_flag.as_deref().is_some_and(|f| f != ns) {
                return Err(err(
                    verb,
                    format!("{word} names namespace {ns:?} but -n says {:?}", ns_flag.as_deref().unwrap_or("")),
                ));
            }
            (ns.to_string(), name.to_string())
        }
        None => (ns_flag.clone().unwrap_or_else(|| "default".into()), word.clone()),
    };
    for part in [&ns, &name] {
        if !valid_name(part) {
            return Err(err(verb, format!("{part:?} is not a valid name (lowercase letters, digits, '-' and '.')")));
        }
    }
    Ok((ns, name))
}

fn no_more(verb: &str, w: &Words, n: usize) -> Result<(), String> {
    match w.positional.get(n) {
        Some(extra) => Err(err(verb, format!("unexpected argument {extra:?}"))),
        None => Ok(()),
    }
}

/// Parses the words after `kube`.
pub fn parse(args: &[String]) -> Result<KubeCommand, String> {
    let Some(verb) = args.first() else { return Err(err("", "needs a verb")) };
    let verb = verb.as_str();
    let w = split(verb, &args[1..])?;
    let p = &w.positional;
    let rv = w.resource_version;
    let not_here =
        |flag: bool, name: &str| if flag { Err(err(verb, format!("{name} does not apply here"))) } else { Ok(()) };
    match verb {
        "create" => {
            let res = resource(verb, p.first())?;
            let (namespace, name) = object(verb, p.get(1), &w.namespace)?;
            no_more(verb, &w, 2)?;
            not_here(w.all || w.watch || rv.is_some(), "-A, -w and --resource-version")?;
            if res == Resource::ConfigMaps && (w.image.is_some() || w.replicas.is_some()) {
                return Err(err(verb, "a configmap takes --from-literal=key=value, not --image or --replicas"));
            }
            if res != Resource::ConfigMaps && !w.literals.is_empty() {
                return Err(err(verb, "--from-literal is for configmaps"));
            }
            if res == Resource::Pods && w.replicas.is_some() {
                return Err(err(verb, "--replicas is for deployments"));
            }
            let spec = Spec { image: w.image, replicas: w.replicas, data: w.literals };
            Ok(KubeCommand::Create { res, namespace, name, spec })
        }
        "get" => {
            let res = resource(verb, p.first())?;
            let target = match p.get(1) {
                Some(_) if w.all => return Err(err(verb, "-A lists every namespace; name no object with it")),
                Some(_) => {
                    let (namespace, name) = object(verb, p.get(1), &w.namespace)?;
                    Target::One { namespace, name }
                }
                None if w.all => Target::All,
                None => Target::Namespace(w.namespace.clone().unwrap_or_else(|| "default".into())),
            };
            no_more(verb, &w, 2)?;
            not_here(
                w.image.is_some() || w.replicas.is_some() || !w.literals.is_empty(),
                "--image, --replicas and --from-literal",
            )?;
            if rv.is_some() && !w.watch {
                return Err(err(verb, "--resource-version goes with -w (the changes after that version)"));
            }
            if w.watch && w.output != KubeOutput::Table {
                return Err(err(verb, "-w prints one line per event; drop -o"));
            }
            Ok(KubeCommand::Get { res, target, output: w.output, watch: w.watch, resource_version: rv })
        }
        "set" => {
            if p.first().map(String::as_str) != Some("image") {
                return Err(err(verb, "the lab knows \"set image\" only"));
            }
            let res = resource(verb, p.get(1))?;
            if res == Resource::ConfigMaps {
                return Err(err(verb, "a configmap has no image"));
            }
            let (namespace, name) = object(verb, p.get(2), &w.namespace)?;
            let image = p.get(3).cloned().ok_or_else(|| err(verb, "needs the new image, such as nginx:1.25"))?;
            // kubectl's own form is container=image; the lab sets every container.
            let image = image.split_once('=').map(|(_, i)| i.to_string()).unwrap_or(image);
            no_more(verb, &w, 4)?;
            Ok(KubeCommand::SetImage { res, namespace, name, image, resource_version: rv })
        }
        "label" => {
            let res = resource(verb, p.first())?;
            let (namespace, name) = object(verb, p.get(1), &w.namespace)?;
            let kv = p.get(2).ok_or_else(|| err(verb, "needs key=value"))?;
            let (key, value) = kv.split_once('=').ok_or_else(|| err(verb, format!("{kv:?} is not key=value")))?;
            if key.is_empty() {
                return Err(err(verb, format!("{kv:?} has an empty key")));
            }
            no_more(verb, &w, 3)?;
            Ok(KubeCommand::Label { res, namespace, name, key: key.into(), value: value.into(), resource_version: rv })
        }
        "delete" => {
            let res = resource(verb, p.first())?;
            let (namespace, name) = object(verb, p.get(1), &w.namespace)?;
            no_more(verb, &w, 2)?;
            Ok(KubeCommand::Delete { res, namespace, name, resource_version: rv })
        }
        "compact" => {
            no_more(verb, &w, 0)?;
            Ok(KubeCommand::Compact)
        }
        "compactor" => {
            let Some(word) = p.first() else {
                return Err(err(verb, "needs an interval or off"));
            };
            no_more(verb, &w, 1)?;
            let interval_ms = if word == "off" {
                0
            } else {
                let ns = crate::console::parse::lex::lab_duration_ns(word)
                    .map_err(|e| err(verb, format!("bad interval {word:?}: {e}")))?;
                u64::try_from(ns / 1_000_000).unwrap_or(u64::MAX)
            };
            Ok(KubeCommand::Compactor { interval_ms })
        }
        "informer" => {
            let res = resource(verb, p.first())?;
            no_more(verb, &w, 1)?;
            let namespace = if w.all { None } else { Some(w.namespace.clone().unwrap_or_else(|| "default".into())) };
            Ok(KubeCommand::Informer { res, namespace, resource_version: rv })
        }
        other => Err(err("", format!("unknown verb {other:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: &str) -> Result<KubeCommand, String> {
        let words: Vec<String> = line.split_whitespace().map(String::from).collect();
        parse(&words)
    }

    #[test]
    fn lines_parse_as_kubectl_reads_them() {
        assert_eq!(
            p("create pod default/web --image=nginx:1.25"),
            Ok(KubeCommand::Create {
                res: Resource::Pods,
                namespace: "default".into(),
                name: "web".into(),
                spec: Spec { image: Some("nginx:1.25".into()), ..Spec::default() },
            })
        );
        assert_eq!(
            p("get pods -A -w"),
            Ok(KubeCommand::Get {
                res: Resource::Pods,
                target: Target::All,
                output: KubeOutput::Table,
                watch: true,
                resource_version: None
            })
        );
        assert!(matches!(
            p("get po web -n kube-system -ojson"),
            Ok(KubeCommand::Get { target: Target::One { .. }, output: KubeOutput::Json, .. })
        ));
        assert!(matches!(
            p("set image pod default/web nginx:1.25 --resource-version=5"),
            Ok(KubeCommand::SetImage { resource_version: Some(5), .. })
        ));
        assert_eq!(p("compact"), Ok(KubeCommand::Compact));
        assert_eq!(p("compactor 5m"), Ok(KubeCommand::Compactor { interval_ms: 300_000 }));
        assert_eq!(p("compactor off"), Ok(KubeCommand::Compactor { interval_ms: 0 }));
        assert!(p("compactor").unwrap_err().contains("needs an interval or off"));
        assert!(p("compactor soon").unwrap_err().contains("bad interval \"soon\""));
        assert!(matches!(
            p("informer pods -A --resource-version 3"),
            Ok(KubeCommand::Informer { namespace: None, resource_version: Some(3), .. })
        ));
    }

    #[test]
    fn errors_name_the_problem_and_show_an_example() {
        let e = p("get pdos").unwrap_err();
        assert!(e.starts_with("Error: kube get: unknown resource \"pdos\""), "{e}");
        assert!(e.contains("e.g. \"kube get pods -n default\""), "{e}");
        assert!(p("").unwrap_err().contains("needs a verb"));
        assert!(p("frobnicate").unwrap_err().contains("unknown verb"));
        assert!(p("create pod").unwrap_err().contains("needs an object"));
        assert!(p("create pod Web").unwrap_err().contains("not a valid name"));
        assert!(p("get pods --resource-version=x -w").unwrap_err().contains("not a revision"));
        assert!(p("get pods --resource-version=3").unwrap_err().contains("goes with -w"));
        assert!(p("set image pod default/web").unwrap_err().contains("needs the new image"));
        assert!(p("get pods -o").unwrap_err().contains("needs a value"));
        assert!(p("delete pod default/web extra").unwrap_err().contains("unexpected argument"));
        assert!(p("create pod x/web -n y").unwrap_err().contains("-n says"));
    }
}
