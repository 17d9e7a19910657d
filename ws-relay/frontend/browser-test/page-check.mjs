// Opens the relay's page in headless Chromium, waits until the tape shows trades and candles are drawn,
// saves a screenshot and prints "RESULT {...}". Exit code 0 only when everything was seen.
// Usage: node browser-test/page-check.mjs <page-url> <screenshot.png>
import { chromium } from 'playwright-core';

const [url, shot] = process.argv.slice(2);
if (!url || !shot) {
  console.error('usage: page-check.mjs <page-url> <screenshot.png>');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run'],
});
let code = 1;
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  page.on('console', (m) => { if (m.type() === 'error') console.log('page error:', m.text()); });
  page.on('pageerror', (e) => console.log('page exception:', e.message));
  await page.goto(url, { waitUntil: 'load', timeout: 60000 });
  await page.waitForFunction(() => window.__stockpipe && window.__stockpipe.state === 'live', null, { timeout: 60000 });
  await page.waitForFunction(() => document.querySelectorAll('#tape tbody tr').length >= 5, null, { timeout: 90000 });
  await page.waitForFunction(() => {
    const c = window.__stockpipe.candles;
    return Object.keys(c).length > 0 && Object.values(c).every((n) => n >= 2);
  }, null, { timeout: 90000 });
  // let the charts paint, then look for candle colours on their canvases
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const result = await page.evaluate(() => {
    const drawn = {};
    for (const card of document.querySelectorAll('.card')) {
      let px = 0;
      for (const cv of card.querySelectorAll('canvas')) {
        const ctx = cv.getContext('2d');
        if (!ctx || !cv.width || !cv.height) continue;
        const d = ctx.getImageData(0, 0, cv.width, cv.height).data;
        for (let i = 0; i < d.length; i += 4) {
          const up = Math.abs(d[i] - 0x26) < 12 && Math.abs(d[i + 1] - 0xa6) < 12 && Math.abs(d[i + 2] - 0x9a) < 12;
          const down = Math.abs(d[i] - 0xef) < 12 && Math.abs(d[i + 1] - 0x53) < 12 && Math.abs(d[i + 2] - 0x50) < 12;
          if (up || down) px++;
        }
      }
      drawn[card.dataset.symbol] = px;
    }
    return {
      state: window.__stockpipe.state,
      tapeRows: document.querySelectorAll('#tape tbody tr').length,
      trades: window.__stockpipe.trades,
      candles: window.__stockpipe.candles,
      candlePixels: drawn,
      connText: document.getElementById('conn-text').textContent,
    };
  });
  await page.screenshot({ path: shot });
  console.log('RESULT ' + JSON.stringify(result));
  code = Object.values(result.candlePixels).every((n) => n > 0) && result.tapeRows >= 5 ? 0 : 1;
} catch (e) {
  console.log('FAILED ' + e.message);
} finally {
  await browser.close();
}
process.exit(code);
