#!/usr/bin/env bash
# Step 7 of the documented loop by hand, after editing the migration: upgrade,
# downgrade and upgrade the development database.   manual-verify.sh ROOT BIN
set -euo pipefail
root=$1 bin=$2
cd "$root"
"$bin/alembic" -c development.ini upgrade head >/dev/null 2>&1
"$bin/alembic" -c development.ini downgrade -1 >/dev/null 2>&1
"$bin/alembic" -c development.ini upgrade head >/dev/null 2>&1
