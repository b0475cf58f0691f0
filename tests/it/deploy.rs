//! Keeps `deploy/kubernetes/*.yaml` and the `Dockerfile` true to the binary:
//! they cannot run here, so check what can be checked. Every flag and
//! `PRECIS_*` variable they use must exist in `precis serve --help`; the
//! probes must dial the port the server listens on; the metrics port must be
//! the one `--metrics-listen` opens; the pod must wait longer than the drain.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use yaml_rust2::{Yaml, YamlLoader};

fn serve_help() -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_precis"))
        .args(["serve", "--help"])
        .output()
        .expect("run precis serve --help");
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap()
}

/// `--flag` names and `[env: NAME=...]` variables of `precis serve`.
fn flags_and_env(help: &str) -> (Vec<String>, Vec<String>) {
    let mut flags = Vec::new();
    let mut env = Vec::new();
    for word in help.split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']') {
        if let Some(flag) = word.strip_prefix("--") {
            let flag = flag.split(['=', '<']).next().unwrap();
            if !flag.is_empty() {
                flags.push(flag.to_string());
            }
        }
    }
    for part in help.split("[env: ").skip(1) {
        let name = part.split(['=', ']']).next().unwrap();
        env.push(name.to_string());
    }
    (flags, env)
}

/// `--name=value` and `--name value` pairs, and bare `--name` switches.
fn parse_args(args: &[String]) -> BTreeMap<String, Option<String>> {
    let mut parsed = BTreeMap::new();
    let mut i = 0;
    while i < args.len() {
        if let Some(flag) = args[i].strip_prefix("--") {
            match flag.split_once('=') {
                Some((name, value)) => {
                    parsed.insert(name.to_string(), Some(value.to_string()));
                }
                None => {
                    let value = args.get(i + 1).filter(|next| !next.starts_with("--"));
                    parsed.insert(flag.to_string(), value.cloned());
                    if value.is_some() {
                        i += 1;
                    }
                }
            }
        }
        i += 1;
    }
    parsed
}

fn port_of(address: &str) -> i64 {
    address.rsplit(':').next().unwrap().parse().unwrap()
}

fn ms(args: &BTreeMap<String, Option<String>>, name: &str, help: &str) -> i64 {
    match args.get(name).cloned().flatten() {
        Some(value) => value.parse().unwrap(),
        None => {
            // The documented default, read from the help text.
            let after = help.split(&format!("--{name} ")).nth(1).unwrap();
            let default = after.split("[default: ").nth(1).unwrap();
            default.split(']').next().unwrap().parse().unwrap()
        }
    }
}

fn yaml_files() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/kubernetes");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no YAML in {}", dir.display());
    files
}

fn strings(yaml: &Yaml) -> Vec<String> {
    yaml.as_vec()
        .map(|items| {
            items
                .iter()
                .map(|item| item.as_str().expect("string args").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn kubernetes_manifests_match_the_binary() {
    let help = serve_help();
    let (known_flags, known_env) = flags_and_env(&help);
    let mut precis_containers = 0;
    for file in yaml_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let documents = YamlLoader::load_from_str(&text).expect("valid YAML");
        for document in &documents {
            let pod = &document["spec"]["template"]["spec"];
            let Some(containers) = pod["containers"].as_vec() else {
                continue;
            };
            for container in containers {
                let image = container["image"].as_str().unwrap_or_default();
                if !image.contains("precis") {
                    continue;
                }
                precis_containers += 1;
                let name = format!("{}: {}", file.display(), image);
                let mut args = strings(&container["command"]);
                args.extend(strings(&container["args"]));
                assert_eq!(args.first().map(String::as_str), Some("serve"), "{name}");
                let parsed = parse_args(&args);
                for flag in parsed.keys() {
                    assert!(
                        known_flags.contains(flag),
                        "{name}: --{flag} is not a flag of precis serve"
                    );
                }
                for variable in container["env"].as_vec().into_iter().flatten() {
                    let variable = variable["name"].as_str().unwrap();
                    if variable.starts_with("PRECIS_") {
                        assert!(
                            known_env.iter().any(|known| known == variable),
                            "{name}: {variable} is not read by precis serve"
                        );
                    }
                }

                // The probes dial the port the server listens on, on all
                // interfaces (kubelet dials the pod IP).
                let listen = parsed["listen"].clone().expect("--listen has a value");
                assert!(
                    listen.starts_with("0.0.0.0:") || listen.starts_with("[::]:"),
                    "{name}: {listen}"
                );
                let grpc_port = port_of(&listen);
                let ports: BTreeMap<String, i64> = container["ports"]
                    .as_vec()
                    .unwrap()
                    .iter()
                    .map(|p| {
                        (
                            p["name"].as_str().unwrap().to_string(),
                            p["containerPort"].as_i64().unwrap(),
                        )
                    })
                    .collect();
                assert_eq!(ports.get("grpc"), Some(&grpc_port), "{name}: grpc port");
                let readiness = &container["readinessProbe"]["grpc"];
                let liveness = &container["livenessProbe"]["grpc"];
                assert_eq!(
                    readiness["port"].as_i64(),
                    Some(grpc_port),
                    "{name}: readiness port"
                );
                assert_eq!(
                    liveness["port"].as_i64(),
                    Some(grpc_port),
                    "{name}: liveness port"
                );
                // The health service names the server registers.
                assert_eq!(
                    readiness["service"].as_str(),
                    Some("precis.v1.Precis"),
                    "{name}"
                );
                assert_eq!(liveness["service"].as_str(), Some(""), "{name}");

                if let Some(Some(metrics)) = parsed.get("metrics-listen") {
                    let metrics_port = port_of(metrics);
                    assert_eq!(
                        ports.get("metrics"),
                        Some(&metrics_port),
                        "{name}: metrics port"
                    );
                    let annotations = &document["spec"]["template"]["metadata"]["annotations"];
                    if let Some(port) = annotations["prometheus.io/port"].as_str() {
                        assert_eq!(port.parse::<i64>().unwrap(), metrics_port, "{name}");
                    }
                }

                // Resource requests are set.
                let requests = &container["resources"]["requests"];
                assert!(requests["cpu"].as_str().is_some(), "{name}: cpu request");
                assert!(
                    requests["memory"].as_str().is_some(),
                    "{name}: memory request"
                );

                // Precis finishes its drain before the kubelet kills it.
                let grace_s = pod["terminationGracePeriodSeconds"].as_i64().unwrap_or(30);
                let drain_ms =
                    ms(&parsed, "drain-grace-ms", &help) + ms(&parsed, "drain-timeout-ms", &help);
                assert!(
                    drain_ms < grace_s * 1000,
                    "{name}: drain {drain_ms} ms must end before terminationGracePeriodSeconds {grace_s}"
                );
            }
        }
    }
    assert!(precis_containers > 0, "no Precis container found");
}

#[test]
fn dockerfile_runs_serve_with_known_flags_as_non_root() {
    let dockerfile =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Dockerfile")).unwrap();
    let help = serve_help();
    let (known_flags, _) = flags_and_env(&help);
    let cmd = dockerfile
        .lines()
        .find_map(|line| line.strip_prefix("CMD "))
        .expect("a CMD line");
    let args: Vec<String> = serde_json::from_str(cmd).expect("CMD in JSON (exec) form");
    assert_eq!(args[0], "serve");
    let parsed = parse_args(&args);
    for flag in parsed.keys() {
        assert!(
            known_flags.contains(flag),
            "Dockerfile: --{flag} is not a flag"
        );
    }
    let exposed: Vec<i64> = dockerfile
        .lines()
        .filter_map(|line| line.strip_prefix("EXPOSE "))
        .flat_map(|ports| ports.split_whitespace().map(|p| p.parse().unwrap()))
        .collect();
    assert!(exposed.contains(&port_of(parsed["listen"].as_ref().unwrap())));
    assert!(exposed.contains(&port_of(parsed["metrics-listen"].as_ref().unwrap())));
    // Multi-stage, and the runtime stage does not run as root.
    assert!(dockerfile.matches("\nFROM ").count() >= 2, "multi-stage");
    let user = dockerfile
        .lines()
        .filter_map(|line| line.strip_prefix("USER "))
        .next_back()
        .expect("a USER line");
    assert!(
        !user.starts_with("root") && !user.starts_with("0"),
        "USER {user}"
    );
}

#[test]
fn help_parsing_finds_flags_and_env() {
    // The checks above are only as good as this parser.
    let (flags, env) = flags_and_env(&serve_help());
    for flag in [
        "listen",
        "metrics-listen",
        "drain-grace-ms",
        "drain-timeout-ms",
        "uds",
        "tls-cert",
    ] {
        assert!(flags.iter().any(|f| f == flag), "{flag} in {flags:?}");
    }
    assert!(env.iter().any(|e| e == "PRECIS_MAX_TEXT_BYTES"), "{env:?}");
    assert!(!flags.iter().any(|f| f == "no-such-flag"));
}
