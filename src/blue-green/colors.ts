import type { ColorSlot } from '../deploy/release-files.js';

export type Color = ColorSlot['color'];

export const COLORS: readonly Color[] = ['blue', 'green'];

export const otherColor = (color: Color): Color => (color === 'blue' ? 'green' : 'blue');

export const slotOf = (color: Color, ports: Record<Color, number>): ColorSlot => ({ color, port: ports[color] });

/** The compose project a color of an app runs as (product.md): `<app>-blue` or `<app>-green`. */
export const colorProject = (app: string, color: Color): string => `${app}-${color}`;
