import { describe, expect, it } from 'vitest';
import { flattenClaim, principalFromClaims } from '#shared/http/claims.ts';

describe('principalFromClaims', () => {
  it('reads the groups API Gateway flattened to "[a b]"', () => {
    const principal = principalFromClaims({ sub: 'u1', name: '王强', 'cognito:groups': '[leader admin]' });
    expect(principal).toEqual({ subject: 'u1', name: '王强', roles: ['leader', 'admin'] });
  });

  it('reads groups given as a real array, and the department claim', () => {
    const principal = principalFromClaims({
      sub: 'u2',
      'cognito:groups': ['department'],
      'custom:department': '财务科',
    });
    expect(principal).toEqual({ subject: 'u2', name: 'u2', roles: ['department'], department: '财务科' });
  });

  it('ignores groups that are not Rectify roles rather than trusting them', () => {
    expect(principalFromClaims({ sub: 'u3', 'cognito:groups': '[superuser auditor]' })?.roles).toEqual([
      'auditor',
    ]);
  });

  it('refuses claims without a subject', () => {
    expect(principalFromClaims({ 'cognito:groups': '[admin]' })).toBeUndefined();
    expect(principalFromClaims({ sub: '', 'cognito:groups': '[admin]' })).toBeUndefined();
  });

  it('flattens claims as API Gateway does, and parses its own output back', () => {
    const flat = flattenClaim(['admin', 'auditor']);
    expect(flat).toBe('[admin auditor]');
    expect(principalFromClaims({ sub: 'x', 'cognito:groups': flat })?.roles).toEqual(['admin', 'auditor']);
    expect(flattenClaim(1700000000)).toBe('1700000000');
  });
});
