/**
 * Which inputs describe a hop, so every message about a hop names the inputs the user must fix:
 * the target host and the jump host are configured by different (`proxy-*`) inputs.
 */
export interface EndpointRole {
  /** How messages name the hop: '' for the target, 'jump host ' for the jump host. */
  title: string;
  privateKey: string;
  passphrase: string;
  knownHosts: string;
  fingerprint: string;
}

export const targetRole: EndpointRole = {
  title: '',
  privateKey: 'private-key',
  passphrase: 'passphrase',
  knownHosts: 'known-hosts',
  fingerprint: 'host-fingerprint',
};

export const jumpRole: EndpointRole = {
  title: 'jump host ',
  privateKey: 'proxy-private-key',
  passphrase: 'proxy-passphrase',
  knownHosts: 'proxy-known-hosts',
  fingerprint: 'host-fingerprint',
};
