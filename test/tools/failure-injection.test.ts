/**
 * The local runner turns failure injection on unless told otherwise (the construct's default is
 * off, the walk-through needs FAIL-ME), and its banner says who decided.
 */
import {
  FAILURE_INJECTION_ENV, failureInjectionLine, failureInjectionState, withFailureInjection,
} from '../../scripts/local/lambda/failure-injection';

describe('the worker environment the runner starts with', () => {
  test('on by default, over the stack\'s false', () => {
    expect(withFailureInjection(undefined)).toEqual({ [FAILURE_INJECTION_ENV]: 'true' });
    expect(failureInjectionState(undefined, 'on', 'false')).toEqual({ enabled: true, decidedBy: 'runner' });
  });

  test('off when asked, keeping the other overrides', () => {
    expect(withFailureInjection({ LOG_LEVEL: 'DEBUG' }, 'off')).toEqual({ LOG_LEVEL: 'DEBUG', [FAILURE_INJECTION_ENV]: 'false' });
    expect(failureInjectionState(undefined, 'off', 'true')).toEqual({ enabled: false, decidedBy: 'runner' });
  });

  test('template keeps the stack\'s own value (off with the construct\'s default)', () => {
    expect(withFailureInjection(undefined, 'template')).toBeUndefined();
    expect(failureInjectionState(undefined, 'template', 'false')).toEqual({ enabled: false, decidedBy: 'template' });
    expect(failureInjectionState(undefined, 'template', 'true')).toEqual({ enabled: true, decidedBy: 'template' });
  });

  test('an explicit --worker-env FAILURE_INJECTION_ENABLED wins over the choice', () => {
    const env = { [FAILURE_INJECTION_ENV]: 'false' };
    expect(withFailureInjection(env, 'on')).toBe(env);
    expect(failureInjectionState(env, 'on', 'true')).toEqual({ enabled: false, decidedBy: 'worker-env' });
  });
});

describe('the banner line', () => {
  test('says the runner turned it on, that the construct\'s default is off, and how to change it', () => {
    const line = failureInjectionLine({ enabled: true, decidedBy: 'runner' });
    expect(line).toMatch(/^Failure injection: ON \(an order with sku FAIL-ME fails every attempt\), turned on by the runner/);
    expect(line).toContain('the construct\'s default is off');
    expect(line).toContain('--failure-injection template');
  });

  test('says when the stack decided', () => {
    expect(failureInjectionLine({ enabled: false, decidedBy: 'template' })).toBe('Failure injection: off, as the stack sets it.');
  });
});
