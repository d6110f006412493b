#!/usr/bin/env bash
# Writes fresh secrets for docker-compose.secure.yml into DIR (default ./secrets): a private CA, TLS
# certificates for the broker, the registry and the scorer's serving ports (127.0.0.1 and localhost),
# SCRAM passwords, the scorer's bearer token, and the client files that go with them. Needs openssl
# and a JDK's keytool.
#   deploy/compose/make-secrets.sh [DIR]
# For a local trial only: the files are readable by the containers' user (10001) and by you. In
# production, certificates come from your CA and secrets from your secret store (docs/security.md).
set -euo pipefail
dir="${1:-secrets}"
mkdir -p "$dir"
cd "$dir"
umask 022
random() { openssl rand -hex 24; }

# A private CA, and one certificate per server, each valid for 127.0.0.1 and localhost.
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=scorestream local CA" \
  -keyout ca.key -out ca.crt 2>/dev/null
server_cert() {   # server_cert NAME
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" -keyout "$1.key" -out "$1.csr" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -out "$1.crt" \
    -extfile <(printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n') \
    2>/dev/null
  rm -f "$1.csr"
}
server_cert broker
server_cert registry
server_cert scorer

# Java keystores (PKCS12): the broker's key and certificate, and a truststore with the CA for every
# Java client (scorer, tools, the broker's own inter-broker connection).
random > store-password
openssl pkcs12 -export -name broker -in broker.crt -inkey broker.key -certfile ca.crt \
  -passout file:store-password -out broker.p12
keytool -importcert -noprompt -alias ca -file ca.crt -storetype PKCS12 -keystore truststore.p12 \
  -storepass "$(cat store-password)" >/dev/null 2>&1

# SCRAM-SHA-512 users, written into the broker's metadata when it formats its storage: the admin
# (a super user, for topics and ACLs) and the scorer (only the ACLs docker-compose.secure.yml grants).
admin_password="$(random)"
scorer_password="$(random)"
printf 'admin %s\nscorer %s\n' "$admin_password" "$scorer_password" > scram-users
jaas() { printf 'org.apache.kafka.common.security.scram.ScramLoginModule required username="%s" password="%s";' "$1" "$2"; }
jaas admin "$admin_password" > admin-jaas
jaas scorer "$scorer_password" > scorer-jaas
# Client settings of the admin, for kafka-topics.sh and kafka-acls.sh --command-config.
cat > admin.properties <<PROPS
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=$(jaas admin "$admin_password")
ssl.truststore.location=/secrets/truststore.p12
ssl.truststore.type=PKCS12
ssl.truststore.password=$(cat store-password)
PROPS

# The bearer token callers of the scorer's REST and gRPC ports present.
random > scorer-tokens
# The CA signed what it had to: its key is not kept.
rm -f ca.key ca.srl
chmod 644 ./*
echo "secrets written to $(pwd)"
