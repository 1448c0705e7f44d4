#!/usr/bin/env bash
# Builds a base image for Parley's images without a container registry: Debian 13 (minbase) with
# the OpenJDK 21 JRE, from the Debian mirror with debootstrap, written as a `docker save`
# tarball that Jib takes as its base (PARLEY_IMAGE_BASE=tar://<file>). Needs root, debootstrap
# and python3.
#   sudo deploy/images/debian-jre-base.sh /tmp/parley-jre-base.tar
set -euo pipefail

out="${1:?usage: debian-jre-base.sh OUT.tar}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

debootstrap --variant=minbase --include=openjdk-21-jre-headless,ca-certificates \
  trixie "$work/rootfs" "$mirror" >&2
rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
tar -C "$work/rootfs" --numeric-owner -cf "$work/layer.tar" .

python3 - "$work" "$out" <<'PY'
import hashlib, json, os, sys, tarfile
work, out = sys.argv[1], sys.argv[2]
layer = os.path.join(work, "layer.tar")
digest = hashlib.sha256()
with open(layer, "rb") as f:
    for chunk in iter(lambda: f.read(1 << 20), b""):
        digest.update(chunk)
diff_id = digest.hexdigest()
config = {
    "architecture": "amd64",
    "os": "linux",
    "created": "1970-01-01T00:00:00Z",
    "config": {
        "Env": [
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "JAVA_HOME=/usr/lib/jvm/java-21-openjdk-amd64",
        ]
    },
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + diff_id]},
    "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "debootstrap trixie + openjdk-21-jre-headless"}],
}
config_bytes = json.dumps(config).encode()
config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
manifest = [{"Config": config_name, "RepoTags": ["parley/jre-base:21"], "Layers": [diff_id + "/layer.tar"]}]
with tarfile.open(out, "w") as image:
    for name, data in ((config_name, config_bytes), ("manifest.json", json.dumps(manifest).encode())):
        path = os.path.join(work, name)
        with open(path, "wb") as f:
            f.write(data)
        image.add(path, arcname=name)
    image.add(layer, arcname=diff_id + "/layer.tar")
print(out)
PY
