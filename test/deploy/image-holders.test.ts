import { canonicalImage, parseImageHolders, unheldImages } from '../../src/deploy/image-holders.js';

describe('image references in canonical form', () => {
  it('adds the registry, library/ and :latest as docker does', () => {
    expect(canonicalImage('bot')).toBe('docker.io/library/bot:latest');
    expect(canonicalImage('bot:v1')).toBe('docker.io/library/bot:v1');
    expect(canonicalImage('acme/bot:v1')).toBe('docker.io/acme/bot:v1');
    expect(canonicalImage('docker.io/library/bot:v1')).toBe('docker.io/library/bot:v1');
    expect(canonicalImage('index.docker.io/acme/bot:v1')).toBe('docker.io/acme/bot:v1');
  });

  it('keeps a named registry (with a dot, a port, or localhost) and a digest as they are', () => {
    expect(canonicalImage('ghcr.io/acme/bot:v1')).toBe('ghcr.io/acme/bot:v1');
    expect(canonicalImage('127.0.0.1:5000/sample/bot')).toBe('127.0.0.1:5000/sample/bot:latest');
    expect(canonicalImage('localhost/bot:v1')).toBe('localhost/bot:v1');
    expect(canonicalImage('ghcr.io/acme/bot@sha256:abc')).toBe('ghcr.io/acme/bot@sha256:abc');
  });
});

describe('what holds images on a host', () => {
  const listing = [
    'container bot:v7',
    'container 127.0.0.1:5000/sample/bot:v2',
    'container 3fbea23db357',
    'release {"version":"v3","image":"docker.io/library/bot"}',
    'release {  "version": "v4",  "image": "ghcr.io/acme/bot"}',
    'release {"version":"v5"}',
    'release {not json',
    '',
  ].join('\n');

  it('reads containers and release folders, in canonical form', () => {
    expect(parseImageHolders(listing)).toEqual({
      containers: new Set(['docker.io/library/bot:v7', '127.0.0.1:5000/sample/bot:v2', 'docker.io/library/3fbea23db357:latest']),
      releases: new Set(['docker.io/library/bot:v3', 'ghcr.io/acme/bot:v4']),
    });
  });

  it('leaves only the candidates no container and no release names, however they are spelled', () => {
    const holders = parseImageHolders(listing);
    expect(
      unheldImages(
        ['docker.io/library/bot:v7', 'bot:v3', 'ghcr.io/acme/bot:v4', '127.0.0.1:5000/sample/bot:v2', 'ghcr.io/acme/bot:v1', 'bot:v5'],
        holders,
      ),
    ).toEqual(['ghcr.io/acme/bot:v1', 'bot:v5']);
  });
});
