# Shared set-up, sourced by scripts/test.sh and scripts/demo.sh (not run on its own).
#
#   grants_setup [DEBIAN_PACKAGE...]
#
# 1. installs the Debian packages given that are missing (apt-get, as root or through sudo;
#    `apt-get update` first only when something is missing),
# 2. creates .venv with python3 -m venv when it does not exist,
# 3. runs pip install -e ".[test]" when pyproject.toml changed since the last install (stamp in .venv),
# 4. compiles the translations when grants/translations holds .po files.
#
# Afterwards GRANTS_ROOT is the repository, the current directory is it, and PY is .venv's python.

GRANTS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$GRANTS_ROOT" || exit 1
VENV="$GRANTS_ROOT/.venv"
PY="$VENV/bin/python"

say() { printf '==> %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, through sudo without a password otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    return 126
  fi
}

_deb_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

grants_install_debian() {
  local missing=() pkg
  for pkg in "$@"; do
    _deb_installed "$pkg" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    warn "missing system packages (${missing[*]}) and no apt-get here: install them by hand"
    return 0
  fi
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! as_root apt-get update -qq; then
    warn "cannot run apt-get as root (not root, no password-less sudo): install ${missing[*]} by hand"
    return 0
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >/dev/null || die "apt-get install ${missing[*]} failed"
}

grants_venv() {
  if [ ! -x "$PY" ]; then
    say "creating the virtualenv .venv"
    if ! python3 -m venv "$VENV" 2>/dev/null; then
      rm -rf "$VENV"
      grants_install_debian python3-venv
      python3 -m venv "$VENV" || die "python3 -m venv failed"
    fi
  fi
  local stamp="$VENV/.grants-installed" want
  want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "installing Python packages (pip install -e \".[test]\")"
    if ! "$PY" -m pip install -q --disable-pip-version-check -e ".[test]" >"$VENV/pip-install.log" 2>&1; then
      cat "$VENV/pip-install.log" >&2
      die "pip install failed (log: .venv/pip-install.log)"
    fi
    echo "$want" >"$stamp"
  fi
}

grants_translations() {
  if compgen -G "grants/translations/*/LC_MESSAGES/*.po" >/dev/null; then
    "$VENV/bin/pybabel" -q compile -d grants/translations || die "pybabel compile failed"
  fi
}

grants_setup() {
  local started=$SECONDS
  grants_install_debian "$@"
  grants_venv
  grants_translations
  say "set-up done in $((SECONDS - started)) s"
}
