"""Structure checks of the deployment files: Dockerfile, docker-compose.yml and deploy/.

No container engine or cluster is used. The files are parsed and checked for what the PropOps
processes need (command, port, environment, probes, wiring between the parts); the core
Kubernetes objects are validated against the Kubernetes OpenAPI schemas that the
kubernetes-validate package bundles (offline, strict: unknown fields are errors); the
CloudNativePG custom resources are checked by hand; and the kustomizations are rendered with
``kubectl kustomize`` (kubectl ships with the machine image).
"""

from __future__ import annotations

import copy
import fnmatch
import functools
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
BASE = K8S / "base"
DEV = K8S / "overlays" / "dev"
COMPOSE_FILE = ROOT / "docker-compose.yml"
COLLECTOR_FILE = DEPLOY / "otel" / "collector.yaml"

SERVICES = ("frontdesk", "security", "engineering", "cleaning", "leasing", "fees")
PROCESSES = (*SERVICES, "gateway")
DATABASES = PROCESSES  # one PostgreSQL database per service, plus the gateway's

# The oldest Kubernetes version the manifests are meant for, and the newest whose schemas the
# installed kubernetes-validate bundles.
K8S_VERSIONS = tuple(dict.fromkeys(("1.30.0", kubernetes_validate.latest_version())))
# Custom resources: no schema in kubernetes-validate; checked by hand below.
CRD_KINDS = {("postgresql.cnpg.io/v1", "Cluster"), ("postgresql.cnpg.io/v1", "Database")}
# The Cluster spec fields these manifests may use (CloudNativePG API), to catch typos.
CNPG_CLUSTER_FIELDS = frozenset(
    "instances imageName primaryUpdateStrategy postgresql bootstrap storage walStorage"
    " resources affinity monitoring backup".split()
)

COMMON_ENV = (
    "PROPOPS_SERVICE_NAME",
    "PROPOPS_DATABASE_URL",
    "PROPOPS_NATS_URL",
    "PROPOPS_JWT_SECRET",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_SERVICE_NAME",
)
KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def expected_command(pkg: str) -> list[str]:
    return ["uvicorn", "--factory", f"{pkg}.app:create_app", "--host", "0.0.0.0", "--port", "8000"]


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_all(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


# --------------------------------------------------------------------------------------------
# docker-compose.yml
# --------------------------------------------------------------------------------------------


@functools.cache
def compose() -> dict[str, Any]:
    data = load_yaml(COMPOSE_FILE)
    assert isinstance(data, dict) and isinstance(data.get("services"), dict)
    return data


def compose_service(name: str) -> dict[str, Any]:
    services = compose()["services"]
    assert name in services, f"docker-compose.yml has no service {name!r}"
    return services[name]


def compose_env(name: str) -> dict[str, str]:
    env = compose_service(name).get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): str(v) for k, v in env.items()}


def compose_command(name: str) -> list[str]:
    command = compose_service(name).get("command")
    assert command is not None, f"compose service {name} has no command"
    return command.split() if isinstance(command, str) else [str(c) for c in command]


def published_ports(name: str) -> list[str]:
    ports = []
    for port in compose_service(name).get("ports") or []:
        if isinstance(port, dict):
            ports.append(f"{port.get('published')}:{port['target']}")
        else:
            ports.append(str(port))
    return ports


def test_compose_runs_every_process_from_the_one_image_with_its_command() -> None:
    images = set()
    for name in PROCESSES:
        service = compose_service(name)
        assert compose_command(name) == expected_command(name)
        build = service.get("build")
        if isinstance(build, str):
            build = {"context": build}
        assert build and build.get("context"), f"{name}: no build context"
        dockerfile = ROOT / build["context"] / build.get("dockerfile", "Dockerfile")
        assert dockerfile.resolve() == (ROOT / "Dockerfile").resolve()
        images.add(service.get("image"))
    assert len(images) == 1 and None not in images, f"one image for all processes, got {images}"


def test_compose_publishes_only_the_gateway_and_the_trace_ui() -> None:
    assert "8000:8000" in published_ports("gateway")
    for name in SERVICES:
        assert not published_ports(name), f"{name} must be reached through the gateway only"
    assert any(p.endswith(":16686") for p in published_ports("jaeger"))


@pytest.mark.parametrize("name", PROCESSES)
def test_compose_environment_of_each_process(name: str) -> None:
    env = compose_env(name)
    missing = [k for k in COMMON_ENV if k not in env]
    assert not missing, f"{name}: missing {missing}"
    assert env["PROPOPS_SERVICE_NAME"] == name
    assert env["OTEL_SERVICE_NAME"] == name

    db = urlsplit(env["PROPOPS_DATABASE_URL"])
    assert db.scheme == "postgresql+asyncpg"
    assert db.hostname == "postgres" and (db.port or 5432) == 5432
    assert db.path == f"/{name}", f"{name} must use its own database, not {db.path}"
    postgres_env = compose_env("postgres")
    assert db.username == postgres_env["POSTGRES_USER"]
    assert db.password == postgres_env["POSTGRES_PASSWORD"]

    nats_urls = env["PROPOPS_NATS_URL"].split(",")
    assert nats_urls and all(urlsplit(u).scheme == "nats" for u in nats_urls)
    assert {urlsplit(u).hostname for u in nats_urls} <= set(compose()["services"])
    assert all(urlsplit(u).port == 4222 for u in nats_urls)
    # one NATS server: no more stream replicas than servers
    assert int(env.get("PROPOPS_NATS_REPLICAS", "1")) <= len(nats_urls)

    otel = urlsplit(env["OTEL_EXPORTER_OTLP_ENDPOINT"])
    assert otel.scheme == "http" and otel.hostname == "otel-collector" and otel.port == 4318
    assert env["PROPOPS_JWT_SECRET"]


def test_compose_all_processes_share_one_jwt_secret() -> None:
    secrets = {compose_env(name)["PROPOPS_JWT_SECRET"] for name in PROCESSES}
    assert len(secrets) == 1, secrets


def test_compose_gateway_knows_every_service() -> None:
    env = compose_env("gateway")
    assert env.get("PROPOPS_ADMIN_PASSWORD")
    for name in SERVICES:
        url = urlsplit(env[f"PROPOPS_{name.upper()}_URL"])
        assert (url.scheme, url.hostname, url.port) == ("http", name, 8000)


@pytest.mark.parametrize("name", PROCESSES)
def test_compose_healthcheck_asks_readyz_with_python(name: str) -> None:
    check = compose_service(name).get("healthcheck")
    assert check, f"{name}: no healthcheck"
    test = check["test"]
    assert test[0] in ("CMD", "CMD-SHELL") and "python" in test[1]
    code = " ".join(test[1:])
    assert "urllib" in code and "http://127.0.0.1:8000/readyz" in code


@pytest.mark.parametrize("name", PROCESSES)
def test_compose_depends_on_healthy_postgres_and_nats(name: str) -> None:
    depends = compose_service(name).get("depends_on")
    assert isinstance(depends, dict), f"{name}: depends_on needs conditions"
    for dep in ("postgres", "nats"):
        assert depends.get(dep, {}).get("condition") == "service_healthy", (name, dep)
        assert compose_service(dep).get("healthcheck"), f"{dep} needs a healthcheck"
    assert "otel-collector" in depends
    if name == "gateway":
        for service in SERVICES:
            assert depends.get(service, {}).get("condition") == "service_healthy", service


class _ReadyzHandler(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        code = self.status if self.path == "/readyz" else 404
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_compose_healthcheck_command_tells_ready_from_not_ready() -> None:
    """Runs the healthcheck's own Python code against a local server answering 200, then 503."""
    code = compose_service("frontdesk")["healthcheck"]["test"][-1]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ReadyzHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        local = code.replace("127.0.0.1:8000", f"127.0.0.1:{server.server_address[1]}")
        assert local != code
        results = {}
        for status in (200, 503):
            _ReadyzHandler.status = status
            run = subprocess.run([sys.executable, "-c", local], capture_output=True, timeout=30)
            results[status] = run.returncode
    finally:
        server.shutdown()
        server.server_close()
    assert results[200] == 0
    assert results[503] != 0


def test_compose_nats_runs_jetstream_on_a_volume() -> None:
    nats = compose_service("nats")
    assert re.fullmatch(r"nats:2\.(1\d|[2-9]\d)([.-].*)?", nats["image"]), nats["image"]
    command = compose_command("nats")
    assert "-js" in command or "--jetstream" in command
    store = command[command.index("-sd") + 1] if "-sd" in command else None
    assert store, "nats needs a store dir (-sd) on its volume"
    mounts = {v.split(":")[1]: v.split(":")[0] for v in nats.get("volumes", [])}
    assert store in mounts and mounts[store] in compose().get("volumes", {})


def test_compose_postgres_init_creates_every_database() -> None:
    postgres = compose_service("postgres")
    assert postgres["image"].split(":")[0] == "postgres"
    assert postgres["image"].split(":")[1].split(".")[0] == "16"
    init_dirs = [
        v.split(":")[0]
        for v in postgres.get("volumes", [])
        if v.split(":")[1] == "/docker-entrypoint-initdb.d"
    ]
    assert init_dirs, "postgres has no /docker-entrypoint-initdb.d mount"
    init_dir = (ROOT / init_dirs[0]).resolve()
    assert init_dir == (DEPLOY / "compose" / "postgres-init").resolve()
    scripts = sorted(init_dir.glob("*.sql")) + sorted(init_dir.glob("*.sh"))
    assert scripts
    text = "\n".join(p.read_text(encoding="utf-8") for p in scripts)
    created = dict(
        re.findall(r"CREATE\s+DATABASE\s+\"?(\w+)\"?\s+OWNER\s+\"?(\w+)\"?", text, re.IGNORECASE)
    )
    assert set(created) == set(DATABASES)
    assert set(created.values()) == {compose_env("postgres")["POSTGRES_USER"]}
    assert postgres["healthcheck"]["test"], "postgres healthcheck"
    assert "postgres-data" in compose().get("volumes", {})


def test_compose_collector_and_jaeger() -> None:
    collector = compose_service("otel-collector")
    assert collector["image"].startswith("otel/opentelemetry-collector-contrib:")
    mounts = {v.split(":")[1]: v.split(":")[0] for v in collector.get("volumes", [])}
    config_paths = [a.split("=", 1)[1] for a in compose_command("otel-collector") if "=" in a]
    assert config_paths and config_paths[0] in mounts
    assert (ROOT / mounts[config_paths[0]]).resolve() == COLLECTOR_FILE.resolve()
    assert compose_service("jaeger")["image"].startswith("jaegertracing/all-in-one:")


# --------------------------------------------------------------------------------------------
# OpenTelemetry collector configuration (shared by compose and Kubernetes)
# --------------------------------------------------------------------------------------------


def test_collector_config_exports_traces_to_jaeger() -> None:
    config = load_yaml(COLLECTOR_FILE)
    pipelines = config["service"]["pipelines"]
    traces = pipelines["traces"]
    assert "otlp" in traces["receivers"]
    http = config["receivers"]["otlp"]["protocols"]["http"]["endpoint"]
    assert http == "0.0.0.0:4318", "the services send OTLP/HTTP to port 4318"

    jaeger_exporters = [
        config["exporters"][e]
        for e in traces["exporters"]
        if e.split("/")[0] in ("otlp", "otlphttp", "otlp_grpc", "otlp_http")
        and "jaeger" in str(config["exporters"][e].get("endpoint", ""))
    ]
    assert jaeger_exporters, "the traces pipeline must export to Jaeger over OTLP"
    endpoint = jaeger_exporters[0]["endpoint"]
    host, port = endpoint.rsplit("/", 1)[-1].split(":") if "//" in endpoint else endpoint.split(":")
    assert (host, port) == ("jaeger", "4317")
    assert "jaeger" in compose()["services"]

    # every component a pipeline names is defined
    for pipeline in pipelines.values():
        for section in ("receivers", "processors", "exporters"):
            for component in pipeline.get(section, []):
                assert component in (config.get(section) or {}), (section, component)
    for extension in config["service"].get("extensions", []):
        assert extension in config["extensions"]


# --------------------------------------------------------------------------------------------
# Dockerfile and .dockerignore
# --------------------------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n", " ", text)
    instructions = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
    return instructions


def test_dockerfile_installs_the_locked_workspace_with_uv() -> None:
    instructions = dockerfile_instructions()
    args = {}
    for keyword, rest in instructions:
        if keyword == "ARG" and "=" in rest:
            name, value = rest.split("=", 1)
            args.setdefault(name, value)
    bases = [
        re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], rest.split()[0])
        for keyword, rest in instructions
        if keyword == "FROM"
    ]
    assert bases and all(re.fullmatch(r"python:3\.1[1-3]-slim", b) for b in bases), bases

    runs = [rest for keyword, rest in instructions if keyword == "RUN"]
    assert any(re.search(r"pip install [\"']?uv\b", r) for r in runs), "installs uv with pip"
    syncs = [r for r in runs if "uv sync" in r]
    assert syncs, "installs with uv sync"
    final_sync = syncs[-1]
    assert "--no-dev" in final_sync
    assert "--frozen" in final_sync or "--locked" in final_sync
    assert "--no-install-workspace" not in final_sync and "--no-install-project" not in final_sync

    copies = " ".join(rest for keyword, rest in instructions if keyword == "COPY")
    assert "uv.lock" in copies and "pyproject.toml" in copies
    for path in ("pyproject.toml", "uv.lock"):
        assert (ROOT / path).is_file(), f"the Dockerfile copies {path}"


def test_dockerfile_runs_as_non_root_on_port_8000() -> None:
    instructions = dockerfile_instructions()
    last_from = max(i for i, (k, _) in enumerate(instructions) if k == "FROM")
    final = instructions[last_from:]
    users = [rest for keyword, rest in final if keyword == "USER"]
    assert users, "the runtime stage sets a USER"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    assert user.isdigit(), "a numeric USER lets Kubernetes verify runAsNonRoot"
    assert any(k == "EXPOSE" and "8000" in r.split() for k, r in final)
    cmd = [rest for keyword, rest in final if keyword == "CMD"]
    assert cmd and yaml.safe_load(cmd[-1])[:2] == ["uvicorn", "--factory"]


def test_dockerignore_keeps_local_state_out_but_sources_in() -> None:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]

    def ignored(path: str) -> bool:
        return any(
            fnmatch.fnmatch(path, p) or fnmatch.fnmatch(path, p.removeprefix("**/"))
            for p in patterns
        )

    for path in (".venv", "var", ".git", "__pycache__", ".pytest_cache"):
        assert ignored(path), f".dockerignore must exclude {path}"
    for path in ("pyproject.toml", "uv.lock", "shared", "services", "gateway"):
        assert not ignored(path), f".dockerignore must not exclude {path}"


# --------------------------------------------------------------------------------------------
# Kustomize: resolve the kustomizations by hand (every referenced file must exist)
# --------------------------------------------------------------------------------------------


def kustomization_file(directory: Path) -> Path:
    for name in KUSTOMIZATION_NAMES:
        if (directory / name).is_file():
            return directory / name
    raise AssertionError(f"{directory} has no kustomization.yaml")


def _generator_sources(entry: str) -> tuple[str, str]:
    """``key=path`` or ``path`` -> (key, path)."""
    key, sep, path = entry.partition("=")
    return (key, path) if sep else (Path(entry).name, entry)


def resolve(directory: Path, seen: frozenset[Path] = frozenset()) -> Iterator[tuple[Path, dict]]:
    """Yields (file, object) for every object a kustomization includes, recursively.

    Generated ConfigMaps and Secrets are yielded as the objects kustomize would build
    (without the name hash). Fails on any reference to a missing file or directory.
    """
    directory = directory.resolve()
    assert directory not in seen, f"kustomization cycle through {directory}"
    seen = seen | {directory}
    kfile = kustomization_file(directory)
    k = load_yaml(kfile)
    assert k.get("kind", "Kustomization") in ("Kustomization", "Component"), kfile

    for entry in [*k.get("resources", []), *k.get("components", [])]:
        target = directory / entry
        assert target.exists(), f"{kfile}: {entry} does not exist"
        if target.is_dir():
            yield from resolve(target, seen)
        else:
            for obj in load_all(target):
                yield target, obj

    for patch in [*k.get("patches", []), *k.get("patchesStrategicMerge", [])]:
        path = patch.get("path") if isinstance(patch, dict) else patch
        if path:
            assert (directory / path).is_file(), f"{kfile}: patch {path} does not exist"

    for kind, field in (("ConfigMap", "configMapGenerator"), ("Secret", "secretGenerator")):
        for generator in k.get(field, []):
            data = {}
            for entry in generator.get("files", []):
                key, path = _generator_sources(entry)
                source = directory / path
                assert source.is_file(), f"{kfile}: {path} does not exist"
                data[key] = source.read_text(encoding="utf-8")
            for path in generator.get("envs", []):
                assert (directory / path).is_file(), f"{kfile}: {path} does not exist"
            for literal in generator.get("literals", []):
                key, _, value = literal.partition("=")
                data[key] = value
            obj = {
                "apiVersion": "v1",
                "kind": kind,
                "metadata": {"name": generator["name"]},
                ("data" if kind == "ConfigMap" else "stringData"): data,
            }
            yield kfile, obj


@functools.cache
def base_objects() -> tuple[dict[str, Any], ...]:
    return tuple(obj for _, obj in resolve(BASE))


def find(kind: str, name: str, objects: tuple[dict, ...] | None = None) -> dict[str, Any]:
    objects = base_objects() if objects is None else objects
    matches = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected one {kind}/{name}, found {len(matches)}"
    return matches[0]


def of_kind(kind: str, objects: tuple[dict, ...] | None = None) -> list[dict[str, Any]]:
    return [o for o in (base_objects() if objects is None else objects) if o["kind"] == kind]


def all_kustomizations() -> list[Path]:
    return sorted(
        p.parent for name in KUSTOMIZATION_NAMES for p in DEPLOY.rglob(name) if p.is_file()
    )


@pytest.mark.parametrize("directory", all_kustomizations(), ids=lambda p: str(p.relative_to(ROOT)))
def test_kustomization_references_existing_files(directory: Path) -> None:
    objects = [obj for _, obj in resolve(directory)]
    assert objects, f"{directory} includes nothing"
    for obj in objects:
        assert {"apiVersion", "kind", "metadata"} <= set(obj), obj
        assert obj["metadata"].get("name")


def test_the_expected_kustomizations_exist() -> None:
    relative = {str(p.relative_to(DEPLOY)) for p in all_kustomizations()}
    assert {"k8s/base", "k8s/overlays/dev", "k8s/postgres", "k8s/nats"} <= relative


def test_every_manifest_under_deploy_k8s_is_used() -> None:
    used: set[Path] = set()
    for directory in all_kustomizations():
        used.add(kustomization_file(directory).resolve())
        used.update(path.resolve() for path, _ in resolve(directory))
    manifests = {p.resolve() for p in K8S.rglob("*") if p.suffix in (".yaml", ".yml")}
    unused = sorted(str(p.relative_to(ROOT)) for p in manifests - used)
    assert not unused, f"manifests no kustomization includes: {unused}"


def test_base_puts_everything_in_the_propops_namespace() -> None:
    assert load_yaml(kustomization_file(BASE))["namespace"] == "propops"
    find("Namespace", "propops")


# --------------------------------------------------------------------------------------------
# Kubernetes schema validation (core objects), CRD kinds by hand
# --------------------------------------------------------------------------------------------


def core_objects(objects: tuple[dict, ...]) -> list[dict[str, Any]]:
    return [o for o in objects if (o["apiVersion"], o["kind"]) not in CRD_KINDS]


def test_only_known_custom_resources() -> None:
    crds = {(o["apiVersion"], o["kind"]) for o in base_objects()} - {
        (o["apiVersion"], o["kind"]) for o in core_objects(base_objects())
    }
    assert crds == CRD_KINDS


@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_core_objects_validate_against_kubernetes_schemas(version: str) -> None:
    objects = core_objects(base_objects())
    assert len(objects) > 20
    errors = []
    for obj in objects:
        label = f"{obj['kind']}/{obj['metadata']['name']}"
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            path = ".".join(str(p) for p in exc.path)
            errors.append(f"{label}: {path}: {exc.message}")
        except kubernetes_validate.SchemaNotFoundError as exc:
            errors.append(f"{label}: {exc.message}")
    assert not errors, "\n".join(errors)


def test_schema_validation_rejects_a_misspelt_field() -> None:
    """The validator is strict: a typo in a probe is an error, not an ignored field."""
    deployment = copy.deepcopy(find("Deployment", "frontdesk"))
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["readinessprobe"] = container.pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSIONS[-1], strict=True)


# --------------------------------------------------------------------------------------------
# Deployments, Services, probes, environment
# --------------------------------------------------------------------------------------------


def pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    return workload["spec"]["template"]["spec"]


def container_port(container: dict[str, Any], port: int | str) -> int:
    """A probe's or Service's port (number or name) as the container's port number."""
    if isinstance(port, int) or str(port).isdigit():
        return int(port)
    named = {p["name"]: p["containerPort"] for p in container.get("ports", []) if "name" in p}
    assert port in named, f"{container['name']}: no container port named {port!r}"
    return named[port]


def effective_env(workload: dict[str, Any], container: dict[str, Any]) -> dict[str, str]:
    """Environment of a container: literal values, with secrets and config maps resolved to
    their values (failing on any reference to a missing object or key); ``$(VAR)`` expanded
    from variables defined before it, as Kubernetes does."""
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            env.update(find("ConfigMap", source["configMapRef"]["name"])["data"])
        if "secretRef" in source:
            env.update(find("Secret", source["secretRef"]["name"])["stringData"])
    for var in container.get("env", []):
        if "value" in var:
            env[var["name"]] = re.sub(
                r"\$\((\w+)\)", lambda m: env.get(m.group(1), m.group(0)), str(var["value"])
            )
            continue
        ref = var["valueFrom"]
        if "secretKeyRef" in ref:
            secret = find("Secret", ref["secretKeyRef"]["name"])
            values = secret.get("stringData") or secret.get("data") or {}
            key = ref["secretKeyRef"]["key"]
        elif "configMapKeyRef" in ref:
            values = find("ConfigMap", ref["configMapKeyRef"]["name"])["data"]
            key = ref["configMapKeyRef"]["key"]
        else:
            env[var["name"]] = "<from the pod>"
            continue
        assert key in values, f"{workload['metadata']['name']}: {var['name']} -> missing {key}"
        env[var["name"]] = str(values[key])
    return env


def propops_container(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    deployment = find("Deployment", name)
    containers = pod_spec(deployment)["containers"]
    assert len(containers) == 1
    return deployment, containers[0]


@pytest.mark.parametrize("name", PROCESSES)
def test_deployment_runs_the_process_with_probes_and_limits(name: str) -> None:
    deployment, container = propops_container(name)
    assert deployment["spec"]["replicas"] == 2
    command = [*container.get("command", []), *container.get("args", [])]
    assert [str(c) for c in command] == expected_command(name)
    assert 8000 in [p["containerPort"] for p in container["ports"]]

    for probe_name, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        probe = container.get(probe_name)
        assert probe and "httpGet" in probe, f"{name}: no {probe_name} httpGet"
        assert probe["httpGet"]["path"] == path
        assert container_port(container, probe["httpGet"]["port"]) == 8000
    startup = container.get("startupProbe")
    if startup is not None:  # optional; when there, it asks the liveness endpoint
        assert startup["httpGet"]["path"] == "/healthz"
        assert container_port(container, startup["httpGet"]["port"]) == 8000

    resources = container.get("resources", {})
    for part in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(resources.get(part, {})), f"{name}: {part}"

    pod_security = pod_spec(deployment).get("securityContext", {})
    container_security = container.get("securityContext", {})
    assert pod_security.get("runAsNonRoot") is True or container_security.get("runAsNonRoot")
    assert container_security.get("allowPrivilegeEscalation") is False


@pytest.mark.parametrize("name", PROCESSES)
def test_deployment_environment(name: str) -> None:
    deployment, container = propops_container(name)
    env = effective_env(deployment, container)
    missing = [k for k in COMMON_ENV if k not in env]
    assert not missing, f"{name}: missing {missing}"
    assert env["PROPOPS_SERVICE_NAME"] == name
    assert env["OTEL_SERVICE_NAME"] == name

    db = urlsplit(env["PROPOPS_DATABASE_URL"])
    assert db.scheme == "postgresql+asyncpg"
    cluster = find("Cluster", "propops-pg")
    assert db.hostname == f"{cluster['metadata']['name']}-rw", "the CNPG read-write Service"
    assert db.path == f"/{name}"
    credentials = find("Secret", cluster["spec"]["bootstrap"]["initdb"]["secret"]["name"])
    assert db.username == credentials["stringData"]["username"]
    assert db.password == credentials["stringData"]["password"], "password not expanded"

    nats_hosts = [urlsplit(u) for u in env["PROPOPS_NATS_URL"].split(",")]
    assert {(u.hostname, u.port) for u in nats_hosts} == {
        (f"nats-{i}.nats", 4222) for i in range(3)
    }
    # streams replicated on every node of the cluster
    assert int(env["PROPOPS_NATS_REPLICAS"]) == find("StatefulSet", "nats")["spec"]["replicas"]
    otel = urlsplit(env["OTEL_EXPORTER_OTLP_ENDPOINT"])
    assert (otel.scheme, otel.port) == ("http", 4318), "the services export OTLP/HTTP"
    assert service_reaches(otel.hostname, otel.port) == "otel-collector"
    assert env["PROPOPS_JWT_SECRET"]


def test_every_process_gets_the_same_jwt_secret() -> None:
    secrets = {effective_env(*propops_container(n))["PROPOPS_JWT_SECRET"] for n in PROCESSES}
    assert len(secrets) == 1


def test_gateway_deployment_knows_every_service() -> None:
    env = effective_env(*propops_container("gateway"))
    assert env.get("PROPOPS_ADMIN_PASSWORD")
    for name in SERVICES:
        url = urlsplit(env[f"PROPOPS_{name.upper()}_URL"])
        assert url.scheme == "http"
        assert service_reaches(url.hostname, url.port or 80) == name


def test_only_the_gateway_is_exposed_outside_the_cluster() -> None:
    for service in of_kind("Service"):
        assert service["spec"].get("type", "ClusterIP") == "ClusterIP", service["metadata"]
    paths = [
        path
        for ingress in of_kind("Ingress")
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    ]
    for path in paths:
        assert path["backend"]["service"]["name"] == "gateway"
        assert path["pathType"] in ("Prefix", "Exact", "ImplementationSpecific")
        port = path["backend"]["service"]["port"]
        number = port.get("number") or named_port("gateway", port)
        assert service_reaches("gateway", number) == "gateway"


def service_reaches(host: str | None, port: int | None) -> str:
    """The workload (Deployment/StatefulSet name) that Service ``host`` sends ``port`` to."""
    service = find("Service", str(host))
    ports = [p for p in service["spec"]["ports"] if p["port"] == port]
    assert ports, f"Service {host} has no port {port}"
    workloads = [
        w for w in (*of_kind("Deployment"), *of_kind("StatefulSet")) if selects(service, w)
    ]
    assert len(workloads) == 1, f"Service {host} selects {len(workloads)} workloads"
    container = pod_spec(workloads[0])["containers"][0]
    target = ports[0].get("targetPort", port)
    assert container_port(container, target) in [p["containerPort"] for p in container["ports"]]
    return workloads[0]["metadata"]["name"]


def named_port(service_name: str, port: dict[str, Any]) -> int:
    """The number of a Service port given by name."""
    ports = find("Service", service_name)["spec"]["ports"]
    numbers = [p["port"] for p in ports if p.get("name") == port.get("name")]
    assert numbers, f"Service {service_name} has no port {port}"
    return numbers[0]


def selects(service: dict[str, Any], workload: dict[str, Any]) -> bool:
    selector = service["spec"].get("selector") or {}
    labels = workload["spec"]["template"]["metadata"]["labels"]
    return bool(selector) and selector.items() <= labels.items()


@pytest.mark.parametrize("kind", ["Deployment", "StatefulSet"])
def test_every_workload_has_a_service_selecting_its_pods(kind: str) -> None:
    workloads = of_kind(kind)
    assert workloads
    for workload in workloads:
        name = workload["metadata"]["name"]
        labels = workload["spec"]["template"]["metadata"]["labels"]
        assert workload["spec"]["selector"]["matchLabels"].items() <= labels.items(), name
        services = [s for s in of_kind("Service") if selects(s, workload)]
        assert services, f"{kind} {name} has no Service"
        container = pod_spec(workload)["containers"][0]
        for service in services:
            for port in service["spec"]["ports"]:
                container_port(container, port.get("targetPort", port["port"]))


def test_propops_services_are_named_after_the_process_on_port_8000() -> None:
    for name in PROCESSES:
        assert service_reaches(name, 8000) == name


# --------------------------------------------------------------------------------------------
# NATS JetStream cluster
# --------------------------------------------------------------------------------------------


def conf_block(text: str, name: str) -> str:
    """The body of ``name { ... }`` in a NATS configuration (braces balanced)."""
    match = re.search(rf"^\s*{name}\s*[:=]?\s*\{{", text, re.MULTILINE)
    assert match, f"nats.conf has no {name} block"
    depth, start = 1, match.end()
    for i in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return text[start:i]
    raise AssertionError(f"unbalanced {name} block")


def conf_value(text: str, key: str) -> str:
    match = re.search(rf"^\s*{key}\s*[:=]?\s*\"?([^\"\s]+)\"?", text, re.MULTILINE)
    assert match, f"nats.conf: no {key}"
    return match.group(1)


def test_nats_is_a_three_node_jetstream_cluster() -> None:
    statefulset = find("StatefulSet", "nats")
    assert statefulset["spec"]["replicas"] == 3
    service = find("Service", statefulset["spec"]["serviceName"])
    assert service["spec"].get("clusterIP") == "None", "needs a headless Service"
    assert service["spec"].get("publishNotReadyAddresses") is True
    assert selects(service, statefulset)

    spec = pod_spec(statefulset)
    container = spec["containers"][0]
    assert container["image"].startswith("nats:2.")
    command = [*container.get("command", []), *container.get("args", [])]
    config_path = Path(command[command.index("--config") + 1])
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in spec["volumes"]}
    config_volume = volumes[mounts[str(config_path.parent)]]
    config_map = find("ConfigMap", config_volume["configMap"]["name"])
    conf = config_map["data"][config_path.name]

    jetstream = conf_block(conf, "jetstream")
    store_dir = conf_value(jetstream, "store_dir")
    claims = {c["metadata"]["name"]: c for c in statefulset["spec"]["volumeClaimTemplates"]}
    assert mounts.get(store_dir) in claims, "the JetStream store must be on the PVC"
    assert claims[mounts[store_dir]]["spec"]["resources"]["requests"]["storage"]

    cluster = conf_block(conf, "cluster")
    routes = re.findall(r"nats://([\w.-]+):(\d+)", cluster)
    service_name = service["metadata"]["name"]
    assert sorted(routes) == [(f"nats-{i}.{service_name}", "6222") for i in range(3)]
    assert conf_value(cluster, "name")
    assert conf_value(cluster, "listen").endswith(":6222")
    assert conf_value(conf, "server_name") == "$SERVER_NAME"
    env = {e["name"]: e for e in container["env"]}
    assert env["SERVER_NAME"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"

    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"client": 4222, "cluster": 6222, "monitor": 8222}
    assert conf_value(conf, "http").endswith(":8222")
    for probe in ("livenessProbe", "readinessProbe"):
        assert container[probe]["httpGet"]["path"].startswith("/healthz")


# --------------------------------------------------------------------------------------------
# CloudNativePG (custom resources: checked by hand)
# --------------------------------------------------------------------------------------------


def test_cnpg_cluster_has_three_instances_and_storage() -> None:
    clusters = of_kind("Cluster")
    assert len(clusters) == 1
    cluster = clusters[0]
    assert cluster["apiVersion"] == "postgresql.cnpg.io/v1"
    spec = cluster["spec"]
    assert spec["instances"] == 3
    assert re.fullmatch(r"\d+(Gi|Ti)", spec["storage"]["size"])
    initdb = spec["bootstrap"]["initdb"]
    assert initdb["owner"] == "propops"
    secret = find("Secret", initdb["secret"]["name"])
    assert secret["type"] == "kubernetes.io/basic-auth"
    assert secret["stringData"]["username"] == initdb["owner"]
    assert set(spec) <= CNPG_CLUSTER_FIELDS, "unexpected Cluster field (typo?)"


def test_cnpg_database_per_service() -> None:
    cluster = find("Cluster", "propops-pg")
    databases = of_kind("Database")
    assert all(d["apiVersion"] == "postgresql.cnpg.io/v1" for d in databases)
    assert sorted(d["spec"]["name"] for d in databases) == sorted(DATABASES)
    for database in databases:
        spec = database["spec"]
        assert spec["owner"] == cluster["spec"]["bootstrap"]["initdb"]["owner"]
        assert spec["cluster"]["name"] == cluster["metadata"]["name"]
        assert spec.get("ensure", "present") == "present"
        assert set(spec) <= {"name", "owner", "cluster", "ensure", "databaseReclaimPolicy"}


# --------------------------------------------------------------------------------------------
# OpenTelemetry on Kubernetes, secrets
# --------------------------------------------------------------------------------------------


def test_k8s_collector_runs_the_shared_config_and_exports_to_jaeger() -> None:
    deployment = find("Deployment", "otel-collector")
    spec = pod_spec(deployment)
    container = spec["containers"][0]
    config_arg = next(a for a in container["args"] if a.startswith("--config="))
    config_path = Path(config_arg.split("=", 1)[1])
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volume = {v["name"]: v for v in spec["volumes"]}[mounts[str(config_path.parent)]]
    config_map = find("ConfigMap", volume["configMap"]["name"])
    assert yaml.safe_load(config_map["data"][config_path.name]) == load_yaml(COLLECTOR_FILE)
    assert service_reaches("otel-collector", 4318) == "otel-collector"
    assert service_reaches("jaeger", 4317) == "jaeger"


def test_secrets_are_marked_as_placeholders() -> None:
    secrets = of_kind("Secret")
    assert {s["metadata"]["name"] for s in secrets} >= {"propops-secrets", "propops-pg-credentials"}
    for secret in secrets:
        assert "data" not in secret, "write placeholders as stringData"
        for key, value in secret["stringData"].items():
            if key != "username":
                assert "change-me" in value, f"{secret['metadata']['name']}.{key}"


# --------------------------------------------------------------------------------------------
# Rendered with kustomize (kubectl kustomize), base and dev overlay
# --------------------------------------------------------------------------------------------


@functools.cache
def rendered(directory: Path) -> tuple[dict[str, Any], ...]:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.fail("kubectl (with its built-in kustomize) is needed to render deploy/k8s")
    run = subprocess.run(
        [kubectl, "kustomize", str(directory)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    return tuple(d for d in yaml.safe_load_all(run.stdout) if d)


def _strip_hash(obj: dict[str, Any]) -> tuple[str, str]:
    name = obj["metadata"]["name"]
    if obj["kind"] in ("ConfigMap", "Secret"):
        name = re.sub(r"-[a-z0-9]{10}$", "", name)
    return obj["kind"], name


def test_kustomize_renders_base_as_resolved_here() -> None:
    objects = rendered(BASE)
    assert sorted(map(_strip_hash, objects)) == sorted(map(_strip_hash, base_objects()))
    for obj in objects:
        if obj["kind"] != "Namespace":
            assert obj["metadata"].get("namespace") == "propops", _strip_hash(obj)
    errors = []
    for obj in core_objects(objects):
        try:
            kubernetes_validate.validate(obj, K8S_VERSIONS[-1], strict=True)
        except kubernetes_validate.ValidationError as exc:
            errors.append(f"{_strip_hash(obj)}: {exc.message}")
    assert not errors, errors
    # generated config maps are referenced by their hashed names
    names = {o["metadata"]["name"] for o in objects if o["kind"] == "ConfigMap"}
    for workload in (*of_kind("Deployment", objects), *of_kind("StatefulSet", objects)):
        for volume in pod_spec(workload).get("volumes", []):
            if "configMap" in volume:
                assert volume["configMap"]["name"] in names


def test_dev_overlay_runs_one_replica_each() -> None:
    objects = rendered(DEV)
    for name in PROCESSES:
        assert find("Deployment", name, objects)["spec"]["replicas"] == 1
    assert find("Cluster", "propops-pg", objects)["spec"]["instances"] == 1
    assert find("StatefulSet", "nats", objects)["spec"]["replicas"] == 3
    assert sorted(map(_strip_hash, objects)) == sorted(map(_strip_hash, rendered(BASE)))
