# Sourced by bin/steward, bin/test and bench/run: finds a JDK >= 25 and builds the project when stale.
# shellcheck shell=bash

# From an absolute path (bin/steward resolves its own) without starting a process.
case ${BASH_SOURCE[0]} in
  /*/bin/lib/common.sh) STEWARD_ROOT=${BASH_SOURCE[0]%/bin/lib/common.sh} ;;
  *) STEWARD_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd) ;;
esac

# java_major DIR: sets JAVA_MAJOR to the major version of DIR/bin/java, or to nothing. The JDK's
# `release` file says it without starting a JVM (which took a third of a short steward command's
# time); java is asked only when there is no such file. A variable, not output, so that the caller
# needs no subshell.
java_major() {
  local v= line
  if [ -f "$1/release" ]; then
    while IFS= read -r line; do
      case $line in
        JAVA_VERSION=*) v=${line#JAVA_VERSION=}; v=${v//\"/}; break ;;
      esac
    done <"$1/release"
  fi
  if [ -z "$v" ]; then
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  fi
  v=${v#1.}
  JAVA_MAJOR=${v%%[.+-]*}
}

# jdk_ok DIR: whether DIR is a JDK >= 25 (java and javac, and its version).
jdk_ok() {
  [ -n "$1" ] && [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  java_major "$1"
  [ -n "$JAVA_MAJOR" ] && [ "$JAVA_MAJOR" -ge 25 ] 2>/dev/null
}

# Sets JAVA_HOME to a JDK >= 25: JAVA_HOME first, then java on PATH, then /usr/lib/jvm/*. Each is
# looked at only when those before it fail, so the usual case starts no process.
find_java() {
  local c
  if jdk_ok "${JAVA_HOME:-}"; then
    export JAVA_HOME
    return 0
  fi
  if command -v java >/dev/null 2>&1; then
    c=$(readlink -f "$(command -v java)")
    c=${c%/bin/java}
    if jdk_ok "$c"; then
      export JAVA_HOME="$c"
      return 0
    fi
  fi
  for c in /usr/lib/jvm/*; do
    if [ -d "$c" ] && jdk_ok "$c"; then
      export JAVA_HOME="$c"
      return 0
    fi
  done
  echo "steward: no JDK 25 or newer found (looked at JAVA_HOME, java on PATH, /usr/lib/jvm/*); install one or set JAVA_HOME" >&2
  exit 2
}

# Rebuilds the jars when any source or pom is newer than the last build. The last build is a stamp
# of its own, not the CLI jar: Maven leaves a module's jar untouched when that module did not change,
# so a change elsewhere would look stale forever and rebuild on every call.
build_if_stale() {
  local stamp="$STEWARD_ROOT/cli/target/build.stamp"
  # Only the modules' main sources and poms are looked at (about 2 ms), not the whole tree with its
  # build output and tests.
  if [ -f "$stamp" ] && [ -f "$STEWARD_ROOT/cli/target/steward-cli.jar" ] && [ -z "$(find "$STEWARD_ROOT"/*/src/main \
      "$STEWARD_ROOT/pom.xml" "$STEWARD_ROOT"/*/pom.xml -newer "$stamp" -print -quit 2>/dev/null)" ]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || { echo "steward: Maven (mvn) is needed to build steward; install it (apt-get install maven)" >&2; exit 2; }
  echo "steward: building..." >&2
  local started
  started=$(mktemp) # sources changed during the build stay newer than the stamp
  (cd "$STEWARD_ROOT" && mvn -q -B -Dstyle.color=never -Dmaven.test.skip=true package >&2) || { rm -f "$started"; echo "steward: build failed" >&2; exit 2; }
  mv -f "$started" "$stamp"
}

