/** The markers around the generated part of README.md; everything outside them is written by hand. */
export const REFERENCE_START = '<!-- reference:start -->';
export const REFERENCE_END = '<!-- reference:end -->';

/** The text between the markers (without them), or an error saying the markers are missing or misplaced. */
export function readReferenceSection(readme: string): string {
  const { start, end } = markerPositions(readme);
  return readme.slice(start + REFERENCE_START.length, end).replace(/^\n/, '');
}

/** README.md with the text between the markers replaced by `reference`; every other byte unchanged. */
export function replaceReferenceSection(readme: string, reference: string): string {
  const { start, end } = markerPositions(readme);
  const body = reference === '' || reference.endsWith('\n') ? reference : `${reference}\n`;
  return `${readme.slice(0, start + REFERENCE_START.length)}\n${body}${readme.slice(end)}`;
}

function markerPositions(readme: string): { start: number; end: number } {
  const start = readme.indexOf(REFERENCE_START);
  const end = readme.indexOf(REFERENCE_END);
  const once = (marker: string, at: number): boolean => at >= 0 && readme.indexOf(marker, at + marker.length) < 0;
  if (!once(REFERENCE_START, start) || !once(REFERENCE_END, end) || end < start) {
    throw new Error(`README.md must hold ${REFERENCE_START} and then ${REFERENCE_END}, once each, around the generated reference.`);
  }
  return { start, end };
}
