// The stockpipe live page: pick symbols, watch a trade tape and one-minute candles per symbol.
// History comes from /api/bars/{symbol}; live trades and bars from the relay's WebSocket at /ws.
import { createChart, CandlestickSeries } from 'lightweight-charts';
import './style.css';

const DEFAULT_SYMBOLS = ['AAPL', 'MSFT', 'GOOGL'];
const TAPE_ROWS = 60;
const HISTORY_LIMIT = 390; // one trading day of minute bars
const SYMBOL_RE = /^[A-Z0-9./-]{1,16}$/;

const state = {
  symbols: initialSymbols(),
  cards: new Map(),      // symbol -> { chart, series, last (candle), lastPrice, el }
  ws: null,
  attempt: 0,
  tapeCount: 0,
};
// Read by the browser test; harmless for people.
window.__stockpipe = { candles: {}, trades: 0, state: 'connecting' };

function initialSymbols() {
  const fromUrl = new URLSearchParams(location.search).get('symbols');
  const saved = localStorage.getItem('stockpipe.symbols');
  const list = (fromUrl || saved || DEFAULT_SYMBOLS.join(',')).split(',');
  return [...new Set(list.map((s) => s.trim().toUpperCase()).filter((s) => SYMBOL_RE.test(s)))];
}

function saveSymbols() {
  localStorage.setItem('stockpipe.symbols', state.symbols.join(','));
}

// ---------- connection ----------
function setConn(st, text) {
  const el = document.getElementById('conn');
  el.dataset.state = st;
  document.getElementById('conn-text').textContent = text;
  window.__stockpipe.state = st;
}

function connect() {
  const proto = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${proto}://${location.host}/ws`);
  state.ws = ws;
  setConn('connecting', state.attempt ? `reconnecting (attempt ${state.attempt})…` : 'connecting…');
  ws.onopen = () => {
    state.attempt = 0;
    setConn('live', 'live');
    if (state.symbols.length) send({ action: 'subscribe', symbols: state.symbols });
  };
  ws.onmessage = (ev) => {
    let msg;
    try { msg = JSON.parse(ev.data); } catch { return; }
    if (msg.type === 'trade') onTrade(msg);
    else if (msg.type === 'bar') onBar(msg);
    else if (msg.type === 'error') notice(`Relay says: ${msg.message}`);
    else if (msg.type === 'subscribed') notice('');
  };
  ws.onclose = (ev) => {
    state.ws = null;
    // capped exponential backoff with jitter: 0.5 s, 1 s, 2 s … 15 s
    const delay = Math.min(15000, 500 * 2 ** state.attempt) * (0.5 + Math.random() / 2);
    state.attempt += 1;
    const why = ev.reason ? ` (${ev.reason})` : '';
    setConn('reconnecting', `disconnected${why}; retrying in ${Math.ceil(delay / 1000)} s`);
    setTimeout(connect, delay);
  };
}

function send(obj) {
  if (state.ws && state.ws.readyState === WebSocket.OPEN) state.ws.send(JSON.stringify(obj));
}

function notice(text) {
  document.getElementById('notice').textContent = text;
}

// ---------- symbols ----------
function addSymbol(raw) {
  const s = raw.trim().toUpperCase();
  if (!SYMBOL_RE.test(s)) { notice(`"${raw}" is not a symbol`); return; }
  if (state.symbols.includes(s)) return;
  state.symbols.push(s);
  saveSymbols();
  renderChips();
  addCard(s);
  send({ action: 'subscribe', symbols: [s] });
}

function removeSymbol(s) {
  state.symbols = state.symbols.filter((x) => x !== s);
  saveSymbols();
  renderChips();
  const card = state.cards.get(s);
  if (card) { card.chart.remove(); card.el.remove(); state.cards.delete(s); }
  delete window.__stockpipe.candles[s];
  send({ action: 'unsubscribe', symbols: [s] });
}

function renderChips() {
  const box = document.getElementById('chips');
  box.replaceChildren(...state.symbols.map((s) => {
    const chip = document.createElement('span');
    chip.className = 'chip';
    chip.textContent = s;
    const x = document.createElement('button');
    x.type = 'button';
    x.title = `Stop watching ${s}`;
    x.setAttribute('aria-label', `Remove ${s}`);
    x.textContent = '×';
    x.onclick = () => removeSymbol(s);
    chip.append(x);
    return chip;
  }));
}

// ---------- charts ----------
const toSeconds = (ts) => Math.floor(Date.parse(ts) / 1000);
const minuteOf = (sec) => sec - (sec % 60);

function addCard(symbol) {
  const el = document.createElement('div');
  el.className = 'card';
  el.dataset.symbol = symbol;
  el.innerHTML = `<div class="card-head"><span class="sym"></span><span class="meta">1 min candles</span>
    <span class="last">–</span></div><div class="chart"></div>`;
  el.querySelector('.sym').textContent = symbol;
  document.getElementById('charts').append(el);
  const chart = createChart(el.querySelector('.chart'), {
    autoSize: true,
    layout: { background: { color: '#171e26' }, textColor: '#c7d0d9' },
    grid: { vertLines: { color: '#1f2933' }, horzLines: { color: '#1f2933' } },
    timeScale: { timeVisible: true, secondsVisible: false },
    rightPriceScale: { borderColor: '#26313d' },
  });
  const series = chart.addSeries(CandlestickSeries, {
    upColor: '#26a69a', downColor: '#ef5350', borderVisible: false,
    wickUpColor: '#26a69a', wickDownColor: '#ef5350',
  });
  const card = { chart, series, last: null, lastPrice: null, el };
  state.cards.set(symbol, card);
  window.__stockpipe.candles[symbol] = 0;
  loadHistory(symbol, card);
}

async function loadHistory(symbol, card) {
  try {
    const r = await fetch(`/api/bars/${encodeURIComponent(symbol)}?timeframe=1Min&limit=${HISTORY_LIMIT}`);
    if (!r.ok) {
      const problem = await r.json().catch(() => ({}));
      notice(`History for ${symbol} unavailable: ${problem.detail || r.status}`);
      return;
    }
    const bars = await r.json();
    if (state.cards.get(symbol) !== card) return; // removed meanwhile
    const data = bars
      .map((b) => ({ time: toSeconds(b.bar_ts || b.timestamp), open: +b.open, high: +b.high, low: +b.low, close: +b.close }))
      .filter((b) => Number.isFinite(b.time))
      .sort((a, b) => a.time - b.time);
    // live candles that arrived before the history keep precedence
    const live = card.last;
    const merged = live ? data.filter((b) => b.time < live.time).concat([live]) : data;
    card.series.setData(merged);
    card.last = merged.length ? { ...merged[merged.length - 1] } : null;
    window.__stockpipe.candles[symbol] = merged.length;
    if (card.last && card.lastPrice == null) setLast(card, card.last.close, null);
  } catch (e) {
    notice(`History for ${symbol} unavailable (${e.message})`);
  }
}

function applyCandle(card, symbol, candle) {
  if (card.last && candle.time < card.last.time) return; // older than what is drawn
  const isNew = !card.last || candle.time > card.last.time;
  card.series.update(candle);
  card.last = candle;
  if (isNew) window.__stockpipe.candles[symbol] = (window.__stockpipe.candles[symbol] || 0) + 1;
}

function setLast(card, price, prev) {
  const el = card.el.querySelector('.last');
  el.textContent = price.toFixed(price < 10 ? 4 : 2);
  el.className = 'last' + (prev == null ? '' : price > prev ? ' up' : price < prev ? ' down' : '');
  card.lastPrice = price;
}

// ---------- live events ----------
function onTrade(t) {
  const card = state.cards.get(t.symbol);
  const price = Number(t.price);
  const prev = card ? card.lastPrice : null;
  if (card && Number.isFinite(price)) {
    // a trade updates the candle of its minute (or opens the next one)
    const m = minuteOf(toSeconds(t.timestamp));
    const c = card.last && card.last.time === m
      ? { ...card.last, high: Math.max(card.last.high, price), low: Math.min(card.last.low, price), close: price }
      : { time: m, open: price, high: price, low: price, close: price };
    applyCandle(card, t.symbol, c);
    setLast(card, price, prev);
  }
  addTapeRow(t, price, prev);
}

function onBar(b) {
  if (b.timeframe && b.timeframe !== '1Min') return; // the charts show minute candles
  const card = state.cards.get(b.symbol);
  if (!card) return;
  // a bar from the feed replaces the candle built from trades
  applyCandle(card, b.symbol, { time: toSeconds(b.timestamp), open: +b.open, high: +b.high, low: +b.low, close: +b.close });
}

function addTapeRow(t, price, prev) {
  const body = document.querySelector('#tape tbody');
  const tr = document.createElement('tr');
  tr.className = 'fresh';
  const time = new Date(t.timestamp);
  const dir = prev == null ? '' : price > prev ? 'up' : price < prev ? 'down' : '';
  const cells = [
    [Number.isNaN(time.getTime()) ? t.timestamp : time.toLocaleTimeString(), ''],
    [t.symbol, ''],
    [Number.isFinite(price) ? price.toFixed(price < 10 ? 4 : 2) : String(t.price), `num ${dir}`],
    [String(t.size ?? ''), 'num'],
    [t.exchange ?? '', ''],
  ];
  for (const [text, cls] of cells) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    tr.append(td);
  }
  body.prepend(tr);
  while (body.children.length > TAPE_ROWS) body.lastChild.remove();
  document.getElementById('tape-empty').hidden = true;
  window.__stockpipe.trades += 1;
}

// ---------- start ----------
document.getElementById('add-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = document.getElementById('symbol-input');
  addSymbol(input.value);
  input.value = '';
});
renderChips();
state.symbols.forEach(addCard);
connect();
