#!/usr/bin/env bash
# One entry point for people and CI. It installs what is missing, then runs.
#   ./run.sh demo    build data/processed from data/raw and write the 2021-06 monthly PDF
#   ./run.sh test    the whole test suite (unit tests + nbval over the notebooks)
#   ./run.sh lab     open JupyterLab on the checkout (as root or as an ordinary user)
#   ./run.sh setup   only install (virtualenv, packages, CJK font)
set -euo pipefail
cd "$(dirname "$0")"
VENV="${LEDGER_VENV:-.venv}"
PY="$VENV/bin/python"

APT_UPDATED=0
apt_install() {
    # Debian packages need root; elsewhere say what is missing and carry on.
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        # Package lists are refreshed once per run, only when something must be installed.
        if [ "$APT_UPDATED" = 0 ]; then
            apt-get update -qq >/dev/null && APT_UPDATED=1
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
    else
        echo "run.sh: please install Debian packages: $*" >&2
    fi
}

setup() {
    if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
        apt_install python3-venv
    fi
    # WeasyPrint renders with pango; charts and PDFs need a CJK font.
    if ! ldconfig -p 2>/dev/null | grep -q libpango-1.0; then
        apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b
    fi
    # WeasyPrint subsets the embedded CJK font with HarfBuzz when it can: ~3x faster PDFs.
    if ! ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset; then
        apt_install libharfbuzz-subset0 || true
    fi
    if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
        apt_install fontconfig fonts-wqy-microhei || true
    fi
    if [ ! -x "$PY" ]; then
        python3 -m venv "$VENV"
    fi
    local stamp="$VENV/.installed"
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        "$PY" -m pip install -q --upgrade pip
        "$PY" -m pip install -q -e '.[test]'
        # Register the kernel inside the venv so papermill and nbval use this environment.
        "$PY" -m ipykernel install --sys-prefix --name python3 >/dev/null
        touch "$stamp"
    fi
    # The package is used in place (pip -e), so pip never byte-compiled it: do it here, as pip
    # does for installed packages. Python then reads the .pyc instead of compiling ~17,000
    # lines in every process (where PYTHONDONTWRITEBYTECODE is set it never writes them itself).
    "$PY" -m compileall -q -j 0 ledgerlib >/dev/null
}

cmd="${1:-demo}"
shift || true
case "$cmd" in
    setup)
        setup ;;
    demo)
        setup
        "$VENV/bin/ledger" build
        "$VENV/bin/ledger" report monthly "${1:-2021-06}" ;;
    lab)
        setup
        exec "$VENV/bin/ledger" lab "$@" ;;
    test)
        setup
        export MPLBACKEND=Agg
        # The notebooks under nbval read data/processed: rebuild it from data/raw first.
        "$VENV/bin/ledger" build --quiet
        set +e
        "$PY" -m pytest -q -p no:cacheprovider "$@" tests notebooks --nbval-lax --nbval-current-env
        rc=$?
        set -e
        # pytest exits 5 when it collected no tests: that is a failure of the suite, say so.
        if [ "$rc" = 5 ]; then echo "run.sh: no tests were collected" >&2; exit 1; fi
        exit "$rc" ;;
    *)
        echo "usage: ./run.sh [setup|demo [YYYY-MM]|lab [jupyter args]|test [pytest args]]" >&2; exit 2 ;;
esac
