#!/usr/bin/env bash
# Tests scripts/lib/toolchain.sh with stand-ins for cargo, rustup, node, npm and apt-get that
# record what they are asked: nothing is installed. Run by tests/cli.rs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# A stand-in command: logs its arguments; its behaviour comes from files in $work.
stub() { # name body
  printf '#!/usr/bin/env bash\necho "%s $*" >> "%s/calls"\n%s\n' "$1" "$work" "$2" > "$work/bin/$1"
  chmod +x "$work/bin/$1"
}
setup() {
  rm -rf "$work/bin" "$work/calls" "$work/state"
  mkdir -p "$work/bin" "$work/state"
  touch "$work/calls"
  stub cargo "[ -e $work/state/has-\$1 ] || exit 101; echo ok"
  stub rustup 'exit 0'
  # node reports the version in state/node (none: not installed); apt-get and npm install one.
  stub node "[ -e $work/state/node ] || exit 127; cat $work/state/node"
  stub npm "[ \"\$1\" = install ] && echo v22.1.0 > $work/state/node; exit 0"
  stub apt-get "[ \"\$1\" = install ] && cp $work/state/apt-node $work/state/node 2>/dev/null; exit 0"
  ln -sf "$(python3 -c "import sys; print(sys.executable)")" "$work/bin/python3"
  for t in bash cat cp mkdir rm touch env dirname; do ln -sf "$(command -v $t)" "$work/bin/$t"; done
}
run() { # script
  # As scripts/test runs them: with set -euo pipefail.
  PATH="$work/bin" bash -c "set -euo pipefail; source '$here/toolchain.sh'; $1" >"$work/out" 2>&1
}

# Components: both present -> rustup is not called; both missing -> one rustup call for both.
setup; touch "$work/state/has-fmt" "$work/state/has-clippy"
run ensure_rust_components || fail "components present: $(cat "$work/out")"
grep -q rustup "$work/calls" && fail "rustup called with components present"
setup
run ensure_rust_components || fail "components missing: $(cat "$work/out")"
grep -qx "rustup component add rustfmt clippy" "$work/calls" || fail "rustup not asked: $(cat "$work/calls")"
# Missing and no rustup: a clear error.
setup; rm "$work/bin/rustup"
run ensure_rust_components && fail "no rustup must fail"
grep -q "no rustup" "$work/out" || fail "message: $(cat "$work/out")"

# The required Node from a lock file like tests/browser/package-lock.json.
setup
cat > "$work/lock.json" <<'JSON'
{"packages": {"node_modules/playwright-core": {"version": "1.64.1", "engines": {"node": ">=20"}},
              "node_modules/other": {"engines": {"node": "^18.17.0 || >=20"}}}}
JSON
run "node_major_required $work/lock.json playwright-core"; [ "$(cat "$work/out")" = 20 ] || fail "need: $(cat "$work/out")"
run "node_major_required $work/lock.json other"; [ "$(cat "$work/out")" = 18 ] || fail "need other: $(cat "$work/out")"
run "node_major_required $work/lock.json absent"; [ -z "$(cat "$work/out")" ] || fail "absent: $(cat "$work/out")"
# The real lock file names a version.
run "node_major_required '$here/../../tests/browser/package-lock.json' playwright-core"
[[ "$(cat "$work/out")" =~ ^[0-9]+$ ]] || fail "real lock: $(cat "$work/out")"

# Node new enough: nothing installed.
setup; echo v20.11.0 > "$work/state/node"
run "ensure_node 20" || fail "node 20 ok: $(cat "$work/out")"
grep -q "install" "$work/calls" && fail "installed with node 20 present: $(cat "$work/calls")"
# Too old, and Debian's is new enough: apt only.
setup; echo v18.19.0 > "$work/state/node"; echo v20.19.2 > "$work/state/apt-node"
run "ensure_node 20" || fail "apt node: $(cat "$work/out")"
grep -q "apt-get install" "$work/calls" || fail "apt not used: $(cat "$work/calls")"
grep -q "npm install" "$work/calls" && fail "npm used though apt sufficed"
# Too old everywhere but npm: the node package.
setup; echo v18.19.0 > "$work/state/node"; echo v18.19.0 > "$work/state/apt-node"
run "ensure_node 20" || fail "npm node: $(cat "$work/out")"
grep -qx "npm install -g --no-audit --no-fund --silent node@20" "$work/calls" || fail "npm not asked: $(cat "$work/calls")"
# No Node at all and nothing works: an error naming the version.
setup; stub npm 'exit 0'
run "ensure_node 20" && fail "no node must fail"
grep -q "could not install Node 20" "$work/out" || fail "message: $(cat "$work/out")"
echo "toolchain: all passed"
