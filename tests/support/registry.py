"""A real OCI registry (Debian's `docker-registry`, the CNCF distribution server) started
by the tests on 127.0.0.1, and a client that pushes Helm charts through the registry API."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import bcrypt
import yaml

REGISTRY_BINARY = "docker-registry"
CONFIG_TYPE = "application/vnd.cncf.helm.config.v1+json"
LAYER_TYPE = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Registry:
    process: subprocess.Popen
    host: str  # 127.0.0.1:port
    auth: tuple[str, str] | None = None

    @property
    def base(self) -> str:
        return f"http://{self.host}"

    def _request(
        self,
        method: str,
        url: str,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
    ):
        request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        if self.auth:
            token = base64.b64encode(":".join(self.auth).encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        try:
            return urllib.request.urlopen(request, timeout=30)
        except urllib.error.HTTPError as error:
            challenge = error.headers.get("WWW-Authenticate", "")
            if error.code != 401 or not challenge.startswith("Bearer "):
                raise
        # A token registry: ask its token service for push rights, then try again.
        params = dict(re.findall(r'(\w+)="([^"]*)"', challenge))
        name = re.search(r"/v2/(.+?)/(?:blobs|manifests|tags)/", urlsplit(url).path).group(1)
        scope = f"repository:{name}:pull,push"
        query = urlencode({"service": params["service"], "scope": scope})
        with urllib.request.urlopen(f"{params['realm']}?{query}", timeout=30) as answer:
            bearer = json.loads(answer.read())["token"]
        retry = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        retry.add_header("Authorization", f"Bearer {bearer}")
        return urllib.request.urlopen(retry, timeout=30)

    def _blob(self, name: str, data: bytes) -> str:
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        with self._request("POST", f"{self.base}/v2/{name}/blobs/uploads/") as response:
            location = response.headers["Location"]
        if location.startswith("/"):
            location = self.base + location
        separator = "&" if "?" in location else "?"
        self._request(
            "PUT",
            f"{location}{separator}digest={digest}",
            data,
            {"Content-Type": "application/octet-stream"},
        ).close()
        return digest

    def push_chart(self, name: str, tag: str, archive: bytes) -> str:
        """Push a chart archive as Helm does; returns the layer digest."""
        meta = yaml.safe_load(_chart_yaml(archive))
        config = json.dumps({"name": meta["name"], "version": meta["version"]}).encode()
        config_digest = self._blob(name, config)
        layer_digest = self._blob(name, archive)
        manifest = {
            "schemaVersion": 2,
            "mediaType": MANIFEST_TYPE,
            "config": {"mediaType": CONFIG_TYPE, "digest": config_digest, "size": len(config)},
            "layers": [{"mediaType": LAYER_TYPE, "digest": layer_digest, "size": len(archive)}],
        }
        self._request(
            "PUT",
            f"{self.base}/v2/{name}/manifests/{tag}",
            json.dumps(manifest).encode(),
            {"Content-Type": MANIFEST_TYPE},
        ).close()
        return layer_digest

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _chart_yaml(archive: bytes) -> bytes:
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        member = next(m for m in tar if m.name.count("/") == 1 and m.name.endswith("Chart.yaml"))
        handle = tar.extractfile(member)
        assert handle is not None
        return handle.read()


def start_registry(
    workdir: Path, auth: tuple[str, str] | None = None, token_auth: dict | None = None
) -> Registry:
    binary = shutil.which(REGISTRY_BINARY)
    if binary is None:
        raise RuntimeError(
            "the OCI registry tests need Debian's docker-registry: run `bash scripts/setup` "
            "as root, or `apt-get install docker-registry`"
        )
    port = _free_port()
    config = {
        "version": 0.1,
        "log": {"level": "error", "accesslog": {"disabled": True}},
        "storage": {"filesystem": {"rootdirectory": str(workdir / "data")}},
        "http": {"addr": f"127.0.0.1:{port}"},
    }
    if auth:
        hashed = bcrypt.hashpw(auth[1].encode(), bcrypt.gensalt(rounds=5)).decode()
        (workdir / "htpasswd").write_text(f"{auth[0]}:{hashed}\n")
        config["auth"] = {"htpasswd": {"realm": "tests", "path": str(workdir / "htpasswd")}}
    if token_auth:
        config["auth"] = token_auth
    (workdir / "config.yml").write_text(yaml.safe_dump(config))
    with open(workdir / "registry.log", "wb") as log:
        # The child keeps its own copy of the file descriptor.
        process = subprocess.Popen(
            [binary, "serve", str(workdir / "config.yml")], stdout=subprocess.DEVNULL, stderr=log
        )
    registry = Registry(process, f"127.0.0.1:{port}", auth)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"docker-registry exited: {(workdir / 'registry.log').read_text()}")
        try:
            urllib.request.urlopen(f"{registry.base}/v2/", timeout=1).close()
            return registry
        except urllib.error.HTTPError:
            return registry  # 401: up, and asking for credentials
        except OSError:
            time.sleep(0.1)
    registry.stop()
    raise RuntimeError("docker-registry did not start within 20 s")
