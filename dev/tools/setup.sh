#!/usr/bin/env bash
# Builds or fetches every server the project runs, into .tools/ (ignored), idempotently.
# Versions come from dev/tools/versions.env and nowhere else.
#
#   bash dev/tools/setup.sh [--browser]
#
#   .tools/bin/temporal              Temporal CLI (dev server + Web UI); skipped if `temporal` is on PATH
#   .tools/bin/mailpit               Mailpit, with its web UI built from the module's sources
#   .tools/bin/registry-server       launcher of the registry's MongoDB-compatible server (mongo-java-server + H2,
#                                    from dev/tools/registry-server/, + .tools/registry-server/); skipped if MONGODB_URI is set
#   .tools/bin/temporal-test-server  launcher of the Java time-skipping test server (+ .tools/temporal-test-server/)
#   redis-server, espeak-ng, nginx   Debian's packages (apt-get, as root) when missing; Redis skipped if REDIS_URL is set
#   --browser                        also installs Debian's chromium when /usr/bin/chromium is missing
#
# A tool is rebuilt only when its stamp (.tools/stamps/NAME: version and inputs) changed.
# Needs: go (Temporal CLI, Mailpit), java + mvn (test server, registry server; javac too), npm (Mailpit's UI).
set -euo pipefail
export LC_ALL=C # $EPOCHREALTIME with a '.' whatever the user's locale

started=$EPOCHREALTIME
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="$ROOT/.tools"
BIN="$TOOLS/bin"
STAMPS="$TOOLS/stamps"
LOGS="$TOOLS/logs"
BUILD="$TOOLS/build"

browser=0
for arg in "$@"; do
  case "$arg" in
    --browser) browser=1 ;;
    -h | --help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup: unknown argument '$arg' (usage: bash dev/tools/setup.sh [--browser])" >&2; exit 2 ;;
  esac
done

# shellcheck source=versions.env
source "$ROOT/dev/tools/versions.env"
: "${TEMPORAL_CLI_VERSION:?missing in dev/tools/versions.env}" "${TEMPORAL_TEST_SERVER_VERSION:?missing in dev/tools/versions.env}"
: "${MONGO_JAVA_SERVER_VERSION:?missing in dev/tools/versions.env}" "${MAILPIT_VERSION:?missing in dev/tools/versions.env}"
: "${REDIS_VERSION:?missing in dev/tools/versions.env}" "${ESPEAK_NG_VERSION:?missing in dev/tools/versions.env}"
: "${NGINX_VERSION:?missing in dev/tools/versions.env}"

mkdir -p "$BIN" "$STAMPS" "$LOGS"
# Two setups at once (npm start and npm test side by side) wait for each other instead of colliding.
exec 9>"$TOOLS/.setup.lock"
flock 9

elapsed() { # seconds since $1 (an $EPOCHREALTIME), one decimal
  awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'
}

need() { # need COMMAND WHAT-FOR: one clear line and exit when a required command is missing
  command -v "$1" >/dev/null 2>&1 || {
    echo "setup: '$1' is required ($2) but was not found on PATH; install it and run again." >&2
    exit 1
  }
}

step_log=""
run() { # run COMMAND...: output to the step log; on failure print the command, its error, exit 1
  printf '\n$ %s\n' "$*" >>"$step_log"
  if ! "$@" >>"$step_log" 2>&1; then
    {
      echo
      echo "setup: FAILED: $*"
      echo "setup: (in $(pwd); full log: ${step_log#"$ROOT"/})"
      tail -n 30 "$step_log" | sed 's/^/  | /'
    } >&2
    exit 1
  fi
}

stamp_ok() { # stamp_ok NAME KEY FILE...: true when every FILE exists and the stamp holds KEY
  local name=$1 key=$2
  shift 2
  local f
  for f in "$@"; do [[ -e "$f" ]] || return 1; done
  [[ -f "$STAMPS/$name" && "$(<"$STAMPS/$name")" == "$key" ]]
}

begin() { # begin NAME LABEL: start a step with a fresh log
  step_log="$LOGS/$1.log"
  : >"$step_log"
  step_started=$EPOCHREALTIME
  echo "setup: $2 ..."
}

done_step() { # done_step NAME KEY
  printf '%s' "$2" >"$STAMPS/$1"
  echo "setup:   done in $(elapsed "$step_started") s"
}

go_env=(env GOBIN="$BIN" GOFLAGS=-buildvcs=false)

# --- Temporal CLI --------------------------------------------------------------------------------
temporal_key="$TEMPORAL_CLI_VERSION"
on_path="$(command -v temporal 2>/dev/null || true)"
if [[ -n "$on_path" && "$on_path" != "$BIN/temporal" ]]; then
  : # the user's own Temporal CLI is used (dev/stack/ finds it on PATH)
elif ! stamp_ok temporal "$temporal_key" "$BIN/temporal"; then
  need go "to build the Temporal CLI"
  begin temporal "building Temporal CLI $TEMPORAL_CLI_VERSION (go install; several minutes on a cold Go cache)"
  run "${go_env[@]}" go install \
    -ldflags "-X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION#v}" \
    "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION"
  done_step temporal "$temporal_key"
fi

# --- Mailpit -------------------------------------------------------------------------------------
# `go install github.com/axllent/mailpit@VERSION` gives a binary whose web UI is blank: the UI bundle
# (server/ui/dist) is built with npm and is not in the Go module. So: copy the module's sources,
# build the UI bundle with esbuild (dependencies from dev/tools/mailpit-ui/), then `go build`.
mailpit_ui="$ROOT/dev/tools/mailpit-ui"
mailpit_key="$MAILPIT_VERSION $(cat "$mailpit_ui/package.json" "$mailpit_ui/package-lock.json" | sha256sum | cut -c1-16)"
if ! stamp_ok mailpit "$mailpit_key" "$BIN/mailpit"; then
  need go "to build Mailpit"
  need npm "to build Mailpit's web UI"
  begin mailpit "building Mailpit $MAILPIT_VERSION (web UI with npm + esbuild, then go build)"
  run go mod download "github.com/axllent/mailpit@$MAILPIT_VERSION"
  src="$(go mod download -json "github.com/axllent/mailpit@$MAILPIT_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -d "$src" ]] || { echo "setup: FAILED: could not locate the Mailpit module sources (go mod download -json)" >&2; exit 1; }
  rm -rf "$BUILD/mailpit"
  mkdir -p "$BUILD"
  cp -R "$src" "$BUILD/mailpit"
  chmod -R u+w "$BUILD/mailpit"
  cd "$BUILD/mailpit"
  # The API docs page (docs.js) needs rapidoc, which the registry here does not serve: build the app only.
  sed -i 's#entryPoints: \["server/ui-src/app.js", "server/ui-src/docs.js"\]#entryPoints: ["server/ui-src/app.js"]#' esbuild.config.mjs
  grep -q 'entryPoints: \["server/ui-src/app.js"\]' esbuild.config.mjs || {
    echo "setup: FAILED: Mailpit $MAILPIT_VERSION's esbuild.config.mjs changed; adapt dev/tools/setup.sh" >&2
    exit 1
  }
  if grep -q "\"mailpitVersion\": \"$MAILPIT_VERSION\"" "$mailpit_ui/package.json"; then
    cp "$mailpit_ui/package.json" "$mailpit_ui/package-lock.json" .
  else
    echo "setup:   note: dev/tools/mailpit-ui/ was made for another Mailpit version; resolving the UI's dependencies afresh"
    rm -f package-lock.json
    run npm pkg delete dependencies.rapidoc devDependencies.eslint devDependencies.@eslint/compat \
      devDependencies.@eslint/js devDependencies.eslint-config-prettier devDependencies.eslint-plugin-vue \
      devDependencies.globals devDependencies.jsdom devDependencies.prettier devDependencies.@playwright/test
  fi
  run npm install --no-audit --no-fund --loglevel=error
  run npm run package
  [[ -f server/ui/dist/app.js ]] || { echo "setup: FAILED: Mailpit UI bundle server/ui/dist/app.js was not produced" >&2; exit 1; }
  run go build -buildvcs=false -ldflags "-s -w -X github.com/axllent/mailpit/config.Version=$MAILPIT_VERSION" \
    -o "$BIN/mailpit" .
  cd "$ROOT"
  rm -rf "$BUILD/mailpit" # 150 MB of node_modules and sources, no longer needed
  done_step mailpit "$mailpit_key"
fi

# --- Registry server: mongo-java-server on H2 (Java) ----------------------------------------------
# The registry's MongoDB-compatible server. Its libraries come from Maven Central (the pom only
# copies them); our classes (the main class, BSON storage for the H2 backend, durability, the storage format check) are compiled
# with javac, which needs none of Maven's build plugins on a cold machine. The launcher bounds the
# JVM's memory (the defaults would let it take a quarter of the machine's).
registry_src="$ROOT/dev/tools/registry-server"
registry_dir="$TOOLS/registry-server"
registry_sources=("$registry_src"/src/main/java/local/registry/*.java)
if [[ -n "${MONGODB_URI:-}" ]]; then
  : # an existing MongoDB is used
else
  need java "to run the registry server"
  registry_java="$(readlink -f "$(command -v java)")"
  # Memory bounded: heap 160 MiB (the MVStore's page cache, 32 MiB, is in it), metaspace, code
  # cache, thread stacks and direct buffers capped; the serial collector (one small heap, two cores
  # shared with the whole stack). RSS ~240 MiB at 200 000 accounts: docs/performance.md. The direct
  # buffers stay under their cap however many clients write at once: Netty allocates one per
  # message and frees it after (unpooled: its default allocator keeps chunks per event loop, and
  # there are 16), and the JDK keeps no temporary buffer over 256 KiB per thread for the data
  # file's writes (by default each thread keeps its largest). Without them, 32 clients bulk-loading
  # at once had connections reset (test/infra/registry.test.ts).
  registry_jvm=("$registry_java" -Xms32m -Xmx160m -XX:+UseSerialGC -XX:MaxMetaspaceSize=64m
    -XX:ReservedCodeCacheSize=64m -XX:MaxDirectMemorySize=64m -Xss512k -XX:-UsePerfData
    -Dio.netty.allocator.type=unpooled -Djdk.nio.maxCachedBufferSize=262144
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.showDateTime=true)
  # The launcher is made again when the server's sources, its JVM flags or the JDK change.
  registry_key="launcher $MONGO_JAVA_SERVER_VERSION $(cat "$registry_src/pom.xml" "${registry_sources[@]}" | sha256sum | cut -c1-16) ${registry_jvm[*]} $(stat -c %Y "$registry_java") $ROOT"
  if ! stamp_ok registry-server "$registry_key" "$BIN/registry-server"; then
    need javac "to compile the registry server's main class (a JDK, not only a JRE)"
    need mvn "to fetch mongo-java-server from Maven Central"
    begin registry-server "fetching mongo-java-server $MONGO_JAVA_SERVER_VERSION (Maven Central) and building the registry server"
    rm -rf "$registry_dir" "$BIN/registry-server" # never a launcher pointing at a half-fetched classpath
    mkdir -p "$registry_dir"
    run mvn -B -q -Dstyle.color=never -f "$registry_src/pom.xml" "-Dmongo.java.server.version=$MONGO_JAVA_SERVER_VERSION" \
      "-DoutputDirectory=$registry_dir/lib" dependency:copy-dependencies
    [[ -f "$registry_dir/lib/mongo-java-server-h2-backend-$MONGO_JAVA_SERVER_VERSION.jar" ]] || {
      echo "setup: FAILED: mongo-java-server-h2-backend-$MONGO_JAVA_SERVER_VERSION.jar is not in $registry_dir/lib" >&2
      exit 1
    }
    run javac --release 17 -Xlint:all -Werror -d "$registry_dir/classes" -cp "$registry_dir/lib/*" "${registry_sources[@]}"
    registry_cp="$registry_dir/classes:$(find "$registry_dir/lib" -name '*.jar' | LC_ALL=C sort | paste -sd: -)"
    {
      echo '#!/usr/bin/env bash'
      echo "# The registry server (mongo-java-server $MONGO_JAVA_SERVER_VERSION, H2 backend), generated by dev/tools/setup.sh."
      echo '# Usage: registry-server --port N --data-dir DIR [--host H]. exec: the stack stops the JVM itself'
      echo '# (SIGTERM runs its shutdown hook, which closes the data file).'
      printf 'exec'
      printf ' %q' "${registry_jvm[@]}" -cp "$registry_cp" local.registry.RegistryServer
      printf ' "$@"\n'
    } >"$BIN/registry-server"
    chmod +x "$BIN/registry-server"
    done_step registry-server "$registry_key"
  fi
fi

# --- Temporal time-skipping test server (Java) ----------------------------------------------------
need java "to run Temporal's time-skipping test server"
tts_dir="$TOOLS/temporal-test-server"
tts_pom="$ROOT/dev/tools/temporal-test-server/pom.xml"
java_bin="$(readlink -f "$(command -v java)")"
tts_key="launcher-v2 $TEMPORAL_TEST_SERVER_VERSION $(sha256sum <"$tts_pom" | cut -c1-16) $java_bin $(stat -c %Y "$java_bin") $ROOT"
if ! stamp_ok temporal-test-server "$tts_key" "$BIN/temporal-test-server"; then
  need mvn "to fetch Temporal's test server from Maven Central"
  begin temporal-test-server "fetching Temporal test server $TEMPORAL_TEST_SERVER_VERSION (Maven Central) and making its launcher"
  rm -rf "$tts_dir" "$BIN/temporal-test-server" # never a launcher pointing at a half-fetched classpath
  mkdir -p "$tts_dir"
  run mvn -B -q -Dstyle.color=never -f "$tts_pom" "-Dtemporal.test.server.version=$TEMPORAL_TEST_SERVER_VERSION" \
    "-DoutputDirectory=$tts_dir/lib" dependency:copy-dependencies
  classpath="$(find "$tts_dir/lib" -name '*.jar' | LC_ALL=C sort | paste -sd: -)"
  [[ "$classpath" == *"temporal-test-server-$TEMPORAL_TEST_SERVER_VERSION.jar"* ]] || {
    echo "setup: FAILED: temporal-test-server-$TEMPORAL_TEST_SERVER_VERSION.jar is not in $tts_dir/lib" >&2
    exit 1
  }
  # Fast-start flags: C1 only with one compiler thread, the serial collector, no perf-data file
  # (a short-lived server, one test at a time).
  jvm=("$java_bin" -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:+UseSerialGC -XX:-UsePerfData
    -Xlog:cds=off -Xlog:cds+dynamic=off)
  # Class-data sharing: a training run records the classes loaded at start into an archive that the
  # launcher maps at every start (about twice as fast). The SDK gives the server 5 s to answer.
  archive="$tts_dir/classes.jsa"
  port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  echo "\$ ${jvm[*]} -XX:ArchiveClassesAtExit=$archive -cp ... TestServer $port   (training run)" >>"$step_log"
  "${jvm[@]}" -XX:ArchiveClassesAtExit="$archive" -cp "$classpath" io.temporal.testserver.TestServer "$port" \
    >>"$step_log" 2>&1 &
  training=$!
  for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    kill -0 "$training" 2>/dev/null || break
    sleep 0.1
  done
  sleep 1
  kill -TERM "$training" 2>/dev/null || true
  wait "$training" 2>/dev/null || true
  if [[ -s "$archive" ]]; then
    jvm+=(-Xshare:auto -XX:SharedArchiveFile="$archive")
  else
    echo "setup:   warning: the class-data sharing archive was not produced (see ${step_log#"$ROOT"/}); the test server starts without it"
  fi
  {
    echo '#!/usr/bin/env bash'
    echo "# Temporal time-skipping test server $TEMPORAL_TEST_SERVER_VERSION, generated by dev/tools/setup.sh."
    echo "# Usage: temporal-test-server PORT [ARGS...] (what @temporalio/testing passes to an 'existing-path'"
    echo '# executable). exec: the SDK stops the server by killing the process it started.'
    echo '# The SDK gives it 5 s to answer: as root it starts at a higher CPU priority, so that a busy'
    echo '# machine (tests bundling workflows on both cores) does not make it miss that deadline.'
    echo 'priority=(); [[ $EUID == 0 ]] && priority=(nice -n -10)'
    printf 'exec "${priority[@]}"'
    printf ' %q' "${jvm[@]}" -cp "$classpath" io.temporal.testserver.TestServer
    printf ' "$@"\n'
  } >"$BIN/temporal-test-server"
  chmod +x "$BIN/temporal-test-server"
  done_step temporal-test-server "$tts_key"
fi

# --- Debian packages: Redis (the web's shared store), espeak-ng (the spoken security code), Chromium --
# Taken from Debian as they are (security updates included); dev/tools/versions.env pins the
# major.minor each must report, checked below.
debian=()
if [[ -z "${REDIS_URL:-}" ]] && ! command -v redis-server >/dev/null 2>&1; then debian+=(redis-server); fi
command -v espeak-ng >/dev/null 2>&1 || debian+=(espeak-ng)
[[ -x /usr/sbin/nginx ]] || command -v nginx >/dev/null 2>&1 || debian+=(nginx-light)
if [[ $browser == 1 && ! -x /usr/bin/chromium ]]; then debian+=(chromium); fi
if ((${#debian[@]} > 0)); then
  need apt-get "to install Debian's ${debian[*]}"
  [[ $(id -u) == 0 ]] || {
    echo "setup: installing ${debian[*]} needs root: run 'sudo apt-get install ${debian[*]}' and run again" >&2
    exit 1
  }
  begin debian "installing Debian's ${debian[*]} (apt-get)"
  run apt-get update
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${debian[@]}"
  done_step debian "${debian[*]}"
fi
check_version() { # check_version NAME PINNED REPORTED: the pinned major.minor must prefix what the tool reports
  [[ "$3" == "$2" || "$3" == "$2".* ]] || {
    echo "setup: $1 reports version '$3' but dev/tools/versions.env pins $2; install $1 $2 or change the pin." >&2
    exit 1
  }
}
if [[ -z "${REDIS_URL:-}" ]]; then
  check_version redis-server "$REDIS_VERSION" "$(redis-server --version | sed -n 's/.* v=\([0-9.]*\).*/\1/p')"
fi
check_version espeak-ng "$ESPEAK_NG_VERSION" "$(espeak-ng --version | sed -n 's/.*text-to-speech: \([0-9.]*\).*/\1/p')"
check_version nginx "$NGINX_VERSION" "$(PATH="$PATH:/usr/sbin" nginx -v 2>&1 | sed -n 's#.*nginx/\([0-9.]*\).*#\1#p')"

echo "setup: tools ready in $(elapsed "$started") s (.tools/bin)"
