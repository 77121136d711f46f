#!/usr/bin/env bash
# The documented loop by hand, as a developer types it (Kallithea's page on
# database schema changes, steps 4, 5 and 7), on a devdb testbed:
#   manual.sh ROOT BIN REPOS PASSWORD MESSAGE
# (DEVDB_BENCH_RESET names the reset script: manual-reset-gearbox.sh for the gearbox era)
set -euo pipefail
here=$(dirname "$0")
"$here/${DEVDB_BENCH_RESET:-manual-reset.sh}" "$1" "$2" "$3" "$4"
"$here/manual-cycle.sh" "$1" "$2" "$5"
