import { CheckResult, ExemptionInfo } from '@posture-dev/backstage-plugin-posture-common';
import { EngineConfig } from './config';
import { K8sObject, annotationsOf } from './k8s';

export const EXEMPT_ANNOTATION = 'posture.backstage.io/exempt';
export const EXEMPT_REASON_ANNOTATION = 'posture.backstage.io/exempt-reason';
export const EXEMPT_UNTIL_ANNOTATION = 'posture.backstage.io/exempt-until';

export interface ExemptionScope {
  /** entity ref, e.g. `component:default/payments` (backend only) */
  entity?: string;
  cluster?: string;
}

function isExpired(until: string | undefined, now: number): boolean {
  if (!until) return false;
  const t = Date.parse(until);
  // a date without a time means the whole of that day (UTC)
  const end = /^\d{4}-\d{2}-\d{2}$/.test(until.trim()) ? t + 86_400_000 : t;
  return Number.isNaN(t) || end <= now;
}

/** A reason with a minimum form: long enough, and at least two words with letters ("x", "..." or "ok" are not reasons). */
export function isReasonShaped(reason: string, minLength: number): boolean {
  if ([...reason].length < minLength) return false;
  return reason.split(/\s+/).filter(w => /\p{L}{2}/u.test(w)).length >= 2;
}

/** Finds the exemption that covers a result, from the object's annotations or config. */
export function findExemption(
  result: CheckResult,
  object: K8sObject | undefined,
  config: EngineConfig,
  scope: ExemptionScope,
  now: number,
): { info?: ExemptionInfo; note?: string } {
  const fromConfig = config.exemptions.find(
    e =>
      (e.checks.includes(result.checkId) || e.checks.includes('*')) &&
      (!e.entity || e.entity.toLocaleLowerCase('en-US') === scope.entity?.toLocaleLowerCase('en-US')) &&
      (!e.cluster || e.cluster === scope.cluster) &&
      (!e.namespace || e.namespace === result.subject.namespace) &&
      (!e.name || e.name === result.subject.name) &&
      // an entity-scoped exemption is only applied where the entity is known
      (e.entity ? scope.entity !== undefined : true),
  );
  if (fromConfig) {
    return {
      info: {
        reason: fromConfig.reason,
        until: fromConfig.until,
        expired: isExpired(fromConfig.until, now),
        source: 'config',
      },
    };
  }
  const ann = annotationsOf(object);
  const ids = (ann[EXEMPT_ANNOTATION] ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
  const named = ids.includes(result.checkId);
  if (!named && !ids.includes('*')) return {};
  if (!config.allowAnnotationExemptions) {
    return { note: `annotation ${EXEMPT_ANNOTATION} ignored: exemptions by annotation are disabled in config` };
  }
  // a workload's own annotation is written by the team the gate judges: the platform decides how far it reaches
  const policy = config.annotationExemptions ?? { allowCritical: false, allowWildcard: false, minReasonLength: 10 };
  if (!named && !policy.allowWildcard) {
    return { note: `annotation ${EXEMPT_ANNOTATION} ignored: "*" is not allowed by config (name the checks)` };
  }
  if (result.severity === 'critical' && !policy.allowCritical) {
    return { note: `annotation ${EXEMPT_ANNOTATION} ignored: a critical check can only be exempted in platform config` };
  }
  const reason = ann[EXEMPT_REASON_ANNOTATION]?.trim();
  if (!reason) {
    return { note: `annotation ${EXEMPT_ANNOTATION} ignored: ${EXEMPT_REASON_ANNOTATION} is required` };
  }
  if (!isReasonShaped(reason, policy.minReasonLength)) {
    return {
      note: `annotation ${EXEMPT_ANNOTATION} ignored: ${EXEMPT_REASON_ANNOTATION} must say why in at least ${policy.minReasonLength} characters and two words`,
    };
  }
  const until = ann[EXEMPT_UNTIL_ANNOTATION]?.trim() || undefined;
  return { info: { reason, until, expired: isExpired(until, now), source: 'annotation' } };
}

/** Applies an exemption to a failing result: exempt, or failing again once expired. */
export function applyExemption(
  result: CheckResult,
  object: K8sObject | undefined,
  config: EngineConfig,
  scope: ExemptionScope,
  now: number,
): CheckResult {
  if (result.status !== 'fail' && result.status !== 'exempt') return result;
  const { info, note } = findExemption(result, object, config, scope, now);
  if (note) return { ...result, message: `${result.message} (${note})` };
  if (!info) return result;
  if (info.expired) {
    return {
      ...result,
      status: 'fail',
      exemption: info,
      message: `${result.message} (exemption expired ${info.until}: ${info.reason})`,
    };
  }
  return { ...result, status: 'exempt', exemption: info };
}
