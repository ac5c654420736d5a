// The blog in a real browser: headless Chromium (Debian's /usr/bin/chromium)
// driven by playwright-core, against the server at BLOG_URL (tests/browser/run.sh
// starts one with --debug and demo data). Signs in as alice, follows a user she
// does not follow yet, publishes a post through the form, finds it on the
// timeline and opens the debug panel; screenshots go to SCREENSHOT_DIR.
//   BLOG_URL=http://127.0.0.1:8080 SCREENSHOT_DIR=out node blog.test.mjs
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const base = (process.env.BLOG_URL || '').replace(/\/+$/, '');
const shots = process.env.SCREENSHOT_DIR || '';
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const step_timeout_ms = 5000;

if (!base || !shots) {
  console.error('blog.test.mjs: set BLOG_URL (the blog, e.g. http://127.0.0.1:8080) and SCREENSHOT_DIR');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

// Whatever hangs, the test ends: every wait below is bounded, this bounds the sum.
setTimeout(() => {
  console.error('browser test: FAILED: did not finish within 120 s');
  process.exit(1);
}, 120_000).unref();

let step = 'starting Chromium';
function check(condition, message) {
  if (!condition) throw new Error(message);
}

const browser = await chromium
  .launch({
    executablePath,
    headless: true,
    timeout: 30_000,
    args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
  })
  .catch((e) => {
    console.error(`browser test: FAILED: could not start ${executablePath}: ${e.message}`);
    process.exit(1);
  });

const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
page.setDefaultTimeout(step_timeout_ms);
page.setDefaultNavigationTimeout(10_000);
const page_errors = [];
page.on('pageerror', (e) => page_errors.push(e.message));

async function open(path) {
  const response = await page.goto(base + path, { waitUntil: 'load' });
  check(response && response.ok(), `GET ${path} answered ${response ? response.status() : 'nothing'}`);
}

async function screenshot(name) {
  await page.screenshot({ path: join(shots, name), fullPage: true });
}

let failed = false;
try {
  step = 'opening the home page';
  await open('/');
  const signed_out_posts = await page.locator('ol#timeline > li.post').count();
  check(signed_out_posts > 0, 'the home page shows no posts in ol#timeline (demo data missing?)');
  await screenshot('home.png');

  step = 'signing in as alice';
  await page.locator('nav a#nav-login').click();
  await page.locator('form#login-form').waitFor();
  await page.locator('form#login-form input[name=username]').fill('alice');
  await page.locator('form#login-form button[type=submit]').click();
  await page.locator('nav a#nav-me', { hasText: 'alice' }).waitFor();
  check(new URL(page.url()).pathname === '/', `signing in led to ${page.url()}, not the home page`);

  step = 'finding a user alice does not follow';
  await page.locator('nav a#nav-users').click();
  await page.locator('a.user-link').first().waitFor();
  const users = [];
  for (const link of await page.locator('a.user-link').all()) {
    users.push({ name: (await link.innerText()).trim(), href: await link.getAttribute('href') });
  }
  let target = null;
  for (const user of users.filter((u) => u.name !== 'alice')) {
    await open(user.href);
    // The page shows exactly one of the two buttons to a signed-in visitor.
    await page.locator('button#follow, button#unfollow').first().waitFor();
    if ((await page.locator('button#follow').count()) === 1) {
      target = user;
      break;
    }
  }
  check(target, `alice already follows every user listed (${users.map((u) => u.name).join(', ')})`);

  step = `following ${target.name}`;
  const followers_before = Number(await page.locator('#follower-count').innerText());
  await page.locator('button#follow').click();
  await page.locator('button#unfollow').waitFor();
  check((await page.locator('button#follow').count()) === 0, 'the page shows both Follow and Unfollow');
  const followers_after = Number(await page.locator('#follower-count').innerText());
  check(
    followers_after === followers_before + 1,
    `${target.name}'s follower count went from ${followers_before} to ${followers_after}, not up by one`,
  );
  await screenshot('user.png');

  step = 'creating a post through form#new-post';
  await page.locator('nav a#nav-home').click();
  await page.locator('form#new-post').waitFor();
  const title = `Browser test ${Date.now()}-${process.pid}`;
  await page.locator('form#new-post input[name=title]').fill(title);
  await page.locator('form#new-post textarea[name=body]').fill('Written by tests/browser/blog.test.mjs in headless Chromium.');
  await page.locator('form#new-post input[name=tags]').fill('testing, browser');
  await page.locator('form#new-post button[type=submit]').click();
  await page.waitForURL(/\/posts\/\d+$/);

  step = 'finding the post on the timeline';
  await page.locator('nav a#nav-home').click();
  await page.locator('ol#timeline').waitFor();
  const newest = page.locator('ol#timeline > li.post a.post-title').first();
  await newest.waitFor();
  check(
    (await newest.innerText()).trim() === title,
    `the newest post on the timeline is "${(await newest.innerText()).trim()}", not "${title}"`,
  );
  await screenshot('timeline.png');

  step = 'opening the debug panel';
  check(
    (await page.locator('div#debug-panel').count()) === 1,
    'the page has no div#debug-panel (is the blog running with --debug?)',
  );
  const details = page.locator('div#debug-panel details#debug-panel-details');
  await details.waitFor();
  const summary = details.locator('summary');
  check(/SQL: \d+ statements?/.test(await summary.innerText()), `the panel's summary reads "${await summary.innerText()}"`);
  await summary.click();
  await page.waitForFunction(() => document.querySelector('#debug-panel-details')?.open === true, null, {
    timeout: step_timeout_ms,
  });
  const statements = await details.locator('code').allInnerTexts();
  check(
    statements.some((s) => /^\s*SELECT\b/i.test(s)),
    `the debug panel lists no SELECT among ${statements.length} statement(s)`,
  );
  await screenshot('debug-panel.png');

  step = 'checking the pages for script errors';
  check(page_errors.length === 0, `script errors on the pages: ${page_errors.join('; ')}`);
} catch (e) {
  failed = true;
  console.error(`browser test: FAILED while ${step}: ${e.message.split('\n')[0]}`);
  console.error(`  at ${page.url()}; screenshot: ${join(shots, 'failure.png')}`);
  await page.screenshot({ path: join(shots, 'failure.png'), fullPage: true, timeout: step_timeout_ms }).catch(() => {});
} finally {
  await Promise.race([browser.close(), new Promise((resolve) => setTimeout(resolve, 10_000))]);
}
process.exit(failed ? 1 : 0);
