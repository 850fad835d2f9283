#!/usr/bin/env bash
# widget-edge load harness: widget-edge (dev mode, and gateway + admin on a real redis-server)
# against a bare Netty server and nginx, driven by wrk on loopback. See benchmarks/README.md.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: benchmarks/load/run.sh [options]

Builds nothing: run `./mvnw -q -B package -DskipTests` first (it needs app/target/widget-edge.jar
and benchmarks/target/benchmarks.jar). Needs wrk, nginx, redis-server, redis-cli, curl, java,
python3 on the PATH. Everything listens on free loopback ports and is stopped on exit.

  --duration D        length of each measured run, wrk syntax (default 20s)
  --warmup D          one unrecorded run per scenario and system before the rounds (default 10s)
  --rounds N          measured rounds; each round runs every system once, A/B/A/B (default 2)
  --connections N     wrk connections (default 64)
  --threads N         wrk threads (default 2)
  --scenarios LIST    comma-separated, in this order by default: hit,zipf,coldstart,unknown,invalid,proxy,paced,open
                      (also available: unknown-mixed, lowconn; see below)
  --systems LIST      restrict to some of gw-dev,gw-base,gw-redis,gw-limits,gw-nolimits,bare-netty,nginx,upstream
  --zipf-keys N       distinct valid keys of the zipf scenario (default 1000000)
  --zipf-s S          Zipf exponent (default 1.0)
  --zipf-warmup D     zipf scenario: a gateway's warm-up run after the sweep (default: --warmup); "once warm"
                      means the sweep's million entries have reached the old generation, which takes
                      G1 about fifteen young collections: 150s here (see benchmarks/README.md)
  --cold-duration D   coldstart scenario: how long the new gateway is driven (default 60s)
  --cold-opts "OPTS"  coldstart scenario: extra gateway options, e.g. "--cache-ttl 10m" to see the warm-up
                      without the revalidations a 30 s TTL brings over a million keys
  --app-jar PATH      the widget-edge jar to measure (default app/target/widget-edge.jar), e.g. an
                      older build's, for before/after figures from the same harness
  --baseline-jar PATH another widget-edge jar, run as system gw-base (dev mode) beside gw-dev in
                      every scenario but zipf and coldstart: before/after side by side in one run
  --paced-fraction F  paced and open scenarios: offered rate = F x gw-dev's median hit throughput (default 0.6)
  --rate R            paced and open scenarios: offered rate in requests/s (overrides --paced-fraction)
  --lowconn-connections N   connections of the lowconn scenario (default 4)
  --clients N         limits and flood scenarios: distinct client addresses (default 20000)
  --server-java-opts "OPTS" extra JVM options for the widget-edge and bare Netty processes
  --out DIR           where results go (default benchmarks/load/out/<date-time>)
  -h, --help

Scenarios (systems):
  hit      cache-hit bootstrap, one key, allowed origin (gw-dev gw-redis bare-netty nginx)
  zipf     --zipf-keys keys with Zipf popularity, after a sweep that touches every key once (the
           gateway's cache is warm); gateway cache hit ratio (gw-redis bare-netty nginx)
  coldstart  a new gateway process on a Redis holding the --zipf-keys keys, driven with the zipf
           load from the moment it listens: time to a trusted existence filter, time until a
           second's hit ratio reaches 99 %, latency during it (gw-redis only)
  unknown  random well-formed unknown keys 50/50 with valid traffic, as two concurrent wrk runs on
           half the connections each, right after the valid half alone (the baseline); valid-
           traffic latency against the baseline's, store reads per unknown-key request (all four)
  invalid  checksum-invalid keys; gateways' store reads must stay 0 (all four)
  proxy    GET /v1/widget/messages proxied to an upstream BareNettyServer, against nginx proxy_pass
           to the same upstream, and the upstream directly (gw-dev gw-redis nginx upstream)
  paced    hit at a fixed offered rate with wrk pacing (open-loop approximation) (all four)
  open     hit at a fixed offered rate from OpenLoopLoad, a true open-loop generator: each latency
           counts from the request's due time, so coordinated omission is corrected (all four)
  unknown-mixed  like unknown, but one wrk alternating valid and unknown keys: exactly 50/50 by
           request, latency of all requests together (not in the default list)
  lowconn  hit, closed loop at --lowconn-connections connections (not in the default list)
  limits   hit from --clients addresses behind a trusted proxy (X-Forwarded-For, clients.lua), on a
           gateway with the default limits (per client 600/min, misses 120/min: never hit at this
           spread) against the same gateway without limits (gw-limits, gw-nolimits)
  flood    one client floods a valid key (closed loop, X-Forwarded-For fixed) while --clients others
           use it at --rate (paced): the others' p99 and success rate, against the same paced
           clients alone just before (gw-limits)

Every other scenario runs its gateways with --client-rate-limit 0 --miss-rate-limit 0: one wrk
on loopback is one client, which the default limits would refuse.
EOF
}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
APP_JAR=$ROOT/app/target/widget-edge.jar
BENCH_JAR=$ROOT/benchmarks/target/benchmarks.jar
LOADTOOL=(python3 "$HERE/loadtool.py")
export LOAD_DIR=$HERE

DURATION=20s
WARMUP=10s
ROUNDS=2
CONNECTIONS=64
THREADS=2
SCENARIOS=hit,zipf,coldstart,unknown,invalid,proxy,paced,open
COLD_DURATION=60s
COLD_OPTS=
ZIPF_WARMUP=
SYSTEMS_FILTER=gw-dev,gw-base,gw-redis,gw-limits,gw-nolimits,bare-netty,nginx,upstream
BASELINE_JAR=
ZIPF_KEYS=1000000
ZIPF_S=1.0
PACED_FRACTION=0.6
RATE=
LOWCONN=4
CLIENTS=20000
SERVER_JAVA_OPTS=
OUT=
ORIGIN=https://acme.com
ACCOUNT=acct_bench

while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --scenarios) SCENARIOS=$2; shift 2 ;;
    --systems) SYSTEMS_FILTER=$2; shift 2 ;;
    --zipf-keys) ZIPF_KEYS=$2; shift 2 ;;
    --zipf-s) ZIPF_S=$2; shift 2 ;;
    --cold-duration) COLD_DURATION=$2; shift 2 ;;
    --cold-opts) COLD_OPTS=$2; shift 2 ;;
    --zipf-warmup) ZIPF_WARMUP=$2; shift 2 ;;
    --app-jar) APP_JAR=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
    --baseline-jar) BASELINE_JAR=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
    --paced-fraction) PACED_FRACTION=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --lowconn-connections) LOWCONN=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --server-java-opts) SERVER_JAVA_OPTS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

die() { echo "run.sh: $*" >&2; exit 1; }
log() { echo "[$(date +%H:%M:%S)] $*"; }

for tool in wrk nginx redis-server redis-cli curl java python3; do
  command -v "$tool" >/dev/null || die "$tool is not on the PATH"
done
[[ -f $APP_JAR ]] || die "$APP_JAR is missing: run ./mvnw -q -B package -DskipTests first"
[[ -f $BENCH_JAR ]] || die "$BENCH_JAR is missing: run ./mvnw -q -B package -DskipTests first"
[[ -z $BASELINE_JAR || -f $BASELINE_JAR ]] || die "$BASELINE_JAR (--baseline-jar) is missing"
(( CONNECTIONS >= 2 && THREADS >= 1 && ROUNDS >= 1 )) || die "need --connections >= 2, --threads >= 1, --rounds >= 1"

OUT=${OUT:-$HERE/out/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT/logs"
OUT=$(cd "$OUT" && pwd)
LOGS=$OUT/logs
RESULTS=$OUT/results.jsonl
: > "$RESULTS"
WORK=$(mktemp -d /tmp/widget-edge-load.XXXXXX)
chmod 755 "$WORK" # nginx's workers run as nobody

# --- processes: everything started here is stopped on exit --------------------------------------
PIDS=()
NAMES=()

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ ${#PIDS[@]} -gt 0 ]]; then
    log "stopping ${NAMES[*]}"
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
      kill -TERM "${PIDS[$i]}" 2>/dev/null || true
    done
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
      for _ in $(seq 1 50); do
        kill -0 "${PIDS[$i]}" 2>/dev/null || break
        sleep 0.1
      done
      kill -KILL "${PIDS[$i]}" 2>/dev/null || true
    done
    wait 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start NAME COMMAND...: runs COMMAND in the background, output in logs/NAME.log.
start() {
  local name=$1
  shift
  "$@" >"$LOGS/$name.log" 2>&1 &
  PIDS+=("$!")
  NAMES+=("$name")
}

# wait_http NAME URL: until URL answers (any HTTP status; /readyz must say 200).
wait_http() {
  local name=$1 url=$2 pid=${PIDS[${#PIDS[@]} - 1]}
  for _ in $(seq 1 600); do
    if [[ $url == */readyz ]]; then
      [[ $(curl -s -o /dev/null -w '%{http_code}' "$url" || true) == 200 ]] && return 0
    else
      curl -s -o /dev/null "$url" && return 0
    fi
    kill -0 "$pid" 2>/dev/null || { tail -20 "$LOGS/$name.log" >&2; die "$name exited while starting (logs/$name.log)"; }
    sleep 0.1
  done
  die "$name did not answer at $url within 60 s (logs/$name.log)"
}

mapfile -t PORTS < <("${LOADTOOL[@]}" ports 22)
REDIS_PORT=${PORTS[0]}
DEV_PORT=${PORTS[1]}; DEV_ADMIN_PORT=${PORTS[2]}; DEV_OPS_PORT=${PORTS[3]}
GW_PORT=${PORTS[4]}; GW_OPS_PORT=${PORTS[5]}
ADMIN_PORT=${PORTS[6]}; ADMIN_OPS_PORT=${PORTS[7]}
BARE_PORT=${PORTS[8]}; UPSTREAM_PORT=${PORTS[9]}
NGINX_PORT=${PORTS[10]}; NGINX_LARGE_PORT=${PORTS[11]}
COLD_PORT=${PORTS[12]}; COLD_OPS_PORT=${PORTS[13]}
BASE_PORT=${PORTS[14]}; BASE_ADMIN_PORT=${PORTS[15]}; BASE_OPS_PORT=${PORTS[16]}
LIM_PORT=${PORTS[17]}; LIM_OPS_PORT=${PORTS[18]}; NOLIM_PORT=${PORTS[19]}; NOLIM_OPS_PORT=${PORTS[20]}
REDIS_URI=redis://127.0.0.1:$REDIS_PORT

# --- machine ------------------------------------------------------------------------------------
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cores: $(nproc); cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "kernel: $(uname -sr); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java: $(java -version 2>&1 | sed -n 2p)"
  echo "wrk: $(wrk -v 2>&1 | head -1)"
  echo "nginx: $(nginx -v 2>&1)"
  echo "redis: $(redis-server --version)"
  echo "command: benchmarks/load/run.sh --duration $DURATION --warmup $WARMUP --rounds $ROUNDS --connections $CONNECTIONS --threads $THREADS --scenarios $SCENARIOS --systems $SYSTEMS_FILTER --zipf-keys $ZIPF_KEYS --zipf-s $ZIPF_S --paced-fraction $PACED_FRACTION${RATE:+ --rate $RATE}${ZIPF_WARMUP:+ --zipf-warmup $ZIPF_WARMUP} --cold-duration $COLD_DURATION${COLD_OPTS:+ --cold-opts \"$COLD_OPTS\"}"
  [[ -n $BASELINE_JAR ]] && echo "baseline jar (gw-base): $BASELINE_JAR, built $(stat -c '%y' "$BASELINE_JAR" | cut -d. -f1)"
  echo "app jar: $APP_JAR, built $(stat -c '%y' "$APP_JAR" | cut -d. -f1); harness git: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (work tree modified)')"
} | tee "$OUT/machine.txt"

has_scenario() { [[ ,$SCENARIOS, == *,$1,* ]]; }
has_system() { [[ ,$SYSTEMS_FILTER, == *,$1,* ]]; }

# --- Redis, and the Zipf keys straight into it (before any gateway subscribes) -----------------
mkdir -p "$WORK/redis" "$WORK/nginx/tmp"
start redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  --dir "$WORK/redis" --loglevel warning
for _ in $(seq 1 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$REDIS_PORT" ping >/dev/null || die "redis-server did not start (logs/redis.log)"
log "redis-server on $REDIS_PORT"

ZIPF_FILE=$WORK/zipf-keys.txt
ZIPF_MAP=$WORK/zipf-keys.map
: > "$ZIPF_MAP"
if has_scenario zipf || has_scenario coldstart; then
  log "loading $ZIPF_KEYS keys into Redis (KeyLoader) ..."
  java -cp "$BENCH_JAR" dev.widgetedge.benchmarks.load.KeyLoader --redis "$REDIS_URI" --count "$ZIPF_KEYS" \
    --keys-out "$ZIPF_FILE" --nginx-map "$ZIPF_MAP" --account "$ACCOUNT" | tee "$LOGS/keyloader.log"
fi

# --- the servers ----------------------------------------------------------------------------------
# shellcheck disable=SC2206
JOPTS=($SERVER_JAVA_OPTS)
start upstream java "${JOPTS[@]}" -cp "$BENCH_JAR" dev.widgetedge.benchmarks.load.BareNettyServer "$UPSTREAM_PORT"
wait_http upstream "http://127.0.0.1:$UPSTREAM_PORT/"
start bare-netty java "${JOPTS[@]}" -cp "$BENCH_JAR" dev.widgetedge.benchmarks.load.BareNettyServer "$BARE_PORT"
wait_http bare-netty "http://127.0.0.1:$BARE_PORT/"

# One wrk on loopback is one client: the default rate limits would refuse most of its traffic.
NO_LIMITS=(--client-rate-limit 0 --miss-rate-limit 0)
# A baseline jar from before the rate limits does not know the options.
base_limits() { java -jar "$1" dev --help 2>/dev/null | grep -q -- --client-rate-limit && echo "${NO_LIMITS[@]}"; true; }

DEV_TOKEN=load-harness-token-$RANDOM$RANDOM
start gw-dev java "${JOPTS[@]}" -jar "$APP_JAR" dev --host 127.0.0.1 --port "$DEV_PORT" \
  --admin-port "$DEV_ADMIN_PORT" --ops-port "$DEV_OPS_PORT" --admin-token "$DEV_TOKEN" --account "$ACCOUNT" \
  --upstream "http://127.0.0.1:$UPSTREAM_PORT" --drain-timeout 1s "${NO_LIMITS[@]}"
wait_http gw-dev "http://127.0.0.1:$DEV_OPS_PORT/readyz"

if [[ -n $BASELINE_JAR ]] && has_system gw-base; then
  # shellcheck disable=SC2046
  start gw-base java "${JOPTS[@]}" -jar "$BASELINE_JAR" dev --host 127.0.0.1 --port "$BASE_PORT" \
    --admin-port "$BASE_ADMIN_PORT" --ops-port "$BASE_OPS_PORT" --admin-token "$DEV_TOKEN" --account "$ACCOUNT" \
    --upstream "http://127.0.0.1:$UPSTREAM_PORT" --drain-timeout 1s $(base_limits "$BASELINE_JAR")
  wait_http gw-base "http://127.0.0.1:$BASE_OPS_PORT/readyz"
fi

start admin java "${JOPTS[@]}" -jar "$APP_JAR" admin --redis "$REDIS_URI" --host 127.0.0.1 --port "$ADMIN_PORT" \
  --ops-port "$ADMIN_OPS_PORT" --drain-timeout 1s
wait_http admin "http://127.0.0.1:$ADMIN_OPS_PORT/readyz"
# gw-redis holds the zipf keys and the harness's own key: sized for them, as an operator sizes a
# gateway for its keys (the default 1,000,000 is one short of 1,000,000 zipf keys plus that key,
# and a full cache and origin report churn on every flush: not a warm gateway).
GW_CACHE_KEYS=$(( ZIPF_KEYS + 1000 > 1000000 ? ZIPF_KEYS + 1000 : 1000000 ))
start gw-redis java "${JOPTS[@]}" -jar "$APP_JAR" gateway --redis "$REDIS_URI" --host 127.0.0.1 --port "$GW_PORT" \
  --ops-port "$GW_OPS_PORT" --upstream "http://127.0.0.1:$UPSTREAM_PORT" --drain-timeout 1s "${NO_LIMITS[@]}" \
  --cache-max-keys "$GW_CACHE_KEYS"
wait_http gw-redis "http://127.0.0.1:$GW_OPS_PORT/readyz"
if has_scenario limits || has_scenario flood; then
  # Two gateways on the same Redis behind a "trusted proxy" (wrk on loopback with X-Forwarded-For):
  # with the default limits, and without any.
  start gw-limits java "${JOPTS[@]}" -jar "$APP_JAR" gateway --redis "$REDIS_URI" --host 127.0.0.1 \
    --port "$LIM_PORT" --ops-port "$LIM_OPS_PORT" --drain-timeout 1s --trusted-proxies 127.0.0.0/8
  wait_http gw-limits "http://127.0.0.1:$LIM_OPS_PORT/readyz"
  start gw-nolimits java "${JOPTS[@]}" -jar "$APP_JAR" gateway --redis "$REDIS_URI" --host 127.0.0.1 \
    --port "$NOLIM_PORT" --ops-port "$NOLIM_OPS_PORT" --drain-timeout 1s --trusted-proxies 127.0.0.0/8 "${NO_LIMITS[@]}"
  wait_http gw-nolimits "http://127.0.0.1:$NOLIM_OPS_PORT/readyz"
fi
log "widget-edge dev on $DEV_PORT (admin $DEV_ADMIN_PORT, ops $DEV_OPS_PORT); gateway on $GW_PORT (ops $GW_OPS_PORT), admin on $ADMIN_PORT"

# Keys through the admin APIs: one for each widget-edge process.
create_key() { # ADMIN_URL TOKEN -> plaintext key
  curl -sf "$1/api/v1/widget-keys" -X POST -H "Authorization: Bearer $2" -H "Content-Type: application/json" \
    -d '{"name":"load harness","agent_id":"agent_1","domain_allowlist":["https://acme.com","https://*.acme.com"]}' \
    | "${LOADTOOL[@]}" json-field key
}
DEV_KEY=$(create_key "http://127.0.0.1:$DEV_ADMIN_PORT" "$DEV_TOKEN")
BASE_KEY=
if [[ -n $BASELINE_JAR ]] && has_system gw-base; then
  BASE_KEY=$(create_key "http://127.0.0.1:$BASE_ADMIN_PORT" "$DEV_TOKEN")
  [[ -n $BASE_KEY ]] || die "could not create the baseline's key"
fi
REDIS_TOKEN=$(java -jar "$APP_JAR" tokens create --account "$ACCOUNT" --name load-harness --redis "$REDIS_URI" 2>>"$LOGS/tokens.log")
REDIS_KEY=$(create_key "http://127.0.0.1:$ADMIN_PORT" "$REDIS_TOKEN")
[[ -n $DEV_KEY && -n $REDIS_KEY ]] || die "could not create the keys"

check_200() { # URL
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Origin: $ORIGIN" "$1")
  [[ $status == 200 ]] || die "expected 200 from $1, got $status"
}
check_200 "http://127.0.0.1:$DEV_PORT/v1/widget/bootstrap?key=$DEV_KEY"
[[ -n $BASE_KEY ]] && check_200 "http://127.0.0.1:$BASE_PORT/v1/widget/bootstrap?key=$BASE_KEY"
check_200 "http://127.0.0.1:$GW_PORT/v1/widget/bootstrap?key=$REDIS_KEY"

# nginx, with the same keys and the same body the gateway sends.
printf '%s 1;\n%s 1;\n' "$DEV_KEY" "$REDIS_KEY" > "$WORK/small-keys.map"
[[ -n $BASE_KEY ]] && printf '%s 1;\n' "$BASE_KEY" >> "$WORK/small-keys.map"
BODY=$(curl -s -H "Origin: $ORIGIN" "http://127.0.0.1:$GW_PORT/v1/widget/bootstrap?key=$REDIS_KEY")
sed -e "s|@PREFIX@|$WORK/nginx|g" -e "s|@WORKERS@|$(nproc)|g" -e "s|@PORT_SMALL@|$NGINX_PORT|g" \
  -e "s|@PORT_LARGE@|$NGINX_LARGE_PORT|g" -e "s|@UPSTREAM_PORT@|$UPSTREAM_PORT|g" \
  -e "s|@SMALL_MAP@|$WORK/small-keys.map|g" -e "s|@LARGE_MAP@|$ZIPF_MAP|g" -e "s|@BODY@|${BODY//&/\\&}|g" \
  "$HERE/nginx.conf.template" > "$WORK/nginx/nginx.conf"
cp "$WORK/nginx/nginx.conf" "$OUT/nginx.conf"
start nginx nginx -e "$WORK/nginx/error.log" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx"
wait_http nginx "http://127.0.0.1:$NGINX_PORT/"
wait_http nginx "http://127.0.0.1:$NGINX_LARGE_PORT/"
check_200 "http://127.0.0.1:$NGINX_PORT/v1/widget/bootstrap?key=$REDIS_KEY"
check_200 "http://127.0.0.1:$NGINX_PORT/v1/widget/messages?key=$REDIS_KEY"
check_200 "http://127.0.0.1:$GW_PORT/v1/widget/messages?key=$REDIS_KEY"
log "bare Netty on $BARE_PORT, upstream on $UPSTREAM_PORT, nginx on $NGINX_PORT (large map: $NGINX_LARGE_PORT)"

# --- running one measurement ----------------------------------------------------------------------
base_of() { # SYSTEM SCENARIO
  case $1 in
    gw-dev) echo "http://127.0.0.1:$DEV_PORT" ;;
    gw-base) echo "http://127.0.0.1:$BASE_PORT" ;;
    gw-redis) echo "http://127.0.0.1:$GW_PORT" ;;
    gw-limits) echo "http://127.0.0.1:$LIM_PORT" ;;
    gw-nolimits) echo "http://127.0.0.1:$NOLIM_PORT" ;;
    bare-netty) echo "http://127.0.0.1:$BARE_PORT" ;;
    nginx) [[ $2 == zipf ]] && echo "http://127.0.0.1:$NGINX_LARGE_PORT" || echo "http://127.0.0.1:$NGINX_PORT" ;;
    upstream) echo "http://127.0.0.1:$UPSTREAM_PORT" ;;
  esac
}
key_of() {
  case $1 in
    gw-dev) echo "$DEV_KEY" ;;
    gw-base) echo "$BASE_KEY" ;;
    *) echo "$REDIS_KEY" ;;
  esac
}
ops_of() {
  case $1 in
    gw-dev) echo "http://127.0.0.1:$DEV_OPS_PORT/metrics" ;;
    gw-base) echo "http://127.0.0.1:$BASE_OPS_PORT/metrics" ;;
    gw-redis) echo "http://127.0.0.1:$GW_OPS_PORT/metrics" ;;
    gw-limits) echo "http://127.0.0.1:$LIM_OPS_PORT/metrics" ;;
    gw-nolimits) echo "http://127.0.0.1:$NOLIM_OPS_PORT/metrics" ;;
  esac
}
systems_of() {
  local all
  local base=
  [[ -n $BASELINE_JAR ]] && base=gw-base
  case $1 in
    zipf) all="gw-redis bare-netty nginx" ;;
    limits) all="gw-nolimits gw-limits" ;;
    flood) all="gw-limits" ;;
    proxy) all="gw-dev $base gw-redis nginx upstream" ;;
    *) all="gw-dev $base gw-redis bare-netty nginx" ;;
  esac
  for s in $all; do has_system "$s" && echo "$s"; done
}

wrk_cmd() { # prints and runs wrk; output to $1
  local out=$1
  shift
  echo "# wrk $*" > "$out"
  wrk "$@" >> "$out" 2>&1 || { cat "$out" >&2; die "wrk failed"; }
}

# pid_of NAME: the process started under NAME.
pid_of() {
  local i
  for i in "${!NAMES[@]}"; do
    [[ ${NAMES[$i]} == "$1" ]] && { echo "${PIDS[$i]}"; return; }
  done
}

# cpu_ticks PID: user + system CPU time of PID and its children (nginx's workers), in clock ticks.
cpu_ticks() {
  local total=0 pid
  for pid in "$1" $(pgrep -P "$1" 2>/dev/null); do
    [[ -r /proc/$pid/stat ]] || continue
    total=$(( total + $(awk '{print $14 + $15}' "/proc/$pid/stat") ))
  done
  echo "$total"
}
CLK_TCK=$(getconf CLK_TCK)

run_one() { # SCENARIO SYSTEM ROUND KIND DURATION
  local scenario=$1 system=$2 round=$3 kind=$4 duration=$5
  local base key ops tag conns=$CONNECTIONS threads=$THREADS rate_arg=()
  base=$(base_of "$system" "$scenario")
  key=$(key_of "$system")
  ops=$(ops_of "$system")
  tag=$scenario-$system-$kind$round
  local out=$LOGS/wrk-$tag.txt out2=
  local common=(-d "$duration" --timeout 5s -H "Origin: $ORIGIN")
  [[ -n $ops ]] && "${LOADTOOL[@]}" scrape "$ops" > "$WORK/before.json"
  local server_pid ticks_before
  server_pid=$(pid_of "$system")
  ticks_before=$(cpu_ticks "$server_pid")
  case $scenario in
    hit)
      wrk_cmd "$out" -t "$threads" -c "$conns" "${common[@]}" -s "$HERE/fixed.lua" "$base/v1/widget/bootstrap?key=$key" ;;
    lowconn)
      conns=$LOWCONN
      threads=$(( THREADS < LOWCONN ? THREADS : LOWCONN ))
      wrk_cmd "$out" -t "$threads" -c "$conns" "${common[@]}" -s "$HERE/fixed.lua" "$base/v1/widget/bootstrap?key=$key" ;;
    zipf)
      wrk_cmd "$out" -t "$threads" -c "$conns" "${common[@]}" -s "$HERE/zipf.lua" "$base" -- "$ZIPF_FILE" "$ZIPF_S" ;;
    unknown-base)
      # The valid half of the unknown scenario alone: the baseline its latency is compared with.
      conns=$(( CONNECTIONS / 2 ))
      threads=$(( THREADS / 2 > 0 ? THREADS / 2 : 1 ))
      wrk_cmd "$out" -t "$threads" -c "$conns" "${common[@]}" -s "$HERE/fixed.lua" "$base/v1/widget/bootstrap?key=$key" ;;
    unknown)
      local half_t=$(( THREADS / 2 > 0 ? THREADS / 2 : 1 )) half_c=$(( CONNECTIONS / 2 ))
      out2=$LOGS/wrk-$tag-unknown.txt
      wrk_cmd "$out" -t "$half_t" -c "$half_c" "${common[@]}" -s "$HERE/fixed.lua" "$base/v1/widget/bootstrap?key=$key" &
      local first=$!
      wrk_cmd "$out2" -t "$half_t" -c "$half_c" "${common[@]}" -s "$HERE/random_keys.lua" "$base" -- valid &
      local second=$!
      wait "$first" || die "wrk (valid half) failed"
      wait "$second" || die "wrk (unknown half) failed" ;;
    limits)
      wrk_cmd "$out" -t "$threads" -c "$conns" "${common[@]}" -s "$HERE/clients.lua" "$base/v1/widget/bootstrap?key=$key" \
        -- 1000 "$CLIENTS" ;;
    flood-base)
      # The clients of the flood scenario alone, paced: the baseline their latency is compared with.
      conns=$(( CONNECTIONS / 2 ))
      threads=$(( THREADS / 2 > 0 ? THREADS / 2 : 1 ))
      rate_arg=(--rate "$FLOOD_RATE")
      wrk_cmd "$out" -t "$threads" -c "$conns" "${common[@]}" -s "$HERE/clients.lua" "$base/v1/widget/bootstrap?key=$key" \
        -- 1000 "$CLIENTS" "$FLOOD_RATE" "$threads" ;;
    flood)
      local half_t=$(( THREADS / 2 > 0 ? THREADS / 2 : 1 )) half_c=$(( CONNECTIONS / 2 ))
      rate_arg=(--rate "$FLOOD_RATE")
      out2=$LOGS/wrk-$tag-flood.txt
      wrk_cmd "$out" -t "$half_t" -c "$half_c" "${common[@]}" -s "$HERE/clients.lua" \
        "$base/v1/widget/bootstrap?key=$key" -- 1000 "$CLIENTS" "$FLOOD_RATE" "$half_t" &
      local clients=$!
      wrk_cmd "$out2" -t "$half_t" -c "$half_c" "${common[@]}" -s "$HERE/clients.lua" \
        "$base/v1/widget/bootstrap?key=$key" -- 1 1 &
      local flooder=$!
      wait "$clients" || die "wrk (clients) failed"
      wait "$flooder" || die "wrk (flood) failed" ;;
    unknown-mixed)
      wrk_cmd "$out" -t "$threads" -c "$conns" "${common[@]}" -s "$HERE/mixed.lua" "$base" -- "$key" ;;
    invalid)
      wrk_cmd "$out" -t "$threads" -c "$conns" "${common[@]}" -s "$HERE/random_keys.lua" "$base" -- invalid ;;
    proxy)
      wrk_cmd "$out" -t "$threads" -c "$conns" "${common[@]}" -s "$HERE/fixed.lua" "$base/v1/widget/messages?key=$key" ;;
    paced)
      rate_arg=(--rate "$PACED_RATE")
      wrk_cmd "$out" -t "$threads" -c "$conns" "${common[@]}" -s "$HERE/paced.lua" "$base/v1/widget/bootstrap?key=$key" \
        -- "$PACED_RATE" "$threads" ;;
    open)
      rate_arg=(--rate "$PACED_RATE")
      echo "# OpenLoopLoad --rate $PACED_RATE --connections $conns --threads $threads --duration $duration" > "$out"
      java -cp "$BENCH_JAR" dev.widgetedge.benchmarks.load.OpenLoopLoad --url "$base/v1/widget/bootstrap?key=$key" \
        --header "Origin: $ORIGIN" --rate "$PACED_RATE" --connections "$conns" --threads "$threads" \
        --duration "$duration" --warmup 5s >> "$out" 2>&1 || { cat "$out" >&2; die "OpenLoopLoad failed"; } ;;
  esac
  # The server's CPU time over the run: cost per request, whatever else the machine was doing.
  local cpu_arg=(--cpu-seconds "$(python3 -c "print(($(cpu_ticks "$server_pid") - $ticks_before) / $CLK_TCK)")")
  local metrics=()
  if [[ -n $ops ]]; then
    "${LOADTOOL[@]}" scrape "$ops" > "$WORK/after.json"
    metrics=(--before "$WORK/before.json" --after "$WORK/after.json")
  fi
  local row
  row=$("${LOADTOOL[@]}" record --scenario "$scenario" --system "$system" --round "$round" --kind "$kind" \
    --connections "$conns" --threads "$threads" --wrk "$out" ${out2:+--wrk2 "$out2"} "${metrics[@]}" "${rate_arg[@]}" \
    "${cpu_arg[@]}")
  echo "$row" >> "$RESULTS"
  "${LOADTOOL[@]}" line "$row"
}

# sweep_keys SYSTEM: touches every Zipf key once on a gateway, so that its cache is warm: wrk
# walks the key file until the gateway has read as many keys from the store as the file holds.
sweep_keys() {
  local system=$1 base ops out=$LOGS/wrk-zipf-$1-sweep.txt reads
  base=$(base_of "$system" zipf)
  ops=$(ops_of "$system")
  local before
  before=$("${LOADTOOL[@]}" scrape "$ops" | "${LOADTOOL[@]}" metric widget_gateway_store_requests_total result=found)
  echo "# wrk sweep.lua $ZIPF_FILE $THREADS" > "$out"
  wrk -t "$THREADS" -c "$CONNECTIONS" -d 30m --timeout 5s -H "Origin: $ORIGIN" -s "$HERE/sweep.lua" "$base" \
    -- "$ZIPF_FILE" "$THREADS" >> "$out" 2>&1 &
  local wrk_pid=$!
  local started=$SECONDS
  while kill -0 "$wrk_pid" 2>/dev/null; do
    reads=$("${LOADTOOL[@]}" scrape "$ops" | "${LOADTOOL[@]}" metric widget_gateway_store_requests_total result=found)
    if python3 -c "import sys; sys.exit(0 if $reads - $before >= $ZIPF_KEYS else 1)"; then
      break
    fi
    sleep 1
  done
  kill -INT "$wrk_pid" 2>/dev/null || true
  wait "$wrk_pid" 2>/dev/null || true
  log "  sweep $system: every key read once in $(( SECONDS - started )) s"
}

# run_coldstart ROUND: a new gateway on the Redis that holds the Zipf keys, driven with the zipf
# load as soon as it listens; its /metrics are sampled every second.
run_coldstart() {
  local round=$1 tag=coldstart-gw-redis-measure$1
  local out=$LOGS/wrk-$tag.txt samples=$WORK/cold-samples-$1.jsonl
  local ops="http://127.0.0.1:$COLD_OPS_PORT/metrics"
  : > "$samples"
  local started_ms
  started_ms=$(date +%s%3N)
  # shellcheck disable=SC2206
  local cold_opts=($COLD_OPTS)
  start "gw-cold-$round" java "${JOPTS[@]}" -jar "$APP_JAR" gateway --redis "$REDIS_URI" --host 127.0.0.1 \
    --port "$COLD_PORT" --ops-port "$COLD_OPS_PORT" --drain-timeout 1s "${NO_LIMITS[@]}" "${cold_opts[@]}"
  local cold_pid=${PIDS[${#PIDS[@]} - 1]}
  for _ in $(seq 1 600); do
    curl -s -o /dev/null "http://127.0.0.1:$COLD_PORT/" && break
    kill -0 "$cold_pid" 2>/dev/null || die "gw-cold exited while starting (logs/gw-cold-$round.log)"
    sleep 0.05
  done
  local listening_ms
  listening_ms=$(date +%s%3N)
  ( while kill -0 "$cold_pid" 2>/dev/null; do
      "${LOADTOOL[@]}" scrape "$ops" --stamp 2>/dev/null >> "$samples" || true
      sleep 1
    done ) &
  local sampler=$!
  wrk_cmd "$out" -t "$THREADS" -c "$CONNECTIONS" -d "$COLD_DURATION" --timeout 5s -H "Origin: $ORIGIN" \
    -s "$HERE/zipf.lua" "http://127.0.0.1:$COLD_PORT" -- "$ZIPF_FILE" "$ZIPF_S"
  "${LOADTOOL[@]}" scrape "$ops" --stamp >> "$samples"
  kill -TERM "$cold_pid" 2>/dev/null || true
  wait "$cold_pid" 2>/dev/null || true
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  local row
  row=$("${LOADTOOL[@]}" record --scenario coldstart --system gw-redis --round "$round" --kind measure \
    --connections "$CONNECTIONS" --threads "$THREADS" --wrk "$out" --samples "$samples" \
    --started-ms "$started_ms" --listening-ms "$listening_ms")
  echo "$row" >> "$RESULTS"
  "${LOADTOOL[@]}" line "$row"
}

# --- the scenarios -------------------------------------------------------------------------------
PACED_RATE=$RATE
# The flood scenario's well-behaved clients: a fixed rate well below what one gateway serves.
FLOOD_RATE=${RATE:-2000}
IFS=, read -r -a SCENARIO_LIST <<< "$SCENARIOS"
for scenario in "${SCENARIO_LIST[@]}"; do
  case $scenario in hit|lowconn|zipf|coldstart|unknown|unknown-mixed|invalid|proxy|paced|open|limits|flood) ;; *) die "unknown scenario $scenario" ;; esac
  if [[ $scenario == coldstart ]]; then
    has_system gw-redis || continue
    log "scenario coldstart: a new gateway on $ZIPF_KEYS keys, $COLD_DURATION of zipf load per round"
    for round in $(seq 1 "$ROUNDS"); do run_coldstart "$round"; done
    continue
  fi
  if [[ ($scenario == paced || $scenario == open) && -z $PACED_RATE ]]; then
    if peak=$("${LOADTOOL[@]}" peak "$RESULTS" --scenario hit --system gw-dev); then
      PACED_RATE=$(python3 -c "print(int($peak * $PACED_FRACTION))")
    else
      log "$scenario: skipped (needs the hit scenario with gw-dev first, or --rate)"
      continue
    fi
  fi
  mapfile -t systems < <(systems_of "$scenario")
  [[ ${#systems[@]} -gt 0 ]] || continue
  if [[ $scenario == paced || $scenario == open ]]; then
    log "scenario $scenario: ${systems[*]}, offered $PACED_RATE req/s"
  else
    log "scenario $scenario: ${systems[*]}"
  fi
  if [[ $scenario == zipf ]]; then
    for system in "${systems[@]}"; do
      [[ -n $(ops_of "$system") ]] && sweep_keys "$system"
    done
  fi
  for system in "${systems[@]}"; do
    warmup=$WARMUP
    # A gateway's cache settles for --zipf-warmup; the peers have no cache to settle.
    if [[ $scenario == zipf && -n $ZIPF_WARMUP && -n $(ops_of "$system") ]]; then warmup=$ZIPF_WARMUP; fi
    if [[ $warmup != 0 && $warmup != 0s ]]; then run_one "$scenario" "$system" 0 warmup "$warmup"; fi
  done
  for round in $(seq 1 "$ROUNDS"); do
    for system in "${systems[@]}"; do
      [[ $scenario == unknown ]] && run_one unknown-base "$system" "$round" measure "$DURATION"
      [[ $scenario == flood ]] && run_one flood-base "$system" "$round" measure "$DURATION"
      run_one "$scenario" "$system" "$round" measure "$DURATION"
    done
  done
done

# --- report ------------------------------------------------------------------------------------
REPORT_STATUS=0
{
  echo "Load harness results ($(date -u +%Y-%m-%dT%H:%M:%SZ)); latency in ms; machine in machine.txt"
  cat "$OUT/machine.txt"
  "${LOADTOOL[@]}" report "$RESULTS" --tsv "$OUT/summary.tsv" || REPORT_STATUS=$?
} > "$OUT/report.txt"
cat "$OUT/report.txt"
java -Djava.awt.headless=true -cp "$BENCH_JAR" dev.widgetedge.benchmarks.load.LoadPlot "$OUT/summary.tsv" \
  "$OUT/load.png" "widget-edge load harness, $(nproc) cores, $ROUNDS x $DURATION, $CONNECTIONS connections" >/dev/null \
  && log "plot: $OUT/load.png"
log "results in $OUT"
exit "$REPORT_STATUS"
