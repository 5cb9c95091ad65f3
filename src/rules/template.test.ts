import { describe, expect, it } from 'vitest';
import { goPrintf } from '../util/go-format.js';
import { humanize, humanize1024, humanizeDuration } from './humanize.js';
import { Template, TemplateError } from './template.js';

const data = { labels: { instance: 'host-1:9100', job: 'node' }, value: 0.12345, externalLabels: { cluster: 'eu' }, externalURL: 'http://allseer:9900' };
const expand = (src: string, value = data.value) => new Template(src).expand({ ...data, value });

describe('alert templates', () => {
  it('fills in variables, fields and pipelines', () => {
    expect(expand('{{ $labels.instance }} of {{ $labels.job }} is down ({{ $value }})')).toBe('host-1:9100 of node is down (0.12345)');
    expect(expand('{{ .Labels.job }}/{{ .Value }}/{{ $externalLabels.cluster }}/{{ $externalURL }}')).toBe('node/0.12345/eu/http://allseer:9900');
    expect(expand('{{ $value | humanizePercentage }}')).toBe('12.35%');
    expect(expand('{{ humanize $value }} and {{ $value | printf "%.2f" }}')).toBe('123.5m and 0.12');
    expect(expand('{{ printf "%s is %.1f%%" $labels.job $value }}', 42.25)).toBe('node is 42.2%'); // ties to even, as Go
    expect(expand('{{ printf "%.1f" $value }}', 42.35)).toBe('42.4'); // 42.35 is 42.35000000000000142… in binary
    expect(expand('{{ $labels.instance | stripPort | toUpper }}')).toBe('HOST-1');
    expect(expand('{{ reReplaceAll "(.*):(\\\\d+)" "$2@$1" $labels.instance }}')).toBe('9100@host-1');
    expect(expand('{{ $labels.missing }}')).toBe('');
  });

  it('trims around {{- and -}}, assigns variables, and branches', () => {
    expect(expand('a  {{- $labels.job -}}  b')).toBe('anodeb');
    expect(expand('{{ $x := $labels.job }}{{ $x }}!')).toBe('node!');
    const t = '{{ if gt $value 0.9 }}critical{{ else if gt $value 0.5 }}high{{ else }}ok{{ end }}';
    expect([expand(t, 0.95), expand(t, 0.6), expand(t, 0.1)]).toEqual(['critical', 'high', 'ok']);
    expect(expand('{{ if eq $labels.job "node" "db" }}match{{ end }}')).toBe('match');
    expect(expand('{{ if and (ne $labels.job "x") (not false) }}yes{{ end }}')).toBe('yes');
  });

  it('refuses bad syntax when compiled, naming the problem', () => {
    for (const [src, msg] of [['{{ $nope }}', 'undefined variable "$nope"'], ['{{ nofunc $value }}', 'function "nofunc" not defined'], ['{{ if $value }}x', 'without {{end}}'], ['{{ $value', 'unclosed action'], ['{{ ($value }}', 'unclosed "("'], ['{{ end }}', 'unexpected {{end}}']]) {
      expect(() => new Template(src!), src).toThrow(TemplateError);
      expect(() => new Template(src!), src).toThrow(msg);
    }
  });
});

describe('humanize functions (Prometheus template_test.go cases)', () => {
  it('humanize, humanize1024, humanizeDuration', () => {
    expect([0, 1, 1234567, 0.12].map(humanize)).toEqual(['0', '1', '1.235M', '120m']);
    expect([0, 1, 1048576, 0.12].map(humanize1024)).toEqual(['0', '1', '1Mi', '0.12']);
    expect([0, 1, 60, 3600, 86400, 86400 + 3600, -(86400 * 2 + 3600 * 3 + 60 * 4 + 5), 899.99].map(humanizeDuration))
      .toEqual(['0s', '1s', '1m 0s', '1h 0m 0s', '1d 0h 0m 0s', '1d 1h 0m 0s', '-2d 3h 4m 5s', '14m 59s']);
    expect([0.1, 0.0001, 0.12345, 60.1, 60.5, 1.2345, 12.345].map(humanizeDuration)).toEqual(['100ms', '100us', '123.5ms', '1m 0s', '1m 0s', '1.234s', '12.35s']);
  });

  it('printf with Go verbs', () => {
    expect(goPrintf('%d|%5.1f|%-4s|%q|%g|%e|%x|%05d', [42, 3.14159, 'ab', 'q', 1e21, 12345.678, 255, -42])).toBe('42|  3.1|ab  |"q"|1e+21|1.234568e+04|ff|-0042');
    expect(goPrintf('%s %s', ['one'])).toBe('one %!s(MISSING)');
  });
});
