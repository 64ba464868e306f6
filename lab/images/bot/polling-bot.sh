#!/bin/sh
# PID 1 of the sample polling bot: a heartbeat stands in for getUpdates. The trap matters because a
# shell as PID 1 has no default signal handling; sleeping in the background lets it fire at once.
set -u

if [ "${BOT_BROKEN:-0}" = 1 ]; then
  echo "polling-bot ${BOT_VERSION}: cannot start (this image is broken on purpose)" >&2
  exit 1
fi

trap 'echo "polling-bot ${BOT_VERSION} stopping"; exit 0' TERM INT
echo "polling-bot ${BOT_VERSION} started"
beat=0
while :; do
  beat=$((beat + 1))
  echo "polling-bot ${BOT_VERSION} heartbeat ${beat}"
  sleep 1 &
  wait $!
done
