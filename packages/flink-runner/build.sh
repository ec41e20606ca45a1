#!/usr/bin/env bash
# Builds the flink-runner for one target into packages/flink-runner/target-<target>/:
#   classes/        compiled io.streamt.runner.* (+ log4j2.xml, streamt-runner.properties)
#   streamt-runner.jar  the same classes as a JAR: what the runner's JVMs put first on their classpath
#   classpath.txt   runtime classpath (one line, ':'-separated jar paths)
#   classes.jsa     (2, 1.20, cluster) the JVM's class archive (class data sharing): the classes a runner
#                   JVM loads, recorded once by a training run (for cluster: the MiniCluster's job
#                   manager and task executor, the dev cluster's JVMs); JVMs given -XX:SharedArchiveFile map them
#                   instead of loading them (2-3 s sooner). Without it (its training failed: see
#                   class-archive.log) the runner works as before. The JVM checks the archive against
#                   its own version and the classpath's JARs, and ignores one that does not match.
#   sql-runner  target-sql-runner/streamt-sql-runner-<flink>.jar instead: the SQL runner of
#                `synth --target k8s` (io.streamt.runner.flink.SqlScriptJob) for a Flink 1.20 image's
#                usrlib/, with the Kafka connector and formats; stdout: {"target":"sql-runner","jar":...}
# Usage: build.sh <2|1.20|kafka|cluster|sql-runner>
#   2      Flink 2.x  (default line)
#   1.20   Flink 1.20
#   kafka  single-node Kafka broker (separate classpath)
#   cluster  Flink 2.x + web UI + SQL Gateway: the session cluster of `streamt-sdk dev up`
# Idempotent: does nothing when classes/ and classpath.txt are newer than pom.xml,
# build.sh and src/. Maven output goes to stderr; on success stdout gets one JSON line:
#   {"target":"2","classes":"/abs/target-2/streamt-runner.jar","classpath":"/abs/target-2/classpath.txt","archive":"/abs/target-2/classes.jsa"}
#   ("archive" only when there is one)
# Env: MVN (maven command, default mvn), JAVA (java command, default java), STREAMT_M2_REPO (optional
# -Dmaven.repo.local).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="${1:-2}"
case "$target" in
  2)     profile=runner-flink2;   what="Flink 2.2.0" ;;
  1.20)  profile=runner-flink120; what="Flink 1.20.3" ;;
  kafka) profile=runner-kafka;    what="Kafka broker 3.9.2" ;;
  cluster) profile=runner-flink2,runner-cluster; what="Flink 2.2.0 session cluster and SQL Gateway" ;;
  sql-runner) profile=runner-flink120,runner-sql-runner; what="the Flink 1.20.3 SQL runner JAR" ;;
  *) echo "usage: build.sh <2|1.20|kafka|cluster|sql-runner>" >&2; exit 2 ;;
esac

out="$here/target-$target"
classes="$out/classes"
jarfile="$out/streamt-runner.jar"
archive="$out/classes.jsa"
cpfile="$out/classpath.txt"
mvn_cmd=(${MVN:-mvn} -B -Dstyle.color=never -f "$here/pom.xml" "-P$profile")
# A short JVM run: the JIT's first tier and the serial collector cost less CPU than C2 and G1 (the user's own
# MAVEN_OPTS come after, and win).
export MAVEN_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC${MAVEN_OPTS:+ $MAVEN_OPTS}"
if [[ -n "${STREAMT_M2_REPO:-}" ]]; then mvn_cmd+=("-Dmaven.repo.local=$STREAMT_M2_REPO"); fi

result() {
  if [[ -s "$archive" ]]; then
    printf '{"target":"%s","classes":"%s","classpath":"%s","archive":"%s"}\n' "$target" "$jarfile" "$cpfile" "$archive"
  else
    printf '{"target":"%s","classes":"%s","classpath":"%s"}\n' "$target" "$jarfile" "$cpfile"
  fi
}

up_to_date() {
  [[ -s "$cpfile" && -f "$classes/io/streamt/runner/Main.class" && -s "$jarfile" ]] || return 1
  [[ -z "$(find "$here/pom.xml" "$here/build.sh" "$here/src" -newer "$cpfile" -print -quit)" ]]
}

if [[ "$target" == sql-runner ]]; then
  # Flink 1.20 only: the Kubernetes operator's CRD stops at v1_20 (docs/kubernetes.md).
  jar="$out/streamt-sql-runner-1.20.3.jar"
  if [[ -s "$jar" && -z "$(find "$here/pom.xml" "$here/build.sh" "$here/src" -newer "$jar" -print -quit)" ]]; then
    printf '{"target":"%s","jar":"%s"}\n' "$target" "$jar"; exit 0
  fi
  mkdir -p "$out"
  echo "building $what..." 1>&2
  "${mvn_cmd[@]}" -q package 1>&2
  printf '{"target":"%s","jar":"%s"}\n' "$target" "$jar"
  exit 0
fi

if up_to_date; then result; exit 0; fi

mkdir -p "$out"
# Serialize concurrent builds of the same target.
exec 9>"$out/.build.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi
if up_to_date; then result; exit 0; fi

{
  if [[ ! -s "$cpfile" ]]; then
    echo "downloading $what dependencies via Maven (first use only)..."
    "${mvn_cmd[@]}" dependency:resolve
  fi
  echo "compiling the runner for $what..."
  "${mvn_cmd[@]}" -q compile dependency:build-classpath \
    -Dmdep.includeScope=runtime -Dmdep.outputFile="$cpfile.tmp"
  # A JAR, not the folder: the JVM's class archive cannot be used with a folder on the classpath.
  java="$(readlink -f "$(command -v "${JAVA:-java}")")"
  "$(dirname "$java")/jar" --create --file "$jarfile.tmp" -C "$classes" .
  mv "$jarfile.tmp" "$jarfile"
  rm -f "$archive"
  if [[ "$target" == 2 || "$target" == 1.20 || "$target" == cluster ]]; then
    echo "recording the classes a runner JVM loads, so that later ones start faster (class data sharing)..."
    mapfile -t jvm < <(grep -v '^[[:space:]]*#' "$here/jvm-options.txt" | sed '/^[[:space:]]*$/d')
    if "$java" "${jvm[@]}" -XX:ArchiveClassesAtExit="$archive.tmp" -cp "$jarfile:$(cat "$cpfile.tmp")" \
        io.streamt.runner.Main class-archive-training >"$out/class-archive.log" 2>&1 && [[ -s "$archive.tmp" ]]; then
      mv "$archive.tmp" "$archive"
    else
      rm -f "$archive.tmp"
      echo "no class archive: its training run failed (log: $out/class-archive.log); the runner works without it, its JVMs start slower"
    fi
  fi
  mv "$cpfile.tmp" "$cpfile"
  touch "$cpfile"
} 1>&2

result
