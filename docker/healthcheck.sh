#!/usr/bin/env bash
# Container health check: GET /readyz on the ops port; healthy on 200 only.
#
# Why bash's /dev/tcp: the runtime image is a bare JRE, without curl or wget. A single-file Java
# program would work too, but it would start a second JVM every interval (about 100 MB and a second
# of CPU each time, counted against the container's memory limit), while bash is already in the
# image and opens the connection itself.
#
# The port: the first argument, else WIDGET_EDGE_OPS_PORT (the same variable that sets the ops port
# of `gateway`, `admin` and `dev`, so setting the port that way keeps this check in step), else 9090,
# the ops port of `gateway` and `dev`. `admin` listens on 9091 by default: give its container
# WIDGET_EDGE_OPS_PORT=9091 or pass 9091 here.
set -u
port="${1:-${WIDGET_EDGE_OPS_PORT:-9090}}"
{ exec 3<>"/dev/tcp/127.0.0.1/${port}"; } 2>/dev/null || { echo "nothing answers on port ${port}"; exit 1; }
printf 'GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
IFS=' ' read -r -t 5 _ status _ <&3 || { echo "no answer from /readyz on port ${port}"; exit 1; }
[ "${status}" = "200" ] || { echo "/readyz on port ${port} answered ${status}"; exit 1; }
