import type { RelabelConfig } from '../config/schema.js';

/** A label set being relabelled: name → value (empty values are absent labels). */
export type LabelMap = Map<string, string>;

interface Compiled {
  cfg: RelabelConfig;
  re: RegExp;
  replacement: string;
}

/**
 * Compiles Prometheus relabel_configs once. Regexes are anchored at both ends; replacements use
 * Go's `$1` / `${1}` / `${name}` syntax. Returns a function that relabels in place and answers
 * false when the set must be dropped.
 */
export function compileRelabel(configs: readonly RelabelConfig[]): (labels: LabelMap) => boolean {
  const compiled: Compiled[] = configs.map((cfg) => ({
    cfg,
    re: new RegExp(`^(?:${cfg.regex})$`, 's'),
    replacement: goTemplateToJs(cfg.replacement),
  }));
  return (labels) => {
    for (const { cfg, re, replacement } of compiled) {
      const source = cfg.source_labels.map((n) => labels.get(n) ?? '').join(cfg.separator);
      switch (cfg.action) {
        case 'keep':
          if (!re.test(source)) return false;
          break;
        case 'drop':
          if (re.test(source)) return false;
          break;
        case 'replace': {
          const m = re.exec(source);
          if (!m) break;
          const target = source.replace(re, goTemplateToJs(cfg.target_label));
          const value = source.replace(re, replacement);
          if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(target)) break;
          if (value === '') labels.delete(target);
          else labels.set(target, value);
          break;
        }
        case 'labelmap':
          for (const [name, value] of [...labels]) {
            if (re.test(name)) labels.set(name.replace(re, replacement), value);
          }
          break;
        case 'labeldrop':
          for (const name of [...labels.keys()]) if (re.test(name)) labels.delete(name);
          break;
        case 'labelkeep':
          for (const name of [...labels.keys()]) if (!re.test(name)) labels.delete(name);
          break;
      }
    }
    return true;
  };
}

/** Go regexp.Expand syntax to JavaScript's String.replace syntax. */
function goTemplateToJs(t: string): string {
  return t
    .replace(/\$\$/g, '\uE000')
    .replace(/\$\{(\d+)\}/g, '$$$1')
    .replace(/\$\{([a-zA-Z_]\w*)\}/g, '$$<$1>')
    .replace(/\$([a-zA-Z_]\w*)/g, '$$<$1>')
    .replace(/\uE000/g, '$$$$');
}
