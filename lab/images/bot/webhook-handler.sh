#!/bin/sh
# Answers one HTTP request on stdin/stdout (nc -e runs one per connection). busybox httpd cannot
# serve an exact /health with a chosen status (CGI lives only under /cgi-bin), hence this handler.
set -u

# reply STATUS CONTENT-TYPE BODY (a HEAD request gets the headers only)
reply() {
  printf 'HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %s\r\nConnection: close\r\n\r\n' \
    "$1" "$2" "${#3}"
  [ "$method" = HEAD ] || printf '%s' "$3"
}

cr=$(printf '\r')
read -r method target _ || exit 0
length=0
while IFS= read -r header; do
  header=${header%"$cr"}
  [ -z "$header" ] && break
  case "$header" in
    [Cc][Oo][Nn][Tt][Ee][Nn][Tt]-[Ll][Ee][Nn][Gg][Tt][Hh]:*) length=${header#*:}; length=${length# } ;;
  esac
done
case "$length" in '' | *[!0-9]*) length=0 ;; esac
# Closing a socket with unread input makes the kernel send RST, which can destroy the reply
# before the client reads it: drain the body first.
[ "$length" -gt 0 ] && head -c "$length" >/dev/null

path=${target%%\?*}
case "$method $path" in
  'GET /health' | 'HEAD /health')
    if [ "${BOT_BROKEN:-0}" = 1 ]; then
      reply '503 Service Unavailable' application/json '{"status":"starting"}'
    elif [ -n "${BOT_UNHEALTHY_AFTER:-}" ] && [ "$(date +%s)" -ge "$(($(cat /tmp/webhook-bot.started) + BOT_UNHEALTHY_AFTER))" ]; then
      reply '503 Service Unavailable' application/json "{\"status\":\"unhealthy\",\"version\":\"${BOT_VERSION}\"}"
    else
      reply '200 OK' application/json "{\"status\":\"healthy\",\"version\":\"${BOT_VERSION}\"}"
    fi
    ;;
  'POST /webhook')
    echo "webhook-bot ${BOT_VERSION}: update received (${length} bytes)" >&2
    reply '200 OK' text/plain ok
    ;;
  *)
    reply '404 Not Found' text/plain 'not found'
    ;;
esac
