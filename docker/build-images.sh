#!/usr/bin/env bash
# Builds every image scorestream's containers need from local material; nothing is pulled.
#
#   scorestream/base:bookworm          debootstrap --variant=minbase bookworm + docker import
#   scorestream/jre:17                 jlink runtime of the build machine's JDK 17 on the base
#   scorestream/kafka:KAFKA_VERSION    Apache Kafka (KRaft) from the Maven Central jars
#   scorestream/apicurio:APICURIO      Apicurio Registry from the Maven Central tarball (in-memory)
#   scorestream/scorer:VERSION         docker/Dockerfile: the app's dependencies, then its own jars
#                                      (also tagged latest)
#   scorestream/prometheus:latest      Debian's prometheus package on the base
#
# Versions come from the root pom.xml (project version, kafka.version, apicurio.version).
# As root on Debian 12: installs docker.io, containerd, runc, iptables, debootstrap and docker-compose if
# missing, and starts dockerd (--bridge=none --iptables=false: containers use host networking only) if no
# daemon answers; its PID goes to $WORK/dockerd.pid. Writes docker/images.env for docker-compose.
# Needs a build (mvn install -DskipTests): the app's distribution (app/target/scorer-VERSION) and
# tools/testkit/target/apicurio.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${SCORESTREAM_DOCKER_WORK:-/var/tmp/scorestream-docker}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DOCKER="$(command -v /usr/bin/docker || command -v docker)"
export DOCKER_BUILDKIT=0   # the classic builder: no BuildKit images to pull
mkdir -p "$WORK"
step() { printf '[build-images %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

# pom_value NAME: the root pom's <version> (NAME=version) or one of its <properties>.
pom_value() {
  python3 - "$ROOT/pom.xml" "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
root = ET.parse(sys.argv[1]).getroot()
node = root.find("m:version" if sys.argv[2] == "version" else "m:properties/m:" + sys.argv[2], ns)
if node is None:
    sys.exit("pom.xml has no " + sys.argv[2])
print(node.text.strip())
PY
}
VERSION="$(pom_value version)"
KAFKA_VERSION="$(pom_value kafka.version)"
APICURIO_RELEASE="$(pom_value apicurio.version)"   # a release name ending in .Final
APICURIO_VERSION="${APICURIO_RELEASE%.Final}"
KAFKA_IMAGE="scorestream/kafka:$KAFKA_VERSION"
REGISTRY_IMAGE="scorestream/apicurio:$APICURIO_VERSION"
SCORER_IMAGE="scorestream/scorer:$VERSION"

ensure_packages() {
  local missing=""
  for package in docker.io containerd runc iptables debootstrap docker-compose; do
    dpkg -s "$package" >/dev/null 2>&1 || missing="$missing $package"
  done
  if [ -n "$missing" ]; then
    step "installing$missing"
    local own_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then   # keep the packages from starting services themselves
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
    fi
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
    [ -z "$own_policy" ] || rm -f /usr/sbin/policy-rc.d
    DOCKER="$(command -v /usr/bin/docker || command -v docker)"
  fi
}

ensure_daemon() {
  if "$DOCKER" info >/dev/null 2>&1; then
    return
  fi
  step "starting dockerd (log: $WORK/dockerd.log)"
  nohup dockerd --bridge=none --iptables=false --ip-masq=false --ip-forward=false \
    > "$WORK/dockerd.log" 2>&1 &
  echo $! > "$WORK/dockerd.pid"
  for _ in $(seq 1 60); do
    "$DOCKER" info >/dev/null 2>&1 && return
    sleep 1
  done
  echo "dockerd did not answer within 60 s; see $WORK/dockerd.log" >&2
  tail -20 "$WORK/dockerd.log" >&2
  exit 1
}

have_image() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

build() {   # build TAG DOCKERFILE CONTEXT [build args...]
  local tag="$1" dockerfile="$2" context="$3"
  shift 3
  step "building $tag"
  "$DOCKER" build -q --network host -t "$tag" -f "$dockerfile" "$@" "$context" >/dev/null
}

base_image() {
  have_image scorestream/base:bookworm && return
  step "debootstrap minbase bookworm from $MIRROR (about a minute)"
  rm -rf "$WORK/rootfs"
  debootstrap --variant=minbase bookworm "$WORK/rootfs" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
  rm -rf "$WORK/rootfs/var/cache/apt/archives/"*.deb "$WORK/rootfs/var/lib/apt/lists/"*
  tar -C "$WORK/rootfs" -c . | "$DOCKER" import - scorestream/base:bookworm >/dev/null
  rm -rf "$WORK/rootfs"
}

jre_image() {
  have_image scorestream/jre:17 && return
  local java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
  step "jlink runtime from $java_home"
  rm -rf "$WORK/jre-context" && mkdir -p "$WORK/jre-context"
  local modules
  modules="$("$java_home/bin/java" --list-modules | sed 's/@.*//' | grep -v '^jdk\.incubator' | paste -sd, -)"
  "$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --compress=2 --output "$WORK/jre-context/jre"
  build scorestream/jre:17 "$ROOT/docker/jre/Dockerfile" "$WORK/jre-context"
}

kafka_image() {
  # Rebuilt when docker/kafka changes (its scripts are the image's entry point and tools): the image
  # carries a digest of that directory as a label.
  local digest
  digest="$(cat "$ROOT"/docker/kafka/* | sha256sum | cut -c1-16)"
  [ "$("$DOCKER" image inspect -f '{{index .Config.Labels "scorestream.context"}}' "$KAFKA_IMAGE" 2>/dev/null)" \
    = "$digest" ] && return
  rm -rf "$WORK/kafka-context" && mkdir -p "$WORK/kafka-context"
  step "collecting Kafka $KAFKA_VERSION jars"
  mvn -q -B -f "$ROOT/docker/kafka/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$WORK/kafka-context/libs"
  cp "$ROOT/docker/kafka/run" "$ROOT/docker/kafka/kafka-topics.sh" "$ROOT/docker/kafka/kafka-acls.sh" \
    "$ROOT/docker/kafka/log4j2.properties" \
    "$WORK/kafka-context/"
  build "$KAFKA_IMAGE" "$ROOT/docker/kafka/Dockerfile" "$WORK/kafka-context" \
    --label "scorestream.context=$digest"
}

apicurio_image() {
  have_image "$REGISTRY_IMAGE" && return
  local unpacked="$ROOT/tools/testkit/target/apicurio"
  [ -f "$unpacked/apicurio-registry-app-$APICURIO_RELEASE-runner.jar" ] \
    || { echo "missing $unpacked: run mvn -pl app,tools/testkit -am package -DskipTests first" >&2; exit 1; }
  rm -rf "$WORK/apicurio-context" && mkdir -p "$WORK/apicurio-context"
  cp -r "$unpacked" "$WORK/apicurio-context/apicurio"
  build "$REGISTRY_IMAGE" "$ROOT/docker/apicurio/Dockerfile" "$WORK/apicurio-context"
}

prometheus_image() {
  have_image scorestream/prometheus:latest && return
  build scorestream/prometheus:latest "$ROOT/docker/prometheus/Dockerfile" "$ROOT/docker/prometheus"
}

# scorer_context DIR: the image's build context from the production distribution mvn package builds
# (app/target/scorer-VERSION: lib/ with third-party jars, natives trimmed to Linux glibc x86-64 and
# aarch64, and app/ with the project's own); the Dockerfile copies them in that order, so a code change
# rebuilds only the thin app/ layer.
scorer_context() {
  local context="$1" dist="$ROOT/app/target/scorer-$VERSION"
  rm -rf "$context" && mkdir -p "$context"
  cp -r "$dist/lib" "$dist/app" "$context/"
  cp "$ROOT/docker/Dockerfile" "$context/Dockerfile"
}

scorer_image() {   # always rebuilt: it carries the code under test
  [ -d "$ROOT/app/target/scorer-$VERSION/lib" ] \
    || { echo "missing app/target/scorer-$VERSION: run mvn install -DskipTests first" >&2; exit 1; }
  step "collecting the scorer's jars"
  scorer_context "$WORK/scorer-context"
  build "$SCORER_IMAGE" "$WORK/scorer-context/Dockerfile" "$WORK/scorer-context" \
    --build-arg JRE_IMAGE=scorestream/jre:17
  "$DOCKER" tag "$SCORER_IMAGE" scorestream/scorer:latest
}

started=$(date +%s)
ensure_packages
ensure_daemon
base_image
jre_image
kafka_image
apicurio_image
prometheus_image
scorer_image
cat > "$ROOT/docker/images.env" <<ENV
# Written by docker/build-images.sh: the locally built images, for docker-compose --env-file.
KAFKA_IMAGE=$KAFKA_IMAGE
REGISTRY_IMAGE=$REGISTRY_IMAGE
SCORER_IMAGE=$SCORER_IMAGE
PROMETHEUS_IMAGE=scorestream/prometheus:latest
ENV
step "done in $(( $(date +%s) - started )) s"
"$DOCKER" images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^scorestream/'
