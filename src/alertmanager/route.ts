import type { InhibitRule, Route } from './config.js';
import { matchesAll } from './matchers.js';
import type { Labels } from './store.js';

/**
 * The routes an alert goes to, as Alertmanager picks them: depth first, a route whose matchers
 * match takes the alert unless one of its children does; among siblings the first match wins
 * unless it has `continue: true`.
 */
export function routesFor(root: Route, labels: Labels): Route[] {
  const visit = (r: Route): Route[] => {
    if (!matchesAll(r.matchers, labels)) return [];
    const out: Route[] = [];
    for (const child of r.routes) {
      const got = visit(child);
      out.push(...got);
      if (got.length > 0 && !child.continue) break;
    }
    return out.length > 0 ? out : [r];
  };
  return visit(root);
}

/**
 * Fingerprints of the alerts that inhibit `target`: alerts matching a rule's source matchers,
 * with the same values of its `equal` labels (both missing counts as equal), other than the
 * target itself, when the target matches the rule's target matchers.
 */
export function inhibitedBy(rules: readonly InhibitRule[], target: { fingerprint: string; labels: Labels }, firing: readonly { fingerprint: string; labels: Labels }[]): string[] {
  const out = new Set<string>();
  for (const rule of rules) {
    if (!matchesAll(rule.target, target.labels)) continue;
    for (const src of firing) {
      if (src.fingerprint === target.fingerprint || !matchesAll(rule.source, src.labels)) continue;
      if (rule.equal.every((l) => (src.labels[l] ?? '') === (target.labels[l] ?? ''))) out.add(src.fingerprint);
    }
  }
  return [...out];
}
