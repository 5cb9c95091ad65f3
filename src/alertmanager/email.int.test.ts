import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.js';
import { parseAmConfig } from './config.js';
import { Dispatcher } from './dispatch.js';
import { AlertStore, SilenceStore } from './store.js';

// A real SMTP server (the smtp-server package) with STARTTLS and authentication receives the
// notification email.
const dir = tempDir('email');
const mails: { from: string; to: string[]; user: string; raw: string }[] = [];
let smtp: SMTPServer;
let port = 0;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: false,
    onAuth: (auth, _session, cb) => {
      if (auth.username === 'alerts' && auth.password === 'pw') cb(null, { user: auth.username });
      else cb(new Error('bad credentials'));
    },
    onData: (stream, session, cb) => {
      let raw = '';
      stream.on('data', (d: Buffer) => { raw += d.toString(); });
      stream.on('end', () => {
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), user: String(session.user), raw });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  const addr = smtp.server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
});
afterAll(async () => {
  await new Promise<void>((r) => { smtp.close(r); });
  dir.remove();
});

describe('email receiver', () => {
  it('sends an HTML and text email over STARTTLS with authentication', async () => {
    const { config, errors } = parseAmConfig(`route:
  receiver: mail
  group_wait: 1s
receivers:
  - name: mail
    email_configs:
      - to: oncall@example.com
        from: allseer@example.com
        smarthost: 127.0.0.1:${port}
        auth_username: alerts
        auth_password: pw
        tls_config: { insecure_skip_verify: true }
`, 'am.yml');
    expect(errors).toEqual([]);
    const alerts = new AlertStore();
    const failures: string[] = [];
    const d = new Dispatcher({ alerts, silences: new SilenceStore(join(dir.path, 's.json')), config: () => config!, externalURL: 'http://allseer', onError: (_r, e) => failures.push(e.message) });
    alerts.put({ labels: { alertname: 'DiskFull', severity: 'warning', instance: 'db-1' }, annotations: { summary: 'disk <97%> full' }, startsAt: 0, endsAt: 3_600_000, updatedAt: 0, generatorURL: '' });
    await d.tick(0);
    await d.tick(1000);
    expect(failures).toEqual([]);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ from: 'allseer@example.com', to: ['oncall@example.com'], user: 'alerts' });
    expect(mails[0]!.raw).toContain('Subject: [FIRING:1] DiskFull');
    expect(mails[0]!.raw).toContain('text/html');
    expect(mails[0]!.raw).toContain('disk &lt;97%&gt; full');
    expect(mails[0]!.raw).toContain('summary: disk <97%> full');
  });

  it('refuses an incomplete email configuration', () => {
    expect(parseAmConfig('route:\n  receiver: m\nreceivers:\n  - name: m\n    email_configs: [{ to: x }]\n', 'am.yml').errors).toEqual(['am.yml: receiver "m": email_configs[0]: to must be an email address']);
  });
});
