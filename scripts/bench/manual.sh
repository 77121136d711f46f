#!/usr/bin/env bash
# The documented loop by hand, as a developer types it (Kallithea's page on
# database schema changes, steps 4, 5 and 7), on a devdb testbed:
#   manual.sh ROOT BIN REPOS PASSWORD MESSAGE
set -euo pipefail
here=$(dirname "$0")
"$here/manual-reset.sh" "$1" "$2" "$3" "$4"
"$here/manual-cycle.sh" "$1" "$2" "$5"
