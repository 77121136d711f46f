#!/usr/bin/env bash
# The documented loop by hand, as a developer types it (Kallithea's page on
# database schema changes, steps 4, 5 and 7), on a devdb testbed:
#   manual.sh ROOT BIN REPOS PASSWORD
set -euo pipefail
root=$1 bin=$2 repos=$3 password=$4
cd "$root"
rm -f temp.db
"$bin/kallithea-cli" db-create -c temp.ini --user admin --password "$password" --email admin@example.com --repos "$repos" --force-yes --no-public-access >/dev/null
"$bin/kallithea-cli" repo-scan -c temp.ini >/dev/null
"$bin/alembic" -c development.ini revision --autogenerate -m "bench: add note" >/dev/null 2>&1
"$bin/alembic" -c development.ini upgrade head >/dev/null 2>&1
"$bin/alembic" -c development.ini downgrade -1 >/dev/null 2>&1
"$bin/alembic" -c development.ini upgrade head >/dev/null 2>&1
