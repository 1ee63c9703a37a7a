#!/usr/bin/env python3
"""Structure checks of the deployment files, which cannot be run here (no Docker daemon, no
cluster): the compose file, the Kubernetes manifests as `kubectl kustomize` built them, and
the Dockerfile. Also checks that every environment variable they give a Smart Ticket process
is one the binary reads (`smartticket config --env-names`).

Prints one line per failed check and exits 1 if there was any."""

import argparse
import re
import sys
from urllib.parse import urlparse

import yaml

SERVICES = {"gateway": 5000, "tickets": 5001, "categorizer": 5002, "routing": 5003, "analytics": 5004}
# The services a user may run several of; fixed host ports or names would make that fail.
SCALABLE = {"tickets", "categorizer", "routing", "analytics"}
# The `monitoring` profile's services and the one port each may publish (its web UI).
MONITORING = {"prometheus": "9090", "grafana": "3000"}
GATEWAY_URLS = {
    "TICKET_SERVICE_URL": "tickets",
    "AI_SERVICE_URL": "categorizer",
    "ROUTING_SERVICE_URL": "routing",
    "ANALYTICS_SERVICE_URL": "analytics",
}
NAMESPACE = "smartticket"


class Report:
    def __init__(self):
        self.failures = []
        self.checks = 0

    def expect(self, condition, message):
        self.checks += 1
        if not condition:
            self.failures.append(message)
        return condition


def is_smartticket_image(image):
    # "smartticket", "smartticket:tag" or "registry/path/smartticket:tag"
    name = (image or "").rsplit("/", 1)[-1].split(":", 1)[0].split("@", 1)[0]
    return name == "smartticket"


def url_target(url):
    parsed = urlparse(url)
    return parsed.hostname, parsed.port


# --- docker-compose ---------------------------------------------------------------------------

def compose_environment(service):
    env = service.get("environment") or {}
    if isinstance(env, list):  # the "NAME=value" list form
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return {str(k): ("" if v is None else str(v)) for k, v in env.items()}


def check_compose(path, report):
    with open(path) as f:
        doc = yaml.safe_load(f)
    services = doc.get("services") or {}
    used_env = {}  # env name -> where it is set
    for required in ["postgres", "rabbitmq", *SERVICES]:
        report.expect(required in services, f"compose: service '{required}' is missing")

    report.expect("smartticket-network" in (doc.get("networks") or {}),
                  "compose: network 'smartticket-network' is not declared")
    declared_volumes = set((doc.get("volumes") or {}).keys())

    for name, svc in services.items():
        where = f"compose: service '{name}'"
        report.expect("container_name" not in svc,
                      f"{where} sets container_name (breaks --scale and parallel projects)")
        health = (svc.get("healthcheck") or {}).get("test")
        report.expect(bool(health), f"{where} has no healthcheck")
        report.expect("smartticket-network" in (svc.get("networks") or []),
                      f"{where} is not on smartticket-network")
        depends = svc.get("depends_on") or {}
        report.expect(isinstance(depends, dict),
                      f"{where}: depends_on must use the long form with conditions")
        if isinstance(depends, dict):
            for dep, spec in depends.items():
                report.expect(dep in services, f"{where} depends on unknown service '{dep}'")
                report.expect((spec or {}).get("condition") == "service_healthy",
                              f"{where}: depends_on '{dep}' without condition service_healthy")
                report.expect(bool(((services.get(dep) or {}).get("healthcheck") or {}).get("test")),
                              f"{where} waits for '{dep}' to be healthy, which has no healthcheck")
        for volume in svc.get("volumes") or []:
            source = volume.split(":", 1)[0] if isinstance(volume, str) else volume.get("source")
            report.expect(source in declared_volumes,
                          f"{where} mounts '{source}', which is not a declared named volume")

        ports = svc.get("ports") or []
        if name in SCALABLE:
            report.expect(not ports, f"{where} publishes ports, so it cannot be scaled")
        elif name == "gateway":
            report.expect([str(p).rsplit(":", 1)[-1] for p in ports] == ["5000"],
                          f"{where} must publish exactly container port 5000, got {ports}")
        elif name in MONITORING:
            report.expect("monitoring" in (svc.get("profiles") or []),
                          f"{where} must run only under the 'monitoring' profile")
            report.expect([str(p).rsplit(":", 1)[-1] for p in ports] == [MONITORING[name]],
                          f"{where} must publish only container port {MONITORING[name]}, got {ports}")
        elif name == "rabbitmq":
            report.expect([str(p).rsplit(":", 1)[-1] for p in ports] == ["15672"],
                          f"{where} must publish only the management port 15672, got {ports}")
        else:
            report.expect(not ports, f"{where} publishes ports; only gateway and 15672 may")

        if not is_smartticket_image(svc.get("image")):
            continue
        env = compose_environment(svc)
        for key in env:
            used_env.setdefault(key, f"compose service '{name}'")
        report.expect(name in SERVICES, f"{where} runs the smartticket image but is no known target")
        report.expect(env.get("SMARTTICKET_TARGET") == name,
                      f"{where}: SMARTTICKET_TARGET is '{env.get('SMARTTICKET_TARGET')}', not '{name}'")
        port = env.get("SMARTTICKET_PORT")
        report.expect(port == str(SERVICES.get(name)),
                      f"{where}: SMARTTICKET_PORT is {port}, the documented port is {SERVICES.get(name)}")
        report.expect(env.get("SMARTTICKET_HOST") == "0.0.0.0",
                      f"{where}: SMARTTICKET_HOST must be 0.0.0.0 in a container")
        report.expect(any(f":{port}/health" in str(part) for part in health or []),
                      f"{where}: the healthcheck does not probe /health on port {port}")
        for var, target in GATEWAY_URLS.items():
            if var not in env:
                continue
            host, url_port = url_target(env[var])
            target_env = compose_environment(services.get(target) or {})
            report.expect(host == target and str(url_port) == target_env.get("SMARTTICKET_PORT"),
                          f"{where}: {var}={env[var]} does not reach service '{target}'")
    gateway_env = compose_environment(services.get("gateway") or {})
    for var in GATEWAY_URLS:
        report.expect(var in gateway_env, f"compose: the gateway does not set {var}")
    return used_env


# --- Kubernetes -------------------------------------------------------------------------------

def check_k8s(path, report):
    with open(path) as f:
        objects = [o for o in yaml.safe_load_all(f) if o]
    by_kind = {}
    for o in objects:
        by_kind.setdefault(o["kind"], {})[o["metadata"]["name"]] = o
    config_maps = by_kind.get("ConfigMap", {})
    secrets = by_kind.get("Secret", {})
    k8s_services = by_kind.get("Service", {})
    workloads = {**by_kind.get("Deployment", {}), **by_kind.get("StatefulSet", {})}
    used_env = {}

    for o in objects:
        if o["kind"] != "Namespace":
            report.expect(o["metadata"].get("namespace") == NAMESPACE,
                          f"k8s: {o['kind']}/{o['metadata']['name']} is not in namespace {NAMESPACE}")
    for name in SERVICES:
        report.expect(name in by_kind.get("Deployment", {}), f"k8s: Deployment '{name}' is missing")
        report.expect(name in k8s_services, f"k8s: Service '{name}' is missing")
    report.expect(any("anthropic" in s for s in secrets), "k8s: no Secret for the Anthropic key")
    report.expect(bool(by_kind.get("NetworkPolicy")),
                  "k8s: no NetworkPolicy keeps the internal services internal")

    for kind_name, w in workloads.items():
        where = f"k8s: {w['kind']}/{kind_name}"
        pod = w["spec"]["template"]["spec"]
        pod_labels = w["spec"]["template"]["metadata"].get("labels") or {}
        selector = w["spec"]["selector"].get("matchLabels") or {}
        report.expect(selector.items() <= pod_labels.items(),
                      f"{where}: the selector does not match the pod labels")
        pod_security = pod.get("securityContext") or {}
        report.expect(pod_security.get("runAsNonRoot") is True,
                      f"{where}: pod securityContext lacks runAsNonRoot: true")
        report.expect(pod_security.get("runAsUser", 0) != 0, f"{where}: runs as uid 0")
        volumes = {v["name"]: v for v in pod.get("volumes") or []}
        for v in volumes.values():
            if "secret" in v and not v["secret"].get("optional"):
                report.expect(v["secret"]["secretName"] in secrets,
                              f"{where}: volume '{v['name']}' names a Secret that does not exist")
        for c in pod["containers"]:
            cwhere = f"{where} container '{c['name']}'"
            port_names = {p.get("name"): p["containerPort"] for p in c.get("ports") or []}
            for probe in ("readinessProbe", "livenessProbe"):
                report.expect(probe in c, f"{cwhere} has no {probe}")
                http = (c.get(probe) or {}).get("httpGet")
                if http:
                    report.expect(http["port"] in port_names or http["port"] in port_names.values(),
                                  f"{cwhere}: the {probe} port {http['port']} is no container port")
            resources = c.get("resources") or {}
            report.expect({"cpu", "memory"} <= set((resources.get("requests") or {}).keys()),
                          f"{cwhere}: resources.requests needs cpu and memory")
            report.expect("memory" in (resources.get("limits") or {}),
                          f"{cwhere}: resources.limits needs memory")
            report.expect((c.get("securityContext") or {}).get("allowPrivilegeEscalation") is False,
                          f"{cwhere}: allowPrivilegeEscalation is not false")
            for e in c.get("env") or []:
                ref = (e.get("valueFrom") or {})
                if "secretKeyRef" in ref:
                    s = ref["secretKeyRef"]
                    report.expect(s["name"] in secrets and s["key"] in secret_keys(secrets[s["name"]]),
                                  f"{cwhere}: env {e['name']} names secret {s['name']}/{s['key']}, which does not exist")
                if "configMapKeyRef" in ref:
                    m = ref["configMapKeyRef"]
                    report.expect(m["name"] in config_maps and m["key"] in (config_maps[m["name"]].get("data") or {}),
                                  f"{cwhere}: env {e['name']} names configmap {m['name']}/{m['key']}, which does not exist")
            for mount in c.get("volumeMounts") or []:
                report.expect(mount["name"] in volumes or mount["name"] in volume_claims(w),
                              f"{cwhere} mounts undeclared volume '{mount['name']}'")

            if not is_smartticket_image(c.get("image")):
                continue
            env, env_names = effective_env(c, config_maps, secrets, cwhere, report)
            for key in env_names:
                used_env.setdefault(key, f"k8s {w['kind']}/{kind_name}")
            report.expect(kind_name in SERVICES, f"{cwhere} runs the smartticket image but is no known target")
            report.expect(env.get("SMARTTICKET_TARGET") == kind_name,
                          f"{cwhere}: SMARTTICKET_TARGET is {env.get('SMARTTICKET_TARGET')}, not {kind_name}")
            report.expect(env.get("SMARTTICKET_PORT") == str(SERVICES.get(kind_name))
                          and port_names.get("http") == SERVICES.get(kind_name),
                          f"{cwhere}: SMARTTICKET_PORT and the http containerPort must be {SERVICES.get(kind_name)}")
            report.expect(env.get("SMARTTICKET_HOST") == "0.0.0.0",
                          f"{cwhere}: SMARTTICKET_HOST must be 0.0.0.0 in a pod")
            # Readiness follows the dependencies; liveness only the process, so that an outage
            # of the database takes pods out of their Service without restarting them.
            for probe, path in (("readinessProbe", "/health/ready"), ("livenessProbe", "/health/live")):
                report.expect(((c.get(probe) or {}).get("httpGet") or {}).get("path") == path,
                              f"{cwhere}: the {probe} must GET {path}")
            report.expect("ANTHROPIC_API_KEY" not in {e["name"] for e in c.get("env") or [] if "value" in e},
                          f"{cwhere}: the Anthropic key is written into the manifest")
            if kind_name == "gateway":
                for var, target in GATEWAY_URLS.items():
                    host, url_port = url_target(env.get(var, ""))
                    svc_ports = [p["port"] for p in (k8s_services.get(host) or {}).get("spec", {}).get("ports", [])]
                    report.expect(host == target and url_port in svc_ports,
                                  f"{cwhere}: {var}={env.get(var)} does not reach Service '{target}'")

    for name, svc in k8s_services.items():
        selector = svc["spec"].get("selector") or {}
        matches = [w for w in workloads.values()
                   if selector.items() <= (w["spec"]["template"]["metadata"].get("labels") or {}).items()]
        report.expect(len(matches) == 1, f"k8s: Service/{name} selects {len(matches)} workloads, not 1")
        for m in matches:
            container_ports = {p.get("name"): p["containerPort"]
                               for c in m["spec"]["template"]["spec"]["containers"] for p in c.get("ports") or []}
            for p in svc["spec"]["ports"]:
                target = p.get("targetPort", p["port"])
                report.expect(target in container_ports or target in container_ports.values(),
                              f"k8s: Service/{name} targets port {target}, which no container opens")
    return used_env


def secret_keys(secret):
    return set((secret.get("data") or {}).keys()) | set((secret.get("stringData") or {}).keys())


def volume_claims(workload):
    return {t["metadata"]["name"] for t in workload["spec"].get("volumeClaimTemplates") or []}


def effective_env(container, config_maps, secrets, where, report):
    """The variables a container gets: its env entries plus every key of its envFrom sources.
    Returns (plain values where known, all names)."""
    values, names = {}, set()
    for source in container.get("envFrom") or []:
        prefix = source.get("prefix", "")
        if "configMapRef" in source:
            ref = source["configMapRef"]["name"]
            report.expect(ref in config_maps, f"{where}: envFrom ConfigMap '{ref}' does not exist")
            for k, v in ((config_maps.get(ref) or {}).get("data") or {}).items():
                values[prefix + k] = str(v)
                names.add(prefix + k)
        if "secretRef" in source:
            ref = source["secretRef"]["name"]
            report.expect(ref in secrets, f"{where}: envFrom Secret '{ref}' does not exist")
            for k in secret_keys(secrets.get(ref) or {}):
                names.add(prefix + k)
    for e in container.get("env") or []:
        names.add(e["name"])
        if "value" in e:
            values[e["name"]] = str(e["value"])
    return values, names


# --- Dockerfile -------------------------------------------------------------------------------

def dockerfile_instructions(path):
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    out, current = [], ""
    with open(path) as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not current and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if line.lstrip().startswith("#"):
                continue  # a comment inside a continued instruction
            if line.endswith("\\"):
                current += line[:-1] + " "
                continue
            current += line
            keyword, _, args = current.strip().partition(" ")
            out.append((keyword.upper(), args.strip()))
            current = ""
    return out


def check_dockerfile(path, report):
    instructions = dockerfile_instructions(path)
    args = {}
    for keyword, value in instructions:
        if keyword == "ARG" and "=" in value:
            k, v = value.split("=", 1)
            args[k] = v
    stages = [i for i, (k, _) in enumerate(instructions) if k == "FROM"]
    report.expect(len(stages) >= 2, "Dockerfile: not multi-stage (one FROM)")
    for i in stages:
        image = re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1), m.group(0)),
                       instructions[i][1].split()[0])
        report.expect(re.match(r"^debian:(12|bookworm)(-slim)?$", image) is not None,
                      f"Dockerfile: stage base '{image}' is not Debian 12")
    final = instructions[stages[-1]:] if stages else []
    users = [v for k, v in final if k == "USER"]
    report.expect(bool(users) and users[-1].split(":")[0] not in ("root", "0"),
                  "Dockerfile: the final stage does not switch to a non-root USER")
    report.expect(any(k == "HEALTHCHECK" and "NONE" not in v.upper().split() for k, v in final),
                  "Dockerfile: the final stage has no HEALTHCHECK")
    exposed = {p.split("/")[0] for k, v in final if k == "EXPOSE" for p in v.split()}
    report.expect({str(p) for p in SERVICES.values()} <= exposed,
                  f"Dockerfile: EXPOSE must list 5000-5004, got {sorted(exposed)}")
    entry = [v for k, v in final if k == "ENTRYPOINT"]
    report.expect(bool(entry) and "smartticket" in entry[-1] and "serve" in entry[-1],
                  "Dockerfile: ENTRYPOINT is not `smartticket serve`")
    report.expect(not any(k == "CMD" and "--target" in v for k, v in final),
                  "Dockerfile: a --target in CMD would override SMARTTICKET_TARGET")
    report.expect(any(k == "COPY" and "--from=" in v for k, v in final),
                  "Dockerfile: the final stage copies nothing from the build stage")


def check_dockerignore(path, report):
    with open(path) as f:
        patterns = {line.strip().strip("/") for line in f if line.strip() and not line.startswith("#")}
    for needed in ("build*", "data", "**/node_modules", ".git", "**/.env"):
        report.expect(needed in patterns, f".dockerignore: '{needed}' is not excluded from the context")


def setup_packages(path):
    """The package names in scripts/setup's `packages=( ... )` list."""
    with open(path) as f:
        text = f.read()
    match = re.search(r"^packages=\((.*?)^\)", text, re.S | re.M)
    if not match:
        return set()
    words = " ".join(line.split("#", 1)[0] for line in match.group(1).splitlines()).split()
    return set(words)


# scripts/setup packages the image's build stage does not need: the image builds without tests,
# benchmarks and fuzz targets.
TEST_ONLY_DEV_PACKAGES = {"libgtest-dev", "libgmock-dev", "libbenchmark-dev",
                          "libfuzzer-14-dev", "libclang-rt-14-dev"}


def check_build_packages(setup_path, dockerfile_path, report):
    instructions = dockerfile_instructions(dockerfile_path)
    stages = [i for i, (k, _) in enumerate(instructions) if k == "FROM"]
    first_stage = instructions[: stages[1]] if len(stages) > 1 else instructions
    installed = set()
    for keyword, value in first_stage:
        if keyword == "RUN" and "apt-get install" in value:
            command = value.split("apt-get install", 1)[1].split("&&", 1)[0]
            installed |= {w for w in command.split() if not w.startswith("-")}
    wanted = {p for p in setup_packages(setup_path) if p.endswith("-dev")} - TEST_ONLY_DEV_PACKAGES
    report.expect(bool(wanted), f"{setup_path}: found no -dev packages in its packages list")
    for package in sorted(wanted - installed):
        report.expect(False, f"Dockerfile: the build stage does not install {package} (scripts/setup does)")


# --- environment variable names -------------------------------------------------------------

def read_names(path):
    with open(path) as f:
        return {line.split("#", 1)[0].strip() for line in f} - {""}


def check_env_names(used, binary_names, pending, report):
    for name, where in sorted(used.items()):
        report.expect(name in binary_names or name in pending,
                      f"env: {where} sets {name}, which `smartticket config --env-names` does not list")
    for name in sorted(pending & binary_names):
        report.expect(False, f"env: {name} is read by the binary now; remove it from the pending list")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--compose", required=True)
    parser.add_argument("--k8s-built", required=True, help="output of kubectl kustomize")
    parser.add_argument("--dockerfile", required=True)
    parser.add_argument("--setup", required=True, help="scripts/setup, for the build packages")
    parser.add_argument("--dockerignore", help=".dockerignore at the repository root")
    parser.add_argument("--env-names", required=True, help="output of smartticket config --env-names")
    parser.add_argument("--pending", required=True, help="contract names the binary does not read yet")
    a = parser.parse_args()

    report = Report()
    used = check_compose(a.compose, report)
    for name, where in check_k8s(a.k8s_built, report).items():
        used.setdefault(name, where)
    check_dockerfile(a.dockerfile, report)
    check_build_packages(a.setup, a.dockerfile, report)
    if a.dockerignore:
        check_dockerignore(a.dockerignore, report)
    binary_names = read_names(a.env_names)
    report.expect(bool(binary_names), "env: the binary listed no environment variables")
    check_env_names(used, binary_names, read_names(a.pending), report)

    for failure in report.failures:
        print("FAIL " + failure)
    print(f"structure: {report.checks - len(report.failures)} of {report.checks} checks passed; "
          f"{len(used)} environment variables set for smartticket processes")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
