import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FEATURE_GATES,
  FEATURE_GATE_NAMES,
  FEATURE_GATE_SPECS,
  FeatureGateError,
  type FeatureGates,
  formatFeatureGates,
  isFeatureGateName,
  parseFeatureGates,
} from './feature-gates.js';

describe('defaults', () => {
  it('are TMC and SyncEngine on, Tunnel and AdvancedScheduling off', () => {
    expect(DEFAULT_FEATURE_GATES).toEqual({
      AdvancedScheduling: false,
      SyncEngine: true,
      TMC: true,
      Tunnel: false,
    });
    expect(Object.isFrozen(DEFAULT_FEATURE_GATES)).toBe(true);
  });

  it('come from the specs, each with a stage and a description', () => {
    for (const name of FEATURE_GATE_NAMES) {
      const spec = FEATURE_GATE_SPECS[name];
      expect(DEFAULT_FEATURE_GATES[name]).toBe(spec.default);
      expect(['Alpha', 'Beta', 'GA']).toContain(spec.stage);
      expect(spec.description.length).toBeGreaterThan(10);
    }
  });

  it('names are sorted and known', () => {
    expect(FEATURE_GATE_NAMES).toEqual(['AdvancedScheduling', 'SyncEngine', 'TMC', 'Tunnel']);
    expect(isFeatureGateName('TMC')).toBe(true);
    expect(isFeatureGateName('toString')).toBe(false);
  });
});

describe('parseFeatureGates', () => {
  it('merges the given gates over the defaults', () => {
    expect(parseFeatureGates('TMC=true,SyncEngine=true,Tunnel=false')).toEqual(DEFAULT_FEATURE_GATES);
    expect(parseFeatureGates('Tunnel=true,TMC=false')).toEqual({
      AdvancedScheduling: false,
      SyncEngine: true,
      TMC: false,
      Tunnel: true,
    });
  });

  it('returns the defaults for an empty value and skips empty items', () => {
    expect(parseFeatureGates('')).toEqual(DEFAULT_FEATURE_GATES);
    expect(parseFeatureGates(' , ,')).toEqual(DEFAULT_FEATURE_GATES);
    expect(parseFeatureGates('Tunnel=true,').Tunnel).toBe(true);
  });

  it('accepts whitespace around items, names and values', () => {
    expect(parseFeatureGates('  Tunnel = true ,\tAdvancedScheduling=true  ')).toEqual({
      ...DEFAULT_FEATURE_GATES,
      Tunnel: true,
      AdvancedScheduling: true,
    });
  });

  it("accepts kcp's KCPSyncerTunnel for Tunnel", () => {
    expect(parseFeatureGates('KCPSyncerTunnel=true').Tunnel).toBe(true);
  });

  it('merges over caller-supplied defaults and returns a frozen object', () => {
    const base: FeatureGates = { ...DEFAULT_FEATURE_GATES, SyncEngine: false };
    const gates = parseFeatureGates('TMC=false', base);
    expect(gates).toEqual({ ...base, TMC: false });
    expect(Object.isFrozen(gates)).toBe(true);
    expect(base.TMC).toBe(true);
  });

  it.each([
    ['TMC', 'TMC', 'missing "="'],
    ['Tunnel=true,SyncEngine', 'SyncEngine', 'missing "="'],
    ['=true', '=true', 'empty gate name'],
    [' = false', '= false', 'empty gate name'],
    ['Nope=true', 'Nope=true', 'unknown gate "Nope"'],
    ['tmc=true', 'tmc=true', 'unknown gate "tmc"'],
    ['TMC=yes', 'TMC=yes', 'value must be "true" or "false"'],
    ['TMC=True', 'TMC=True', 'value must be "true" or "false"'],
    ['TMC=', 'TMC=', 'value must be "true" or "false"'],
    ['TMC=true=false', 'TMC=true=false', 'value must be "true" or "false"'],
    ['TMC=true,TMC=false', 'TMC=false', 'given more than once'],
    ['Tunnel=true,KCPSyncerTunnel=true', 'KCPSyncerTunnel=true', 'gate "Tunnel" is given more than once'],
  ])('rejects %j at part %j (%s)', (input, part, reason) => {
    let error: unknown;
    try {
      parseFeatureGates(input);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FeatureGateError);
    expect(error).toBeInstanceOf(Error);
    const gateError = error as FeatureGateError;
    expect(gateError.part).toBe(part);
    expect(gateError.name).toBe('FeatureGateError');
    expect(gateError.message).toContain(reason);
    expect(gateError.message).toContain(part);
  });
});

describe('formatFeatureGates', () => {
  it('prints every gate sorted by name', () => {
    expect(formatFeatureGates(DEFAULT_FEATURE_GATES)).toBe(
      'AdvancedScheduling=false,SyncEngine=true,TMC=true,Tunnel=false',
    );
  });

  it('round-trips through parseFeatureGates for every combination', () => {
    for (let bits = 0; bits < 1 << FEATURE_GATE_NAMES.length; bits++) {
      const gates = Object.fromEntries(
        FEATURE_GATE_NAMES.map((name, i) => [name, (bits & (1 << i)) !== 0]),
      ) as unknown as FeatureGates;
      expect(parseFeatureGates(formatFeatureGates(gates))).toEqual(gates);
    }
  });
});
