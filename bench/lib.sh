# Helpers shared by bench/ingest/run.sh and bench/cluster/run.sh: the JDK, free loopback ports,
# waiting for a server, stopping a process, and reading CPU and memory from /proc. Sourced (not
# run) after the script has set $root and defined log(); sets JAVA_HOME, java and jvm_flags.
# shellcheck shell=bash

JAVA_HOME=$("$root/bin/java-home")
export JAVA_HOME
java="$JAVA_HOME/bin/java"
jvm_flags=(--enable-native-access=ALL-UNNAMED)
if "$java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
  jvm_flags+=(--sun-misc-unsafe-memory-access=allow)
fi

# Stops $1 with SIGTERM; SIGKILL after $2 seconds.
stop() {
  local pid=$1 limit=$2 start=$SECONDS
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if [ $((SECONDS - start)) -ge "$limit" ]; then
      log "pid $pid still running after ${limit}s; SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    sleep 0.2
  done
  wait "$pid" 2>/dev/null || true
}

# --- free loopback ports ---------------------------------------------------------------------
# Below the kernel's ephemeral range, so outgoing connections cannot be holding them; a server
# that still fails to bind (someone else took the port meanwhile) is restarted on new ports.
ephemeral_low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
taken=" "
port_in_use() {
  if command -v ss >/dev/null 2>&1; then
    [ -n "$(ss -Htan "( sport = :$1 )" 2>/dev/null)" ]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}
pick_port() { # sets PORT (not a subshell, so ports picked earlier are remembered)
  local p
  for _ in $(seq 500); do
    p=$((10000 + RANDOM % (ephemeral_low - 10000)))
    case "$taken" in *" $p "*) continue ;; esac
    port_in_use "$p" && continue
    taken="$taken$p "
    PORT=$p
    return 0
  done
  log "no free port found"
  return 1
}

wait_http() { # url, seconds, pid
  local i
  for i in $(seq $(($2 * 5))); do
    kill -0 "$3" 2>/dev/null || { log "process $3 exited while starting; see its log"; return 1; }
    curl -sf -o /dev/null "$1" && return 0
    sleep 0.2
  done
  log "$1 did not answer within $2 s"
  return 1
}

# --- /proc -----------------------------------------------------------------------------------
vm_hwm_kb() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }
# CPU seconds (user + system) a process has used so far.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' "/proc/$1/stat"
}
# CPU seconds per thread name (digits folded, so pools add up), "name<TAB>seconds" a line. Reads
# /proc with shell built-ins: one process per thread would take seconds on a busy machine.
thread_cpu() {
  local t comm stat
  for t in /proc/"$1"/task/*; do
    { read -r comm <"$t/comm" && read -r stat <"$t/stat"; } 2>/dev/null || continue
    printf '%s\t%s\n' "$comm" "${stat##*) }"
  done | awk -F'\t' -v hz="$(getconf CLK_TCK)" '{
      n = $1; gsub(/[0-9]+/, "N", n); split($2, f, " "); a[n] += (f[12] + f[13]) / hz }
    END { for (k in a) printf "%s\t%.2f\n", k, a[k] }' | sort
}

# The value of key $2 in the "key=value key=value …" line $1 (the first key too).
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"; }
