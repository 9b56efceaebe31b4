#!/usr/bin/env bash
# https end to end, called by Tests/run: a certificate authority and a server certificate made
# here with openssl, the server on TLS_CERT_FILE/TLS_KEY_FILE, a hook verifying it with
# HPC_OBS_CA_FILE; a hook given the wrong authority spools and exits 0; SIGHUP swaps in a
# renewed certificate without a restart.
#
#   Tests/e2e/tls.sh BIN_DIR     (where hpc-obs-server, -prolog and -hook are)
set -euo pipefail
cd "$(dirname "$0")/../.."
. Tests/testbed/common.sh

bin=$(cd "$1" && pwd)
work=$(mktemp -d /tmp/hpc-obs-tls-e2e.XXXXXX)
port=$(free_port)
url="https://127.0.0.1:$port"
server_pid=""
failures=0
checks=0
cleanup() {
    [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

# An authority, a server certificate it signs for 127.0.0.1, a second authority that signs
# nothing the server shows, and a renewed server certificate for the SIGHUP check.
authority() { openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.pem" -days 2 -subj "/CN=$1" 2>/dev/null; }
server_certificate() { # name, authority
    openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$1.ext"
    openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -out "$1.pem" -days 2 -extfile "$1.ext" 2>/dev/null
}
authority site-ca
authority other-ca
server_certificate server site-ca
server_certificate renewed site-ca
cp server.pem live.pem
cp server.key live.key

(TLS_CERT_FILE=live.pem TLS_KEY_FILE=live.key API_TOKEN=t0k3n HOST=127.0.0.1 PORT=$port DATABASE_URL="$work/jobs.db" \
    SLURM_POLL_INTERVAL=0 HPC_OBS_SPOOL_DIR="$work/server-spool" exec "$bin/hpc-obs-server") >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 150); do curl -fsS --cacert site-ca.pem "$url/v1/health" >/dev/null 2>&1 && break; sleep 0.2; done

check "the server answers https, verified against the site's authority" 200 curl -s -o /dev/null -w '%{http_code}' --cacert site-ca.pem "$url/v1/health"
check "plain http on the https port gets no answer" 000 sh -c "curl -s -o /dev/null -w '%{http_code}' --max-time 2 http://127.0.0.1:$port/v1/health || true"
check "TLS 1.1 is refused" refused sh -c "openssl s_client -connect 127.0.0.1:$port -tls1_1 </dev/null >/dev/null 2>&1 && echo accepted || echo refused"

printf 't0k3n\n' >token
hook() { # job id, CA file
    local status=0
    env -i SLURM_SCRIPT_CONTEXT=prolog_slurmctld SLURM_JOB_ID="$1" SLURM_JOB_USER=alice SLURM_JOB_UID=1000 \
        SLURM_JOB_PARTITION=debug SLURM_JOB_NODELIST=cn01 HPC_OBS_CONFIG=/dev/null HPC_OBS_URL="$url" \
        HPC_OBS_TOKEN_FILE="$work/token" HPC_OBS_CA_FILE="$2" HPC_OBS_SPOOL_DIR="$work/spool" \
        "$bin/hpc-obs-prolog" 2>>"$work/hooks.log" || status=$?
    echo "exit $status"
}
job_status() { curl -s -o /dev/null -w '%{http_code}' --cacert site-ca.pem "$url/v1/jobs/$1"; }
spooled() { find "$work/spool" -name '*.json' 2>/dev/null | wc -l; }

check "a hook with the site's authority exits 0" "exit 0" hook 101 "$work/site-ca.pem"
check "and its event is recorded over https" 200 job_status 101
check "a hook given the wrong authority exits 0" "exit 0" hook 102 "$work/other-ca.pem"
check "its event is not sent" 404 job_status 102
check "but spooled" 1 spooled
outcome=$(hook 103 "")
check "a hook given no authority (the system's store) spools too" "exit 0 2" echo "$outcome $(spooled)"
outcome=$(hook 104 "$work/site-ca.pem")
check "the next hook with the right authority delivers and replays both" "exit 0 200 200 200 0" \
    echo "$outcome $(job_status 104) $(job_status 102) $(job_status 103) $(spooled)"

serial() { openssl s_client -connect "127.0.0.1:$port" -CAfile site-ca.pem </dev/null 2>/dev/null | openssl x509 -noout -serial; }
before=$(serial)
cp renewed.pem live.pem
cp renewed.key live.key
kill -HUP "$server_pid"
sleep 1
check "SIGHUP swaps in the renewed certificate, without a restart" "$(openssl x509 -in renewed.pem -noout -serial)" serial
check "the old one is no longer served" yes sh -c "[ '$before' != '$(serial)' ] && echo yes"
echo broken >live.pem
kill -HUP "$server_pid"
sleep 1
check "a renewal that cannot be read keeps the certificate in use" "$(openssl x509 -in renewed.pem -noout -serial)" serial
check "and says so in the log" 1 sh -c "grep -c 'kept the TLS certificate in use' '$work/server.log'"
check "the server still answers" 200 curl -s -o /dev/null -w '%{http_code}' --cacert site-ca.pem "$url/v1/health"

echo "tls.sh: $((checks - failures)) of $checks checks passed"
[ "$failures" -eq 0 ]
