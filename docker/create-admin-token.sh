#!/usr/bin/env bash
# One-shot: create an admin API token and write it to a file (mode 600), for docker/compose.yaml.
#
# The arguments are widget-edge's (e.g. `tokens create --account acct_demo --name compose`); the
# Redis URI comes from WIDGET_EDGE_REDIS like every other option. The token file is
# ADMIN_TOKEN_FILE (default /var/lib/widget-edge/admin-token). Running it again keeps the token in
# the file as long as Redis still knows it (a token's last 8 characters are in `tokens list`), so
# `docker compose up` does not pile up tokens; after Redis lost its data, it creates a new one.
set -euo pipefail
file="${ADMIN_TOKEN_FILE:-/var/lib/widget-edge/admin-token}"
widget_edge=(java -XX:TieredStopAtLevel=1 -jar /app/widget-edge.jar)

if [ -s "${file}" ]; then
  last8="$(tr -d '\n' < "${file}" | tail -c 8)"
  # grep without -q reads the whole listing, so `tokens list` never writes into a closed pipe.
  if "${widget_edge[@]}" tokens list | grep -F -- "${last8}" > /dev/null; then
    echo "admin token: kept the one in ${file}" >&2
    exit 0
  fi
fi
umask 077
"${widget_edge[@]}" "$@" > "${file}.new"
mv "${file}.new" "${file}"
echo "admin token: written to ${file}" >&2
