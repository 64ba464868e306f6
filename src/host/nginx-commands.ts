import { command, script } from './shell.js';

/** The one upstream file per app the suite owns (product.md): nginx sends the app's traffic to this port. */
export const upstreamConf = (app: string, port: number): string =>
  `# written by bot-deploy blue-green-switch: the active color of ${app}\nupstream ${app} {\n  server 127.0.0.1:${port};\n  keepalive 16;\n}\n`;

/** A file's text, or nothing when it does not exist yet. */
export const readFileIfAny = (path: string): string => script('[ ! -e "$1" ] || cat -- "$1"', path);

export const removeFile = (path: string): string => command('rm', '-f', '--', path);

/** A command the user configured (`nginx-test-command`, `nginx-reload-command`), run by sh as they wrote it. */
export const userCommand = (line: string): string => command('sh', '-c', line);

/** How many established TCP connections a local port still serves (the old color's in-flight requests). */
export const establishedConnections = (port: number): string =>
  script('command -v ss >/dev/null || { echo 0; exit 0; }; ss -Htn state established "( sport = :$1 )" | wc -l', String(port));
