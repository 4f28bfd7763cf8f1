import { describe, expect, it } from 'vitest';
import { base64url, decodeBase64Url, jwtPayload } from '../../lib/base64url';

describe('base64url', () => {
  it('round-trips bytes and reads UTF-8, with or without padding, base64url or base64', () => {
    const text = '{"acrs":"c1","name":"Åse"}';
    const encoded = base64url(new TextEncoder().encode(text));
    expect(encoded).not.toMatch(/[=+/]/);
    expect(decodeBase64Url(encoded)).toBe(text);
    expect(decodeBase64Url(btoa('{"a":1}'))).toBe('{"a":1}');
  });

  it('throws on what is not base64', () => {
    expect(() => decodeBase64Url('{"a":1}')).toThrow();
  });

  it("reads a JWT's payload, and nothing from an opaque token", () => {
    const jwt = `h.${base64url(new TextEncoder().encode('{"exp":1700000000}'))}.s`;
    expect(jwtPayload(jwt)).toEqual({ exp: 1700000000 });
    expect(jwtPayload('opaque-token')).toBeUndefined();
    expect(jwtPayload('a.%%%.b')).toBeUndefined();
  });
});
