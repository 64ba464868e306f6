#!/bin/sh
# PID 1 of the sample webhook bot. A shell as PID 1 gets no default signal handling, so without the
# trap `docker stop` would wait out the whole grace period and then SIGKILL the bot.
set -u

echo "webhook-bot ${BOT_VERSION} listening on :8080"
# The handler measures BOT_UNHEALTHY_AFTER from here: a release that passes its gate and fails later.
date +%s >/tmp/webhook-bot.started
trap 'echo "webhook-bot ${BOT_VERSION} stopping"; kill "$server" 2>/dev/null; exit 0' TERM INT

# Each -l raises nc's listen backlog by one (it is the -l count): with the usual -ll (backlog 2),
# bursts from nginx or wrk overflow the queue and clients stall on 1 s SYN retries.
nc -llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll -p 8080 -e /bot/webhook-handler.sh &
server=$!
wait "$server"
echo "webhook-bot ${BOT_VERSION}: listener exited" >&2
exit 1
