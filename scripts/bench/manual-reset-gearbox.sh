#!/usr/bin/env bash
# Step 4 of the documented loop by hand, as the seed's page writes it for the
# gearbox era: drop the throwaway database, set it up with the admin options,
# scan the repositories into it.   manual-reset-gearbox.sh ROOT BIN REPOS PASSWORD
set -euo pipefail
root=$1 bin=$2 repos=$3 password=$4
cd "$root"
rm -f temp.db
"$bin/gearbox" setup-db -c temp.ini --repos="$repos" --user=admin --email admin@example.com --password="$password" --no-public-access --force-yes >/dev/null 2>&1
"$bin/gearbox" repo-scan -c temp.ini >/dev/null 2>&1
