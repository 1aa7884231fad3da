// The bis-mock dashboard in a real browser: Debian's chromium, headless, driven by
// puppeteer-core (no browser download). Each check waits on a condition with a timeout, never
// a fixed delay. The mocks run on port 0; every process started here is stopped by its PID.
//
//   node dashboard.test.mjs [--build DIR]     (scripts/ci-browser.sh runs it)
// Screenshots of every view (1280 px and 375 px) go to DIR/dashboard-screenshots/.
import {execFile, spawn} from 'node:child_process';
import {mkdirSync} from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import puppeteer from 'puppeteer-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const argBuild = process.argv.indexOf('--build');
const build = path.resolve(argBuild > 0 ? process.argv[argBuild + 1]
                                        : process.env.BIS_BUILD || path.join(here, '../../build'));
const mockBinary = path.join(build, 'apps', 'bis-mock');
const shots = path.join(build, 'dashboard-screenshots');
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
const kWait = {timeout: 30000};
const kViews = ['journal', 'accounts', 'subscriptions', 'events', 'outbox', 'lists'];

const started = [];
function startMock(args = []) {
  return new Promise((resolve, reject) => {
    const proc = spawn(mockBinary, ['--port', '0', '--quiet', ...args],
                       {stdio: ['ignore', 'ignore', 'pipe']});
    started.push(proc);
    let err = '';
    const timer = setTimeout(() => reject(new Error('bis-mock did not start: ' + err)), 20000);
    proc.stderr.on('data', chunk => {
      err += chunk;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) { clearTimeout(timer); resolve({proc, url: m[1]}); }
    });
    proc.on('exit', code => reject(new Error(`bis-mock exited (${code}): ${err}`)));
  });
}

// curl, as an app developer would send the request.
function curl(args) {
  return new Promise((resolve, reject) => execFile('curl', ['-s', '-i', ...args],
      {timeout: 10000}, (e, out) => (e ? reject(e) : resolve(out))));
}
const subscribe = (url, email, variant = '44221714950') => curl([
  '-X', 'POST', url + '/api/v1/catalog/subscribe', '--data-urlencode', 'a=PkShop',
  '--data-urlencode', 'email=' + email, '--data-urlencode', 'variant=' + variant,
  '--data-urlencode', 'platform=shopify']);

async function admin(url, route, token) {
  const res = await fetch(url + '/__admin/' + route, {headers: token ? {'X-Admin-Token': token} : {}});
  if (!res.ok) throw new Error(`${route}: ${res.status}`);
  return res.json();
}

let failures = 0;
async function check(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
  }
}
function expect(cond, what) { if (!cond) throw new Error(what); }

async function openPage(browser, url, problems) {
  const page = await browser.newPage();
  page.on('console', m => {
    if (m.type() === 'error' && !/401|Unauthorized/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', e => problems.push(String(e)));
  await page.goto(url, {waitUntil: 'domcontentloaded'});
  return page;
}

// Chooses a view and waits until its content is drawn: a view shown before keeps its old
// controls until then, and a click on one of those lands on a node about to be replaced.
async function showView(page, view) {
  await page.click(`nav button[data-view="${view}"]`);
  await page.waitForFunction(v => document.body.dataset.rendered === v &&
      !document.getElementById('view-' + v).hidden, kWait, view);
}

async function main() {
  mkdirSync(shots, {recursive: true});
  const browser = await puppeteer.launch({
    executablePath: chromium, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
  try {
    const mock = await startMock();
    const problems = [];
    const page = await openPage(browser, mock.url + '/__admin/ui', problems);
    await page.setViewport({width: 1280, height: 900});
    await page.waitForFunction(() => /bis-mock/.test(document.getElementById('health').textContent), kWait);

    await check('a subscribe from curl appears in the live journal without reload', async () => {
      // The page's first look at the journal is done once it says it is live.
      await page.waitForFunction(() => document.getElementById('live').textContent === 'live', kWait);
      await subscribe(mock.url, 'live.one@example.com');
      await page.waitForFunction(() => [...document.querySelectorAll('#journal .card')]
          .some(c => c.textContent.includes('subscribed') &&
                     c.querySelector('pre').textContent.includes('live.one%40example.com')), kWait);
      expect(await page.evaluate(() => performance.getEntriesByType('navigation').length === 1),
             'the page was reloaded');
    });

    await check('a refusal shows the mock\'s reason', async () => {
      const answer = await subscribe(mock.url, 'not-an-email');
      const reason = /X-Bis-Mock-Reason: (.*)\r/i.exec(answer)[1];
      await page.waitForFunction(r => [...document.querySelectorAll('#journal .card.refused .reason')]
          .some(e => e.textContent === r), kWait, reason);
    });

    await check('copy as curl gives a command that replays the request', async () => {
      await page.click('#journal .card .copy-curl');  // the newest: the refused one
      await page.waitForFunction(() => !document.getElementById('curl-box').hidden, kWait);
      const command = await page.$eval('#curl', e => e.value);
      expect(command.startsWith('curl -i') && command.includes('not-an-email'), command);
      const before = (await admin(mock.url, 'health')).counts.requests;
      await new Promise((resolve, reject) => execFile('bash', ['-c', command], {timeout: 10000},
                                                      e => (e ? reject(e) : resolve())));
      expect((await admin(mock.url, 'health')).counts.requests === before + 1, 'not replayed');
      await page.click('#curl-close');
    });

    await check('filters by outcome and email', async () => {
      await page.select('#filters select[name="outcome"]', 'rejected');
      await page.waitForFunction(() => document.querySelectorAll('#journal .card').length > 0 &&
          [...document.querySelectorAll('#journal .card')].every(c => c.classList.contains('refused')), kWait);
      await page.select('#filters select[name="outcome"]', '');
      await page.type('#filters input[name="email"]', 'live.one@example.com');
      await page.waitForFunction(() => {
        const cards = [...document.querySelectorAll('#journal .card')];
        return cards.length === 1 && cards[0].textContent.includes('subscribed');
      }, kWait);
      await page.$eval('#filters input[name="email"]', e => { e.value = ''; e.dispatchEvent(new Event('input', {bubbles: true})); });
      await page.waitForFunction(() => document.querySelectorAll('#journal .card').length >= 3, kWait);
    });

    await check('a restock from the page notifies and clears', async () => {
      await subscribe(mock.url, 'ann@example.com');
      await subscribe(mock.url, 'ben@example.com');
      expect((await admin(mock.url, 'subscriptions?variant=44221714950&account=PkShop')).count === 3,
             'three subscribers expected');
      await showView(page, 'accounts');
      const restock = 'li.variant[data-account="PkShop"][data-variant="44221714950"] button.restock';
      await page.waitForSelector(restock, kWait);
      await page.click(restock);
      await page.waitForFunction(() => {
        const li = document.querySelector('li.variant[data-account="PkShop"][data-variant="44221714950"]');
        const shown = li ? [...li.querySelectorAll('.notified li')].map(x => x.textContent).sort() : [];
        return shown.join() === 'ann@example.com,ben@example.com,live.one@example.com';
      }, kWait);
      const left = await admin(mock.url, 'subscriptions?variant=44221714950&account=PkShop');
      expect(left.count === 0, 'subscriptions not cleared: ' + left.count);
      await showView(page, 'subscriptions');
      await page.waitForFunction(() => /^0 subscriptions/.test(
          (document.querySelector('#view-subscriptions .total') || {}).textContent), kWait);
    });

    await check('the outbox shows each notification as the shopper\'s message', async () => {
      await showView(page, 'outbox');
      await page.waitForFunction(() => {
        const text = document.getElementById('view-outbox').textContent;
        return text.includes('Classic tee / M (sold out) is back in stock') &&
               text.includes('From Demo Shopify store') && text.includes('to ann@example.com');
      }, kWait);
    });

    await check('the keyboard reaches every view', async () => {
      await page.focus('nav button[data-view="journal"]');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.body.dataset.view === 'journal', kWait);
      // Every view the bar shows, the clock and faults ones included when health offers them.
      const shown = await page.evaluate(() =>
          [...document.querySelectorAll('nav button:not([hidden])')].map(b => b.dataset.view));
      expect(shown.slice(0, kViews.length).join() === kViews.join(), `views shown: ${shown}`);
      for (const view of shown.slice(1)) {
        await page.keyboard.press('ArrowRight');
        await page.waitForFunction(v => document.body.dataset.view === v &&
            document.activeElement.dataset.view === v, kWait, view);
      }
      // Tab from the last view leaves the views' bar for the filters.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => !!document.activeElement.closest('#filters, #token-form, main')),
             'Tab did not reach the filters');
    });

    await check('a screenshot of every view, wide and at 375 px without horizontal scroll', async () => {
      for (const width of [1280, 375]) {
        await page.setViewport({width, height: 900});
        for (const view of kViews) {
          await showView(page, view);
          await page.waitForNetworkIdle({idleTime: 100, timeout: 15000, concurrency: 1}).catch(() => {});
          const wide = await page.evaluate(() => document.documentElement.scrollWidth);
          expect(wide <= width, `${view} at ${width} px is ${wide} px wide`);
          await page.screenshot({path: path.join(shots, `${view}-${width}.png`), fullPage: width === 375});
        }
      }
    });

    // Other lanes' capabilities: their views show only when health lists them.
    const capabilities = (await admin(mock.url, 'health')).capabilities;
    await check('the clock and faults views follow the capabilities', async () => {
      await page.setViewport({width: 1280, height: 900});
      for (const name of ['clock', 'faults']) {
        const hidden = await page.$eval(`nav button[data-view="${name}"]`, b => b.hidden);
        expect(hidden === !capabilities.includes(name), `${name}: hidden=${hidden}`);
      }
      if (capabilities.includes('clock')) {
        await showView(page, 'clock');
        await page.waitForSelector('#clock-state', kWait);
        const before = JSON.parse(await page.$eval('#clock-state', e => e.textContent)).now_ms;
        await page.click('#view-clock button[type="submit"]');  // advance by the default 1h
        await page.waitForFunction(b => {
          const now = JSON.parse(document.getElementById('clock-state').textContent).now_ms;
          return now - b >= 3600000;
        }, kWait, before);
        await page.click('#view-clock button[data-action="real"]');  // back to real time
        await page.screenshot({path: path.join(shots, 'clock-1280.png')});
      }
      if (capabilities.includes('faults')) {
        await showView(page, 'faults');
        await page.type('#view-faults textarea', '{"status": 503, "times": 1}');
        await page.click('#view-faults form button[type="submit"]');
        await page.waitForFunction(() => /^1 fault/.test((document.querySelector('#view-faults .pager') || {}).textContent), kWait);
        await page.screenshot({path: path.join(shots, 'faults-1280.png')});
        await page.click('#view-faults .pager button');
        await page.waitForFunction(() => /^0 fault/.test((document.querySelector('#view-faults .pager') || {}).textContent), kWait);
      }
    });

    if (capabilities.includes('faults')) {
      await check('a faulted request\'s card names the fault beside its outcome', async () => {
        await curl(['-X', 'POST', mock.url + '/__admin/faults', '-H', 'Content-Type: application/json',
                    '--data', '{"status": 503, "times": 1}']);
        await subscribe(mock.url, 'faulted.one@example.com');
        await showView(page, 'journal');
        await page.waitForFunction(() => [...document.querySelectorAll('#journal .card')]
            .some(c => c.querySelector('pre').textContent.includes('faulted.one%40example.com') &&
                       /^fault: f-\d+ status 503/.test((c.querySelector('.line .fault') || {}).textContent || '')),
            kWait);
      });
    }

    await check('nothing broke the Content-Security-Policy or threw', async () => {
      expect(problems.length === 0, problems.join('\n'));
    });
    await page.close();

    // A browser-style client of the modern client endpoint: a storefront page on another origin
    // posts with fetch, a revision header and company_id, as onsite code does (issue 11 §2). The
    // JSON:API media type and the revision header make it a CORS preflighted request.
    await check('a storefront page subscribes with fetch through the client endpoint, cross-origin', async () => {
      const shop = http.createServer((req, res) => {
        res.writeHead(200, {'Content-Type': 'text/html'});
        res.end('<!doctype html><title>storefront</title><p>Classic tee, sold out');
      });
      await new Promise(resolve => shop.listen(0, '127.0.0.1', resolve));
      const sp = await browser.newPage();
      try {
        await sp.goto(`http://127.0.0.1:${shop.address().port}/products/classic-tee`);
        const post = (email) => sp.evaluate(async (url, email) => {
          const r = await fetch(url + '/client/back-in-stock-subscriptions?company_id=PkShop', {
            method: 'POST',
            headers: {'Content-Type': 'application/vnd.api+json', 'revision': '2026-07-15'},
            body: JSON.stringify({data: {type: 'back-in-stock-subscription',
              attributes: {channels: ['EMAIL'],
                           profile: {data: {type: 'profile', attributes: {email}}}},
              relationships: {variant: {data: {type: 'catalog-variant',
                                               id: '$shopify:::$default:::44221714950'}}}}}),
          });
          return {status: r.status, body: await r.text()};
        }, mock.url, email);
        const ok = await post('storefront@example.com');
        expect(ok.status === 202 && ok.body === '', `expected 202 and no body, got ${JSON.stringify(ok)}`);
        const subs = await admin(mock.url, 'subscriptions?email=storefront%40example.com&via=client');
        expect(subs.count === 1, `expected one subscription made via client: ${JSON.stringify(subs)}`);
        // A refusal reaches the page's script readable: a JSON:API error pointing at the email.
        const bad = await post('test@klaviyo');
        expect(bad.status === 400, `expected 400 for a bad email, got ${JSON.stringify(bad)}`);
        const error = JSON.parse(bad.body).errors[0];
        expect(error.source && /email$/.test(error.source.pointer),
               `expected the error to point at the email: ${bad.body}`);
      } finally {
        await sp.close();
        shop.close();
      }
    });

    await check('with an admin token: the fragment carries it and leaves the address', async () => {
      const secured = await startMock(['--admin-token', 'tok-123']);
      const p2problems = [];
      const p2 = await openPage(browser, secured.url + '/__admin/ui#token=tok-123', p2problems);
      await p2.waitForFunction(() => /bis-mock/.test(document.getElementById('health').textContent), kWait);
      expect(await p2.evaluate(() => location.hash === ''), 'the token stayed in the address');
      await subscribe(secured.url, 'tok@example.com');
      await p2.waitForFunction(() => document.getElementById('journal').textContent.includes('tok%40example.com'), kWait);
      // Without the fragment, the page asks for the token.
      const p3 = await browser.createBrowserContext().then(c => c.newPage());
      await p3.goto(secured.url + '/__admin/ui');
      await p3.waitForSelector('#token-form:not([hidden])', kWait);
      await p3.type('#token', 'tok-123');
      await p3.click('#token-form button');
      await p3.waitForFunction(() => document.getElementById('journal').textContent.includes('tok%40example.com'), kWait);
    });
  } finally {
    await browser.close();
  }
}

main().catch(e => { failures++; console.log('FAIL ' + (e.stack || e)); }).finally(() => {
  for (const p of started) if (p.exitCode === null) p.kill('SIGTERM');
  console.log(failures ? `${failures} check(s) failed` : 'all dashboard checks passed; screenshots in ' + shots);
  process.exitCode = failures ? 1 : 0;
});
