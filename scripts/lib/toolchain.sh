# Functions scripts/test uses to complete a minimal toolchain; sourced, never run.
# scripts/lib/toolchain_test.sh tests them with stand-in commands.

# rustfmt and clippy, which a minimal rustup profile leaves out.
ensure_rust_components() {
  local missing=()
  cargo fmt --version >/dev/null 2>&1 || missing+=(rustfmt)
  cargo clippy --version >/dev/null 2>&1 || missing+=(clippy)
  [ ${#missing[@]} -eq 0 ] && return 0
  if command -v rustup >/dev/null; then
    echo "scripts/test: adding the Rust components ${missing[*]}"
    rustup component add "${missing[@]}"
  else
    echo "scripts/test: ${missing[*]} missing and no rustup to add them; install them with your Rust toolchain" >&2
    return 1
  fi
}

# The lowest Node major version a package in an npm lock file accepts (its engines.node,
# such as ">=20" or "^18.17.0 || >=20"), or nothing when it names none.
node_major_required() { # lockfile package
  python3 - "$1" "$2" <<'PY'
import json, re, sys
lock, name = sys.argv[1], sys.argv[2]
pkg = json.load(open(lock)).get("packages", {}).get(f"node_modules/{name}", {})
spec = pkg.get("engines", {}).get("node", "")
majors = [int(m) for m in re.findall(r"(?:^|[\s|>=^~])(\d+)", spec)]
if majors:
    print(min(majors))
PY
}

# The major version of the `node` on PATH, or 0 without one.
node_major() {
  local v
  v=$(node --version 2>/dev/null) || { echo 0; return; }
  v=${v#v}
  echo "${v%%.*}"
}

# A Node at least as new as `need`: Debian's nodejs when it is new enough, else the `node`
# package from the npm registry (it ships the binary), installed globally.
ensure_node() { # need
  local need=$1
  if [ "$(node_major)" -ge "$need" ] && command -v npm >/dev/null; then
    return 0
  fi
  echo "scripts/test: Node $need or newer is needed (found: $(node --version 2>/dev/null || echo none)); installing"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
  hash -r
  if [ "$(node_major)" -lt "$need" ]; then
    npm install -g --no-audit --no-fund --silent "node@$need"
    hash -r
  fi
  if [ "$(node_major)" -lt "$need" ]; then
    echo "scripts/test: could not install Node $need or newer (found $(node --version 2>/dev/null || echo none))" >&2
    return 1
  fi
}
