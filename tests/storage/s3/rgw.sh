#!/usr/bin/env bash
# The `rgw` test fixture: a real, strict S3 server on loopback for the tests of the S3 client.
# A throw-away Ceph cluster (one monitor, one OSD that keeps every object in memory, no
# manager, no authentication between the daemons) with a RADOS Gateway in front of it.
#
#   tests/storage/s3/rgw.sh start DIR   stops what an earlier start in DIR left running, wipes
#                                       DIR, starts the gateway on a free port and writes DIR/env:
#                                         ENDPOINT=http://127.0.0.1:PORT
#                                         ACCESS_KEY=...   (S3_ACCESS_KEY, else the test key)
#                                         SECRET_KEY=...   (S3_SECRET_KEY, else the test secret)
#   tests/storage/s3/rgw.sh stop DIR    stops the daemons started in DIR and removes DIR/env
#
# ctest runs both as the `rgw` fixture (tests/storage/s3/CMakeLists.txt), one gateway per build
# folder. Everything lives in DIR: ceph.conf, logs in DIR/log, pid files and admin sockets in
# DIR/run. Needs the Debian packages radosgw, ceph-mon, ceph-osd and curl
# (scripts/bootstrap --test); runs as root or as a normal user.
set -euo pipefail

readonly default_access_key=TESTACCESSKEY0000001
readonly default_secret_key=testsecretkey0000000000000000000000000001
# Seconds a daemon gets to exit after SIGTERM before it is killed.
readonly stop_grace_s=${RGW_STOP_GRACE_S:-5}
# Seconds the whole start may take before it gives up (ctest allows rgw_start 120).
readonly start_timeout_s=${RGW_START_TIMEOUT_S:-60}
# Written first into DIR: only a directory holding it (or an empty one) is ever wiped.
readonly marker=.rgw-fixture

# Our own ceph.conf is the only configuration the tools may read.
unset CEPH_ARGS CEPH_CONF

# Set by start().
access_key=
secret_key=
start_deadline=0  # in $SECONDS
failure=          # why start_cluster failed, for the person reading the test log

die() {
  echo "rgw.sh: $*" >&2
  exit 1
}

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}

# The pid of daemon `name` (mon.a, osd.0, client.rgw.a) of the cluster in `dir`, when it runs.
# A pid file outlives its process and the pid can be reused, so the process must be a Ceph
# daemon started with this cluster's ceph.conf (a zombie has an empty cmdline and fails too).
running_pid() {
  local dir=$1 name=$2 pid comm args
  pid=$(cat "$dir/run/$name.pid" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  case $comm in
    ceph-mon | ceph-osd | radosgw) ;;
    *) return 1 ;;
  esac
  args=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $'\n'$args$'\n' == *$'\n'"$dir/ceph.conf"$'\n'* ]] || return 1
  echo "$pid"
}

# The names among the daemons named after `dir` whose process still runs.
running_names() {
  local dir=$1 name
  shift
  for name in "$@"; do
    if running_pid "$dir" "$name" >/dev/null; then echo "$name"; fi
  done
}

# Sends SIGTERM to the named daemons, waits up to stop_grace_s for them to exit, then SIGKILLs
# what is left and waits (up to 5 s) for it to go.
terminate() {
  local dir=$1 signal name pid wait_s deadline
  shift
  local -a left
  for signal in TERM KILL; do
    for name in "$@"; do
      if pid=$(running_pid "$dir" "$name"); then kill "-$signal" "$pid" 2>/dev/null || true; fi
    done
    wait_s=$stop_grace_s
    [[ $signal == TERM ]] || wait_s=5
    deadline=$((SECONDS + wait_s))
    while :; do
      mapfile -t left < <(running_names "$dir" "$@")
      [[ ${#left[@]} -gt 0 ]] || return 0
      ((SECONDS < deadline)) || break
      sleep 0.05
    done
    echo "rgw.sh: ${left[*]} still running ${wait_s}s after SIG$signal" >&2
  done
}

# One daemon after the other, each in ~0.2 s. Together they would take seconds: the gateway
# shuts down through the OSD, and an OSD reports its end to the monitor and waits for it.
stop_cluster() {
  local dir=$1
  [[ -d $dir/run ]] || return 0
  terminate "$dir" client.rgw.a
  terminate "$dir" osd.0
  terminate "$dir" mon.a
}

# The last lines of every log of a failed start, the gateway's last.
show_logs() {
  local dir=$1 f
  for f in "$dir"/log/mon* "$dir"/log/ceph* "$dir"/log/osd* "$dir"/log/radosgw* \
    "$dir"/log/client.rgw*; do
    [[ -s $f ]] || continue
    echo "---- $f (last lines)" >&2
    tail -n 12 "$f" >&2
  done
}

# Whether something accepts TCP connections on 127.0.0.1:port (a listener on 0.0.0.0 too).
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Whether process `pid` holds the socket listening on 127.0.0.1:port (from /proc/net/tcp,
# where the address is hex and state 0A is LISTEN).
owns_listener() {
  local pid=$1 port=$2 hex inode
  printf -v hex '%04X' "$port"
  inode=$(awk -v a="0100007F:$hex" -v b="00000000:$hex" \
    '($2 == a || $2 == b) && $4 == "0A" { print $10; exit }' /proc/net/tcp)
  [[ -n $inode ]] || return 1
  [[ -n $(find "/proc/$pid/fd" -maxdepth 1 -lname "socket:\[$inode\]" -print -quit 2>/dev/null) ]]
}

# A port on 127.0.0.1 that nothing listens on, other than `$1`, chosen at random below the
# kernel's ephemeral range: ports in that range go to outgoing connections (among them the
# daemons' own connections to each other) and could be taken between this check and the
# daemon's bind. A random choice keeps fixtures of several build folders apart; a port that
# is still taken when the daemon binds it makes the start try again with new ports.
free_port() {
  local not=${1:-0} low=20000 high ephemeral_low _ port i
  read -r ephemeral_low _ </proc/sys/net/ipv4/ip_local_port_range || ephemeral_low=32768
  high=$((ephemeral_low > low + 2000 ? ephemeral_low : 32768))
  for ((i = 0; i < 100; i++)); do
    port=$((low + (RANDOM * 32768 + RANDOM) % (high - low)))
    [[ $port -ne $not ]] || continue
    port_in_use "$port" || {
      echo "$port"
      return 0
    }
  done
  return 1
}

write_config() {
  local dir=$1 s3_port=$2 mon_port=$3 fsid=$4
  cat >"$dir/ceph.conf" <<CONF
# Written by tests/storage/s3/rgw.sh for one test run; wiped by the next start.
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$mon_port
public addr = 127.0.0.1
cluster addr = 127.0.0.1
# Only the v2 protocol: half as many OSD ports (taken from 6800-7300, shared by all clusters).
ms bind msgr1 = false
auth cluster required = none
auth service required = none
auth client required = none
run dir = $dir/run
admin socket = $dir/run/\$name.asok
pid file = $dir/run/\$name.pid
log file = $dir/log/\$name.log
# Without these the monitor writes its cluster log under /var/log/ceph and a crashing daemon
# its report under /var/lib/ceph, where a normal user cannot write.
mon cluster log file = default=$dir/log/\$channel.log cluster=$dir/log/cluster.log
crash dir = $dir/crash
keyring = $dir/keyring
# One OSD holds every pool: one copy of each object, few placement groups.
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
mon data avail warn = 1

[mon.a]
mon data = $dir/mon.a
# One try when the port is taken (rgw.sh then tries another) instead of four over 15 s.
ms bind retry count = 1
ms bind retry delay = 0
# The gateway creates its pools one after the other and each new pool waits for a map
# update; the default 1 s batching makes the start take ~10 s instead of ~1 s.
paxos propose interval = 0.05

[osd.0]
osd data = $dir/osd.0
osd objectstore = memstore
# An upper bound that the OSD reports as its size, not an allocation: objects take memory
# only as they are written.
memstore device bytes = 3221225472

[client]
# radosgw asks the monitor for the "secure" mode by default, which needs cephx; without this
# line it hangs at start.
ms mon client mode = crc

[client.rgw.a]
rgw data = $dir/rgw
# tcp_nodelay: without it every small response waits ~40 ms for the client's delayed ACK
rgw frontends = beast endpoint=127.0.0.1:$s3_port tcp_nodelay=1
# Virtual-host addressing: http://BUCKET.localhost:PORT/KEY (path style keeps working).
rgw dns name = localhost
# Deleted objects (and the parts of completed multipart uploads) stay in memory until the
# garbage collector removes them, by default after two hours.
rgw gc obj min wait = 60
rgw gc processor period = 60
CONF
}

# Runs a command within what is left of the start's time limit.
bounded() {
  local seconds=$((start_deadline - SECONDS))
  ((seconds > 0)) || seconds=1
  timeout "$seconds" "$@"
}

# Starts the cluster in `dir` (created and empty) with the gateway on s3_port. Returns 0 when
# the gateway answers and the user exists; otherwise sets `failure` and returns 1, or 2 when
# one of the ports turned out to be taken (the caller tries again with other ports).
start_cluster() {
  local dir=$1 s3_port=$2 mon_port=$3
  local -a conf=(-c "$dir/ceph.conf")
  local fsid osd_uuid pid code
  fsid=$(cat /proc/sys/kernel/random/uuid)
  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  mkdir -p "$dir"/{run,log,crash,mon.a,osd.0,rgw}
  write_config "$dir" "$s3_port" "$mon_port" "$fsid"

  # Every daemon gets /dev/null as stdin and a log file as stdout and stderr: a daemon that
  # kept ctest's pipes open would make ctest wait for it.
  if ! {
    ceph-authtool --create-keyring "$dir/keyring" --gen-key -n mon. --cap mon 'allow *' &&
      monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$dir/monmap" &&
      bounded ceph-mon "${conf[@]}" --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/keyring"
  } </dev/null >>"$dir/log/mon-mkfs.out" 2>&1; then
    failure="creating the monitor failed (see $dir/log/mon-mkfs.out)"
    return 1
  fi
  # Daemonizes once it listens.
  if ! bounded ceph-mon "${conf[@]}" -i a </dev/null >>"$dir/log/mon.out" 2>&1; then
    if grep -qs 'Address already in use' "$dir/log/mon.out" "$dir/log/mon.a.log"; then
      failure="monitor port $mon_port is taken"
      return 2
    fi
    failure="the monitor did not start (see $dir/log/mon.a.log)"
    return 1
  fi
  # Registers osd.0 with the monitor; the first command that needs a working monitor.
  if ! bounded ceph "${conf[@]}" osd new "$osd_uuid" \
    </dev/null >>"$dir/log/ceph.out" 2>&1; then
    failure="the monitor on port $mon_port does not answer (see $dir/log/mon.a.log)"
    return 1
  fi
  if ! bounded ceph-osd "${conf[@]}" -i 0 --mkfs --osd-uuid "$osd_uuid" \
    </dev/null >>"$dir/log/osd-mkfs.out" 2>&1; then
    failure="creating the OSD failed (see $dir/log/osd-mkfs.out)"
    return 1
  fi
  if ! bounded ceph-osd "${conf[@]}" -i 0 </dev/null >>"$dir/log/osd.out" 2>&1; then
    failure="the OSD did not start (see $dir/log/osd.0.log)"
    return 1
  fi
  # Writes its pid file and daemonizes at once, then connects to the cluster, creates its
  # pools and listens.
  if ! bounded radosgw "${conf[@]}" -n client.rgw.a </dev/null >>"$dir/log/radosgw.out" 2>&1; then
    failure="radosgw did not start (see $dir/log/client.rgw.a.log)"
    return 1
  fi

  local polls=0
  while :; do
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$s3_port/" || true)
    if ! pid=$(running_pid "$dir" client.rgw.a); then
      if grep -qs 'Address already in use' "$dir/log/client.rgw.a.log"; then
        failure="S3 port $s3_port is taken"
        return 2
      fi
      failure="radosgw exited during start (see $dir/log/client.rgw.a.log)"
      return 1
    fi
    # 200 from our gateway, not from a server that took the port in the meantime.
    [[ $code == 200 ]] && owns_listener "$pid" "$s3_port" && break
    if ((SECONDS >= start_deadline)); then
      failure="radosgw did not answer on port $s3_port within ${start_timeout_s}s"
      return 1
    fi
    # Often at first (it answers ~0.5 s after start), then gently.
    if ((++polls < 100)); then sleep 0.05; else sleep 0.25; fi
  done

  if ! bounded radosgw-admin "${conf[@]}" user create --uid=tester --display-name=tester \
    --access-key="$access_key" --secret-key="$secret_key" \
    </dev/null >"$dir/user.json" 2>>"$dir/log/radosgw-admin.out"; then
    failure="creating the S3 user failed (see $dir/log/radosgw-admin.out)"
    return 1
  fi
}

start() {
  local dir=$1 started_us=${EPOCHREALTIME/./}
  local -a missing=()
  local tool
  for tool in ceph-mon ceph-osd radosgw radosgw-admin ceph ceph-authtool monmaptool curl; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  [[ ${#missing[@]} -eq 0 ]] ||
    die "not installed: ${missing[*]} (Debian packages radosgw ceph-mon ceph-osd curl); run scripts/bootstrap --test"

  access_key=${S3_ACCESS_KEY:-$default_access_key}
  secret_key=${S3_SECRET_KEY:-$default_secret_key}
  [[ $access_key =~ ^[A-Za-z0-9]+$ && $secret_key =~ ^[A-Za-z0-9/+=]+$ ]] ||
    die "S3_ACCESS_KEY must be letters and digits, S3_SECRET_KEY letters, digits and /+="

  if [[ -e $dir && ! -e $dir/$marker && -n $(ls -A "$dir" 2>/dev/null) ]]; then
    die "$dir is not empty and not a directory made by rgw.sh start; not wiping it"
  fi
  stop_cluster "$dir"

  local attempt s3_port mon_port status=2
  start_deadline=$((SECONDS + start_timeout_s))
  for ((attempt = 1; attempt <= 3 && status == 2; attempt++)); do
    ((attempt == 1)) || echo "rgw.sh: $failure; trying other ports" >&2
    rm -rf "$dir"
    mkdir -p "$dir"
    touch "$dir/$marker"
    s3_port=$(free_port) || die "found no free TCP port on 127.0.0.1"
    mon_port=$(free_port "$s3_port") || die "found no free TCP port on 127.0.0.1"
    failure=
    status=0
    start_cluster "$dir" "$s3_port" "$mon_port" || status=$?
    if [[ $status -ne 0 ]]; then
      # The logs as the failure left them, before the daemons log their shutdown.
      [[ $status -eq 2 && $attempt -lt 3 ]] || show_logs "$dir"
      # Nothing stays running after a failed start; the logs stay for a look.
      stop_cluster "$dir"
    fi
  done
  [[ $status -eq 0 ]] || die "$failure"

  {
    echo "ENDPOINT=http://127.0.0.1:$s3_port"
    echo "ACCESS_KEY=$access_key"
    echo "SECRET_KEY=$secret_key"
  } >"$dir/env.tmp"
  mv "$dir/env.tmp" "$dir/env"
  local took_ms=$(((${EPOCHREALTIME/./} - started_us) / 1000))
  echo "rgw.sh: S3 gateway at http://127.0.0.1:$s3_port, started in ${took_ms} ms (logs: $dir/log)"
}

stop() {
  local dir=$1
  rm -f "$dir/env"
  stop_cluster "$dir"
}

[[ $# -eq 2 ]] || usage
[[ -n $2 ]] || usage
dir=$(realpath -m -- "$2")
[[ $dir != / ]] || die "refusing to use / as DIR"
case $1 in
  start) start "$dir" ;;
  stop) stop "$dir" ;;
  *) usage ;;
esac
