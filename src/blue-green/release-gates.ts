import type { GateTargets } from '../health/health-gate.js';
import { parseJsonConditions } from '../health/json-conditions.js';
import type { BlueGreenConfig } from './blue-green-config.js';
import { colorProject, type Color } from './colors.js';

/** The gate on a color's own port, from the host: the user's expectations, plus the release's version when a field is named. */
export function colorPortGate(config: BlueGreenConfig, port: number, version: string): GateTargets {
  return urlGate(config, new URL(`http://127.0.0.1:${port}${config.health.path}`), version);
}

/** A color kept warm should answer at once: only as long as its passes in a row take, not the whole deadline. */
export function warmColorGate(config: BlueGreenConfig, port: number, version: string): GateTargets {
  const gate = colorPortGate(config, port, version);
  const { intervalMs, attemptTimeoutMs, successThreshold, deadlineMs } = gate.gate;
  return { ...gate, gate: { ...gate.gate, deadlineMs: Math.min(deadlineMs, attemptTimeoutMs + intervalMs * (successThreshold + 1)) } };
}

/** The same expectations through nginx, right after the reload (a few passes, not the whole deadline's worth). */
export function throughNginxGate(config: BlueGreenConfig, url: URL, version: string): GateTargets {
  const gate = urlGate(config, url, version);
  return { ...gate, gate: { ...gate.gate, successThreshold: 1, soakMs: 0 } };
}

/** Container mode on the new color's bot, for polling bots with no HTTP port: a restart is a verdict at once. */
export function pollerGate(config: BlueGreenConfig, project: string, service: string): GateTargets {
  const { health } = config;
  return { urls: [], viaSsh: false, container: { kind: 'compose', project, service }, headers: health.headers, expect: health.expect, gate: health.gate };
}

function urlGate(config: BlueGreenConfig, url: URL, version: string): GateTargets {
  const { health } = config;
  const versionCondition = health.versionField ? parseJsonConditions(`${health.versionField} == "${version}"`, 'health-version-field') : [];
  return {
    urls: [url],
    viaSsh: true,
    headers: health.headers,
    expect: { ...health.expect, json: [...health.expect.json, ...versionCondition] },
    gate: health.gate,
  };
}

/** The watch after a switch: the active color's own port (webhook) or its bot's containers (polling), soaking as asked. */
export function soakGate(config: BlueGreenConfig, color: Color, version: string, soak: { soakMs: number; maxFailureRatio: number }): GateTargets {
  const [service = ''] = config.colorServices;
  const gate = config.mode === 'webhook' ? colorPortGate(config, config.ports[color], version) : pollerGate(config, colorProject(config.app, color), service);
  return { ...gate, gate: { ...gate.gate, ...soak } };
}
