import { describe, expect, it } from 'vitest';
import { isSecureServiceUrl, serviceOrigin } from './service-url';

describe('service addresses', () => {
  it('takes HTTPS anywhere and plain HTTP only to this computer', () => {
    for (const url of [
      'https://cloud.example.pt',
      'https://cloud.example.pt:8443/api',
      'http://127.0.0.1:8787',
      'http://localhost:9000/',
      'http://[::1]:4566',
      'HTTPS://Cloud.Example.PT',
    ])
      expect(isSecureServiceUrl(url), url).toBe(true);
    for (const url of [
      'http://cloud.example.pt',
      'http://192.168.1.20:8787',
      'http://127.0.0.1.evil.example',
      'ftp://cloud.example.pt',
      'https://user:pw@cloud.example.pt',
      'cloud.example.pt',
      '',
      'https://',
      'https://a b',
      'https://x:99999',
    ])
      expect(isSecureServiceUrl(url), url).toBe(false);
  });

  it('names the origin a secret is bound to: scheme, host and a port other than the default', () => {
    expect(serviceOrigin('https://Cloud.Example.PT:443/v1/')).toBe('https://cloud.example.pt');
    expect(serviceOrigin('http://127.0.0.1:8787/x')).toBe('http://127.0.0.1:8787');
    expect(serviceOrigin('https://cloud.example.pt.evil.example')).toBe('https://cloud.example.pt.evil.example');
    expect(serviceOrigin('not a url')).toBeNull();
  });
});
