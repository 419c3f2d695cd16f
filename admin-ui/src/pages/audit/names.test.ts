import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, auditActionName, auditEntityName } from './names.js';

describe('audit action names', () => {
  it('say what happened in Vietnamese and English, not the recorded code', () => {
    expect(auditActionName('unit.create', 'vi')).toBe('Tạo đơn vị');
    expect(auditActionName('unit.create', 'en')).toBe('Created a unit');
    expect(auditActionName('apikey.revoke', 'vi')).toBe('Thu hồi khóa API');
    expect(auditEntityName('user', 'vi')).toBe('Tài khoản');
    expect(auditEntityName('api_key', 'en')).toBe('API key');
    for (const [action, name] of Object.entries(AUDIT_ACTIONS)) {
      expect(name.vi, action).not.toBe(action);
      expect(name.en, action).not.toBe(action);
    }
  });

  it('show an action they do not know yet as recorded rather than hide it', () => {
    expect(auditActionName('report.sign', 'vi')).toBe('report.sign');
    expect(auditEntityName('report', 'en')).toBe('report');
  });
});
