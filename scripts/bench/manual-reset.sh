#!/usr/bin/env bash
# Step 4 of the documented loop by hand (Kallithea's page on database schema
# changes): drop the throwaway database, create it with the admin options, scan
# the repositories into it.   manual-reset.sh ROOT BIN REPOS PASSWORD
set -euo pipefail
root=$1 bin=$2 repos=$3 password=$4
cd "$root"
rm -f temp.db
"$bin/kallithea-cli" db-create -c temp.ini --user admin --password "$password" --email admin@example.com --repos "$repos" --force-yes --no-public-access >/dev/null
"$bin/kallithea-cli" repo-scan -c temp.ini >/dev/null
