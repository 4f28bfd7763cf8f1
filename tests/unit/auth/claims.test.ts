import { describe, expect, it } from 'vitest';
import { stepUpClaims } from '../../../lib/auth/claims';

describe('stepUpClaims', () => {
  it('asks for an authentication context as an essential acrs claim on the access token', () => {
    expect(stepUpClaims({ acrs: 'c1' })).toBe('{"access_token":{"acrs":{"essential":true,"value":"c1"}}}');
    expect(JSON.parse(stepUpClaims({ acrs: ' c25 ' }))).toEqual({
      access_token: { acrs: { essential: true, value: 'c25' } },
    });
  });

  it('asks for MFA through the amr claim', () => {
    expect(stepUpClaims('mfa')).toBe('{"access_token":{"amr":{"values":["mfa"]}}}');
  });

  it.each(['', '   ', 'c1"}}', 'x'.repeat(65)])('refuses %j as an authentication context id', (acrs) => {
    expect(() => stepUpClaims({ acrs })).toThrow(RangeError);
  });
});
