/**
 * Text from a host or an HTTP peer, made one line: a newline in it could otherwise start a line the
 * runner reads as a workflow command (`::add-mask::`, `::warning::`, `::stop-commands::`).
 */
export function oneLine(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ⏎ ');
}
