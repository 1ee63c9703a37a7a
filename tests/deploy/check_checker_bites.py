#!/usr/bin/env python3
"""Proves the structure checks catch what they claim to: each case breaks one thing in a copy
of the real deployment files and expects check_deploy_files.py to report it.

usage: check_checker_bites.py COMPOSE K8S_BUILT DOCKERFILE SETUP ENV_NAMES PENDING WORK_DIR"""

import copy
import os
import subprocess
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))


def load_k8s(path):
    with open(path) as f:
        return [o for o in yaml.safe_load_all(f) if o]


def find(objects, kind, name_prefix):
    return next(o for o in objects if o["kind"] == kind and o["metadata"]["name"].startswith(name_prefix))


def container(objects, deployment):
    return find(objects, "Deployment", deployment)["spec"]["template"]["spec"]["containers"][0]


def compose_case(mutate):
    def apply(files):
        mutate(files["compose"])
    return apply


def k8s_case(mutate):
    def apply(files):
        mutate(files["k8s"])
    return apply


def dockerfile_case(drop_prefix):
    def apply(files):
        files["dockerfile"] = "\n".join(
            line for line in files["dockerfile"].splitlines() if not line.startswith(drop_prefix))
    return apply


def first_pending_name(pending_path):
    try:
        with open(pending_path) as f:
            names = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    except FileNotFoundError:
        return None
    return names[0] if names else None


def binary_case(extra_name):
    def apply(files):
        files["env_names"] += extra_name + "\n"
    return apply


CASES = [
    ("a scalable service publishes a port",
     compose_case(lambda c: c["services"]["categorizer"].update(ports=["5002:5002"])),
     "service 'categorizer' publishes ports"),
    ("a container_name",
     compose_case(lambda c: c["services"]["routing"].update(container_name="routing")),
     "service 'routing' sets container_name"),
    ("compose sets a variable the binary does not read",
     compose_case(lambda c: c["services"]["tickets"]["environment"].update(SMARTTICKET_PROT="5001")),
     "sets SMARTTICKET_PROT, which"),
    ("depends_on without health",
     compose_case(lambda c: c["services"]["gateway"]["depends_on"]["tickets"].update(condition="service_started")),
     "depends_on 'tickets' without condition service_healthy"),
    ("the gateway points at the wrong port",
     compose_case(lambda c: c["services"]["gateway"]["environment"].update(AI_SERVICE_URL="http://categorizer:5003")),
     "AI_SERVICE_URL=http://categorizer:5003 does not reach"),
    ("a Deployment without readiness probe",
     k8s_case(lambda k: container(k, "routing").pop("readinessProbe")),
     "container 'routing' has no readinessProbe"),
    ("a liveness probe that checks the dependencies",
     k8s_case(lambda k: container(k, "tickets")["livenessProbe"]["httpGet"].update(path="/health")),
     "container 'tickets': the livenessProbe must GET /health/live"),
    ("a readiness probe that checks only the process",
     k8s_case(lambda k: container(k, "routing")["readinessProbe"]["httpGet"].update(path="/health/live")),
     "container 'routing': the readinessProbe must GET /health/ready"),
    ("a Deployment without resources",
     k8s_case(lambda k: container(k, "analytics").pop("resources")),
     "resources.requests needs cpu and memory"),
    ("a ConfigMap key the binary does not read",
     k8s_case(lambda k: find(k, "ConfigMap", "smartticket-config")["data"].update(DB_HSOT="postgres")),
     "sets DB_HSOT, which"),
    ("a pod that may run as root",
     k8s_case(lambda k: find(k, "Deployment", "tickets")["spec"]["template"]["spec"].pop("securityContext")),
     "lacks runAsNonRoot"),
    ("a Service that selects nothing",
     k8s_case(lambda k: find(k, "Service", "routing")["spec"]["selector"].update({"app.kubernetes.io/component": "routeing"})),
     "Service/routing selects 0 workloads"),
    ("a missing Secret",
     k8s_case(lambda k: k.remove(find(k, "Secret", "smartticket-postgres"))),
     "which does not exist"),
    ("a Dockerfile running as root", dockerfile_case("USER"), "non-root USER"),
    ("a Dockerfile without health check", dockerfile_case("HEALTHCHECK"), "no HEALTHCHECK"),
    ("a build package missing from the Dockerfile", dockerfile_case("        libcurl4-openssl-dev"),
     "does not install libcurl4-openssl-dev"),
]


def pending_cases(pending_path):
    # Only while names are pending: the case makes the binary "read" the first of them.
    name = first_pending_name(pending_path)
    if name is None:
        return []
    return [("a pending name the binary now reads", binary_case(name),
             name + " is read by the binary now")]


def main():
    compose_path, k8s_path, dockerfile_path, setup_path, env_names_path, pending_path, work = sys.argv[1:8]
    with open(compose_path) as f:
        compose = yaml.safe_load(f)
    with open(dockerfile_path) as f:
        dockerfile = f.read()
    with open(env_names_path) as f:
        env_names = f.read()
    k8s = load_k8s(k8s_path)
    os.makedirs(work, exist_ok=True)

    failed = 0
    cases = CASES + pending_cases(pending_path)
    for title, mutate, expected in cases:
        files = {"compose": copy.deepcopy(compose), "k8s": copy.deepcopy(k8s),
                 "dockerfile": dockerfile, "env_names": env_names}
        mutate(files)
        paths = {name: os.path.join(work, name) for name in files}
        with open(paths["compose"], "w") as f:
            yaml.safe_dump(files["compose"], f)
        with open(paths["k8s"], "w") as f:
            yaml.safe_dump_all(files["k8s"], f)
        for name in ("dockerfile", "env_names"):
            with open(paths[name], "w") as f:
                f.write(files[name])
        run = subprocess.run(
            [sys.executable, os.path.join(HERE, "check_deploy_files.py"),
             "--compose", paths["compose"], "--k8s-built", paths["k8s"],
             "--dockerfile", paths["dockerfile"], "--setup", setup_path,
             "--env-names", paths["env_names"],
             "--pending", pending_path],
            capture_output=True, text=True, timeout=60)
        if run.returncode == 1 and expected in run.stdout:
            print(f"ok   rejected: {title}")
        else:
            failed += 1
            print(f"FAIL not rejected: {title} (exit {run.returncode}, wanted '{expected}')\n{run.stdout}{run.stderr}")
    print(f"mutations: {len(cases) - failed} of {len(cases)} broken copies rejected")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
