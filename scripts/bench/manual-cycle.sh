#!/usr/bin/env bash
# Steps 5 and 7 of the documented loop by hand: generate the migration against the
# development database, then upgrade, downgrade and upgrade it there.
#   manual-cycle.sh ROOT BIN MESSAGE
set -euo pipefail
root=$1 bin=$2 message=$3
cd "$root"
"$bin/alembic" -c development.ini revision --autogenerate -m "$message" >/dev/null 2>&1
"$(dirname "$0")/manual-verify.sh" "$root" "$bin"
